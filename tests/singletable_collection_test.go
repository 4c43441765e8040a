package tests

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// seedCollection stores a customer, two orders and three lines per order
// in one partition, and a customer of another partition.
func seedCollection(t *testing.T, e *env) {
	t.Helper()
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1", Email: "ada@x", Name: "Ada"}).Create())
	require.NoError(t, e.db.Model(&stCustomer{ID: "c2", Email: "bob@x", Name: "Bob"}).Create())
	for i, id := range []string{"o1", "o2"} {
		o := &stOrder{CustomerID: "c1", ID: id, PlacedAt: stT0.Add(timeHours(i)), Region: "eu", Status: "open", Total: float64(10 * (i + 1))}
		require.NoError(t, e.db.Model(o).Create())
		for n := 1; n <= 3; n++ {
			require.NoError(t, e.db.Model(&stLine{CustomerID: "c1", PlacedAt: o.PlacedAt, OrderID: id, N: n, SKU: fmt.Sprint("sku", n), Qty: n}).Create())
		}
	}
}

// TestEntityCollectionTypedAndRaw: one Query over a shared partition
// returns every entity in it, each decoded into its own type.
func TestEntityCollectionTypedAndRaw(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	seedCollection(t, e)

	var c struct {
		Customer *stCustomer
		Orders   []stOrder
		Lines    []*stLine
	}
	before := e.count.reads.Load()
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).Collection(&c))
	require.Equal(t, int64(1), e.count.reads.Load()-before, "one Query")
	require.NotNil(t, c.Customer)
	require.Equal(t, "Ada", c.Customer.Name)
	require.Len(t, c.Orders, 2)
	require.Equal(t, "o1", c.Orders[0].ID)
	require.Len(t, c.Lines, 6)
	require.Equal(t, "o1", c.Lines[0].OrderID)
	require.Equal(t, 3, c.Lines[2].N)

	// Through another entity's partition components: the same collection.
	var fromOrder struct {
		Customer stCustomer
		Orders   []stOrder
		Lines    []stLine
	}
	require.NoError(t, e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").Collection(&fromOrder))
	require.Equal(t, "c1", fromOrder.Customer.ID)
	require.Len(t, fromOrder.Lines, 6)

	// An entity without a field: an error, or skipped when asked.
	var partial struct{ Orders []stOrder }
	err := e.db.Model(&stCustomer{ID: "c1"}).Collection(&partial)
	require.ErrorIs(t, err, dynamorm.ErrUnknownEntity)
	require.Contains(t, err.Error(), `"line"`)
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).SkipUnknownEntities().Collection(&partial))
	require.Len(t, partial.Orders, 2)

	// The iterator form, for a type switch.
	counts := map[string]int{}
	for v, err := range e.db.Model(&stCustomer{ID: "c1"}).CollectionItems(stCustomer{}, &stOrder{}, stLine{}) {
		require.NoError(t, err)
		switch v := v.(type) {
		case *stCustomer:
			counts["customer"]++
			require.Equal(t, "Ada", v.Name)
		case *stOrder:
			counts["order"]++
		case *stLine:
			counts["line"]++
			require.Positive(t, v.Qty)
		default:
			t.Fatalf("unexpected %T", v)
		}
	}
	require.Equal(t, map[string]int{"customer": 1, "order": 2, "line": 6}, counts)
	var gotErr error
	for _, err := range e.db.Model(&stCustomer{ID: "c1"}).CollectionItems(stOrder{}) {
		if err != nil {
			gotErr = err
			break
		}
	}
	require.ErrorIs(t, gotErr, dynamorm.ErrUnknownEntity)

	// Raw forms.
	var raw []map[string]types.AttributeValue
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).Collection(&raw))
	require.Len(t, raw, 9)
	var anyMaps []map[string]any
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).Collection(&anyMaps))
	require.Len(t, anyMaps, 9)
	require.Equal(t, "PROFILE", anyMaps[8]["sk"], "PROFILE sorts after ORDER#...")

	// A collection needs the partition key.
	require.ErrorIs(t, e.db.Model(&stCustomer{}).Collection(&raw), dynamorm.ErrValidation)
}

