package tests

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// TestEntityWritesDerivedKeysAndType stores the composed keys, the entity
// type and every field's own attribute, and reads the item back by its
// components.
func TestEntityWritesDerivedKeysAndType(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	c := &stCustomer{ID: "c#1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, e.db.Model(c).Create())
	o := &stOrder{CustomerID: "c#1", ID: "o1", PlacedAt: stT0, Region: "eu", Status: "open", Total: -12.5}
	require.NoError(t, e.db.Model(o).Create())

	raw := e.rawItem(t, "shop", map[string]types.AttributeValue{"pk": s("CUSTOMER#c$c1"), "sk": s("PROFILE")})
	require.Equal(t, s("customer"), raw["_type"])
	require.Equal(t, s("EMAIL#ada@example.com"), raw["gsi1pk"])
	require.Equal(t, s("c#1"), raw["ID"], "the field keeps its own attribute")

	raw = e.rawItem(t, "shop", map[string]types.AttributeValue{"pk": s("CUSTOMER#c$c1"), "sk": s("ORDER#2024-05-01T09:00:00.000000000Z#o1")})
	require.NotNil(t, raw, "the order is stored under its composed key")
	require.Equal(t, s("order"), raw["_type"])
	require.Equal(t, s("REGION#eu#STATUS#open"), raw["gsi2pk"])
	require.Equal(t, s("M497874~#o1"), raw["gsi2sk"], "-12.5 in the sortable number form")
	require.Equal(t, s("ORDER#o1"), raw["gsi1pk"])

	var got stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c#1", ID: "o1", PlacedAt: stT0}).First(&got))
	require.Equal(t, "open", got.Status)
	require.Equal(t, -12.5, got.Total)
	require.Equal(t, 1, got.Version)

	var byID stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("ID", "=", "o1").First(&byID), "Where on the component of gsi1pk queries gsi1")
	require.Equal(t, "c#1", byID.CustomerID)
	ex, err := e.db.Model(&stOrder{}).Where("ID", "=", "o1").Explain()
	require.NoError(t, err)
	require.Equal(t, "Query", ex.Operation)
	require.Equal(t, "gsi1", ex.Index)

	var byEmail []stCustomer
	require.NoError(t, e.db.Model(&stCustomer{}).Where("Email", "=", "ada@example.com").All(&byEmail))
	require.Len(t, byEmail, 1)
	require.Equal(t, "Ada", byEmail[0].Name)
}

// TestEntityReadsReturnOnlyTheirEntity: orders and lines share a partition
// and a sort-key prefix; each query returns its own entity only, and a key
// that holds another entity's item holds no item of this one.
func TestEntityReadsReturnOnlyTheirEntity(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1", Email: "a@x", Name: "Ada"}).Create())
	for i, id := range []string{"o1", "o2"} {
		o := &stOrder{CustomerID: "c1", ID: id, PlacedAt: stT0.Add(timeHours(i)), Status: "open", Total: 10}
		require.NoError(t, e.db.Model(o).Create())
		for n := 1; n <= 3; n++ {
			require.NoError(t, e.db.Model(&stLine{CustomerID: "c1", PlacedAt: o.PlacedAt, OrderID: id, N: n, SKU: "sku", Qty: n}).Create())
		}
	}
	var orders []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").All(&orders))
	require.Len(t, orders, 2)
	require.Equal(t, []string{"o1", "o2"}, []string{orders[0].ID, orders[1].ID})
	n, err := e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").Count()
	require.NoError(t, err)
	require.EqualValues(t, 2, n)

	var lines []stLine
	require.NoError(t, e.db.Model(&stLine{}).Where("CustomerID", "=", "c1").Where("PlacedAt", "=", stT0).Where("OrderID", "=", "o1").All(&lines))
	require.Len(t, lines, 3)
	require.Equal(t, 3, lines[2].N)

	var imp stImpostor
	err = e.db.Model(&stImpostor{ID: "c1"}).First(&imp)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "the customer's key holds no impostor")
	err = e.db.Model(&stImpostor{ID: "c1", Name: "Eve"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	require.ErrorIs(t, e.db.Model(&stImpostor{ID: "c1", Name: "Eve"}).CreateOrUpdate(), dynamorm.ErrConditionFailed)
	require.Error(t, e.db.Model(&stImpostor{ID: "c1", Name: "Eve"}).Update("Name"))
	require.Error(t, e.db.Model(&stImpostor{ID: "c1"}).UpdateBuilder().Set("Name", "Eve").Execute())
	require.ErrorIs(t, e.db.Model(&stImpostor{ID: "c1"}).Delete(), dynamorm.ErrConditionFailed)
	var c stCustomer
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).First(&c))
	require.Equal(t, "Ada", c.Name, "no impostor write touched the customer")
	require.NoError(t, e.db.Model(&stImpostor{ID: "nobody"}).Delete(), "deleting a missing item still succeeds")
}