// TestQueryAllIntoMaps: All decodes any query's items into maps.
func TestQueryAllIntoMaps(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	seedCollection(t, e)
	var raw []map[string]types.AttributeValue
	require.NoError(t, e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").All(&raw))
	require.Len(t, raw, 2, "only orders: the entity filter applies")
	require.Equal(t, s("order"), raw[0]["_type"])
	var anyMaps []map[string]any
	require.NoError(t, e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").All(&anyMaps))
	require.Len(t, anyMaps, 2)
	require.Equal(t, "o2", anyMaps[1]["ID"])
	require.Equal(t, "20", fmt.Sprint(anyMaps[1]["Total"]))
}

// TestEntityStreamImages: an image decodes into the entity it holds, and
// decoding it into another entity is an error.
func TestEntityStreamImages(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	seedCollection(t, e)
	var raw []map[string]types.AttributeValue
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1"}).Collection(&raw))
	for _, item := range raw {
		image := marshal.ToStreamImage(item)
		v, err := dynamorm.EntityOf(image, stCustomer{}, stOrder{}, stLine{})
		require.NoError(t, err)
		switch v := v.(type) {
		case *stCustomer:
			var c stCustomer
			require.NoError(t, dynamorm.UnmarshalItem(image, &c))
			require.Equal(t, *v, c)
			var o stOrder
			require.ErrorIs(t, dynamorm.UnmarshalItem(image, &o), dynamorm.ErrUnknownEntity, "a customer image is no order")
		case *stOrder:
			require.Equal(t, "c1", v.CustomerID)
		case *stLine:
			require.Equal(t, "c1", v.CustomerID)
		}
	}
	_, err := dynamorm.EntityOf(marshal.ToStreamImage(raw[0]), stCustomer{})
	require.ErrorIs(t, err, dynamorm.ErrUnknownEntity)
}

// TestEntityBatchesAndTransactions: batch writes and transactions carry
// the derived keys; BatchGet and TransactGet read entities back.
func TestEntityBatchesAndTransactions(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	var orders []stOrder
	for i := 0; i < 30; i++ {
		orders = append(orders, stOrder{CustomerID: "c9", ID: fmt.Sprintf("b%02d", i), PlacedAt: stT0, Region: "us", Status: "new", Total: float64(i) - 15})
	}
	require.NoError(t, e.db.Model(&stOrder{}).AllowOverwrite().BatchCreate(orders))
	var got []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "us").Where("Status", "=", "new").All(&got))
	require.Len(t, got, 30)
	require.Equal(t, -15.0, got[0].Total, "gsi2 keys were derived in the batch")

	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(&stCustomer{ID: "c9", Email: "c9@x", Name: "Nine"}).Create(); err != nil {
			return err
		}
		o := got[0]
		o.Status, o.Region = "paid", "us"
		return tx.Model(&o).Update("Status", "Region")
	})
	require.NoError(t, err)
	var c stCustomer
	require.NoError(t, e.db.Model(&stCustomer{ID: "c9"}).First(&c))
	require.Equal(t, "Nine", c.Name)
	var paid []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "us").Where("Status", "=", "paid").All(&paid))
	require.Len(t, paid, 1)

	err = e.db.Transaction(func(tx *dynamorm.Tx) error {
		o := got[1]
		o.Status = "x"
		return tx.Model(&o).Update("Status")
	})
	require.ErrorIs(t, err, dynamorm.ErrIncompleteKey, "the transaction's update is planned like any other")

	keys := []any{&stOrder{CustomerID: "c9", ID: "b03", PlacedAt: stT0}, &stOrder{CustomerID: "c9", ID: "b04", PlacedAt: stT0}}
	var fetched []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).BatchGet(keys, &fetched))
	require.Len(t, fetched, 2)
}

// TestEntityConcurrentWrites: 64 goroutines write entities of one table,
// sharing partitions; every item is stored once under its derived keys.
func TestEntityConcurrentWrites(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	const workers, each = 64, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			db := e.db.WithContext(context.Background())
			for i := 0; i < each; i++ {
				o := &stOrder{CustomerID: fmt.Sprint("c", w%8), ID: fmt.Sprintf("w%02d-%d", w, i), PlacedAt: stT0.Add(timeHours(i)), Region: "eu", Status: fmt.Sprint("s", w%3), Total: float64(w*each + i)}
				errs <- db.Model(o).Create()
				o.Status = "done"
				errs <- db.Model(o).Update("Status", "Region")
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var done []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "done").All(&done))
	require.Len(t, done, workers*each)
	for i := 1; i < len(done); i++ {
		require.Less(t, done[i-1].Total, done[i].Total)
	}
	total := 0
	for c := 0; c < 8; c++ {
		n, err := e.db.Model(&stOrder{}).Where("CustomerID", "=", fmt.Sprint("c", c)).Count()
		require.NoError(t, err)
		total += int(n)
	}
	require.Equal(t, workers*each, total)
}