// TestEntityIncompleteKeyAndRecomputation: an update that changes a key
// component recomputes the keys derived from it, or fails before sending
// when it lacks the other components.
func TestEntityIncompleteKeyAndRecomputation(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	o := &stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0, Region: "eu", Status: "open", Total: 5}
	require.NoError(t, e.db.Model(o).Create())
	key := map[string]types.AttributeValue{"pk": s("CUSTOMER#c1"), "sk": s("ORDER#2024-05-01T09:00:00.000000000Z#o1")}

	o.Status = "paid"
	before := e.count.writes.Load()
	err := e.db.Model(o).Update("Status")
	require.ErrorIs(t, err, dynamorm.ErrIncompleteKey)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	require.Contains(t, err.Error(), "Region")
	require.Equal(t, before, e.count.writes.Load(), "nothing was sent")
	require.Equal(t, s("REGION#eu#STATUS#open"), e.rawItem(t, "shop", key)["gsi2pk"])

	o.Region, o.Total = "us", 6
	require.NoError(t, e.db.Model(o).Update("Status", "Region", "Total"))
	raw := e.rawItem(t, "shop", key)
	require.Equal(t, s("REGION#us#STATUS#paid"), raw["gsi2pk"])
	require.Equal(t, s("P5016#o1"), raw["gsi2sk"])
	var paid []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "us").Where("Status", "=", "paid").All(&paid))
	require.Len(t, paid, 1)
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "open").All(&paid))
	require.Empty(t, paid, "the old index key is gone")

	err = e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).UpdateBuilder().Set("Status", "shipped").Execute()
	require.ErrorIs(t, err, dynamorm.ErrIncompleteKey)
	require.Contains(t, err.Error(), "Region")
	err = e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).UpdateBuilder().Set("Total", 7).Set("Status", "shipped").Set("Region", "us").Execute()
	require.NoError(t, err)
	raw = e.rawItem(t, "shop", key)
	require.Equal(t, s("REGION#us#STATUS#shipped"), raw["gsi2pk"])
	require.Equal(t, s("P5017#o1"), raw["gsi2sk"])

	err = e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).UpdateBuilder().Add("Total", 1).Execute()
	require.ErrorIs(t, err, dynamorm.ErrIncompleteKey)

	err = e.db.Model(&stOrder{CustomerID: "c2", ID: "o1", PlacedAt: stT0}).Update("CustomerID")
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	require.Contains(t, err.Error(), "MoveItem")

	var cur stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).First(&cur))
	moved := cur
	moved.CustomerID = "c2"
	require.NoError(t, e.db.MoveItem(&cur, &moved))
	require.Nil(t, e.rawItem(t, "shop", key))
	var got stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c2", ID: "o1", PlacedAt: stT0}).First(&got))
	require.Equal(t, "shipped", got.Status)
	err = e.db.MoveItem(&cur, &moved)
	require.True(t, errors.Is(err, dynamorm.ErrConditionFailed) || errors.Is(err, dynamorm.ErrTransactionFailed), "moving a missing item fails: %v", err)
}
