package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// Address is a nested struct whose attribute names differ from its Go names.
type Address struct {
	City string `json:"city"`
	Zip  string `json:"zip,omitempty"`
}

// Line is a list element with its own attribute names.
type Line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// Customer stores nested structs, a list of structs and a free-form map.
type Customer struct {
	ID       string         `dynamorm:"pk" json:"id"`
	Home     Address        `json:"home"`
	Shipping *Address       `json:"shipping"`
	Lines    []Line         `json:"lines"`
	Meta     map[string]any `json:"meta"`
	Total    int64          `json:"total"`
}

func seedCustomers(t *testing.T, e *env) {
	t.Helper()
	require.NoError(t, e.db.Model(&Customer{ID: "c1", Home: Address{City: "Paris", Zip: "75001"}, Shipping: &Address{City: "Oslo"},
		Lines: []Line{{SKU: "s1", Qty: 2}}, Meta: map[string]any{"Tier": "gold"}, Total: 10}).Create())
	require.NoError(t, e.db.Model(&Customer{ID: "c2", Home: Address{City: "Rome"}, Shipping: &Address{City: "Rome"},
		Lines: []Line{{SKU: "s2", Qty: 1}}, Total: 20}).Create())
}

// Issue 10 item 3: every segment of a nested path is translated through the
// nested struct's metadata, in Where, Filter, Select and conditions.
func TestNestedPathsTranslateEverySegment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Customer{})
	seedCustomers(t, e)
	for name, path := range map[string]string{"go names": "Home.City", "attribute names": "home.city", "mixed": "Home.city"} {
		var out []Customer
		require.NoError(t, e.db.Model(&Customer{}).Filter(path, "=", "Paris").All(&out), name)
		require.Len(t, out, 1, name)
		assert.Equal(t, "c1", out[0].ID, name)
	}
	var out []Customer
	require.NoError(t, e.db.Model(&Customer{}).Where("Lines[0].SKU", "=", "s2").All(&out))
	require.Len(t, out, 1)
	assert.Equal(t, "c2", out[0].ID)
	require.NoError(t, e.db.Model(&Customer{}).Where("Shipping.City", "=", "Oslo").Filter("Lines[0].Qty", ">", 1).All(&out))
	require.Len(t, out, 1)
	// Below a map, parts are attribute names as written.
	require.NoError(t, e.db.Model(&Customer{}).Filter("Meta.Tier", "=", "gold").All(&out))
	require.Len(t, out, 1)

	// Select projects the nested attribute only.
	var c Customer
	require.NoError(t, e.db.Model(&Customer{ID: "c1"}).Select("Home.City", "Lines[0].SKU").First(&c))
	assert.Equal(t, Customer{ID: "c1", Home: Address{City: "Paris"}, Lines: []Line{{SKU: "s1"}}}, c)

	// Conditions on writes: the nested path is checked as stored.
	err := e.db.Model(&Customer{ID: "c1"}).WithCondition("Home.City", "=", "Rome").Delete()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	require.NoError(t, e.db.Model(&Customer{ID: "c2"}).WithCondition("Home.City", "=", "Rome").Delete())

	// An unknown segment of a struct-typed path is an error naming it.
	reads := e.count.reads.Load()
	for _, bad := range []string{"Home.Town", "Lines[0].Price", "Total.x", "Home[0]", "Home..City"} {
		err := e.db.Model(&Customer{}).Filter(bad, "=", "x").All(&out)
		require.ErrorIs(t, err, dynamorm.ErrValidation, bad)
	}
	err = e.db.Model(&Customer{}).Filter("Home.Town", "=", "x").All(&out)
	assert.Contains(t, err.Error(), `"Town"`)
	assert.Contains(t, err.Error(), "City")
	require.ErrorIs(t, e.db.Model(&Customer{}).Select("Shipping.Street").All(&out), dynamorm.ErrValidation)
	assert.Equal(t, reads, e.count.reads.Load())
}

// Issue 10 item 3: the update builder translates nested paths too, so Set
// updates the stored attribute instead of writing a stray one beside it.
func TestUpdateBuilderNestedPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Customer{})
	seedCustomers(t, e)
	require.NoError(t, e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().
		Set("Shipping.City", "Bergen").Set("Lines[0].Qty", 7).Execute())
	raw := e.rawItem(t, "customers", map[string]types.AttributeValue{"id": s("c1")})
	ship := raw["shipping"].(*types.AttributeValueMemberM).Value
	assert.Equal(t, s("Bergen"), ship["city"])
	assert.NotContains(t, ship, "City")
	line := raw["lines"].(*types.AttributeValueMemberL).Value[0].(*types.AttributeValueMemberM).Value
	assert.Equal(t, n("7"), line["qty"])
	assert.NotContains(t, line, "Qty")
	c, err := dynamorm.Get(e.db, Customer{ID: "c1"})
	require.NoError(t, err)
	assert.Equal(t, "Bergen", c.Shipping.City)
	assert.Equal(t, 7, c.Lines[0].Qty)

	writes := e.count.writes.Load()
	require.ErrorIs(t, e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().Set("Shipping.Town", "x").Execute(), dynamorm.ErrValidation)
	// Issue 10 item 5: Set values are encoded by the (nested) field's codec
	// and one of the wrong type is refused before sending.
	for name, ub := range map[string]func() error{
		"number field":  func() error { return e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().Set("Total", "abc").Execute() },
		"nested string": func() error { return e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().Set("Home.City", 5).Execute() },
		"list element":  func() error { return e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().Set("Lines[0]", "x").Execute() },
		"set if not exists": func() error {
			return e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().SetIfNotExists("Total", true).Execute()
		},
	} {
		require.ErrorIs(t, ub(), dynamorm.ErrValidation, name)
	}
	assert.Equal(t, writes, e.count.writes.Load())
	require.NoError(t, e.db.Model(&Customer{ID: "c1"}).UpdateBuilder().Set("Home", Address{City: "Lyon"}).Set("Total", int8(3)).Execute())
	c, err = dynamorm.Get(e.db, Customer{ID: "c1"})
	require.NoError(t, err)
	assert.Equal(t, Address{City: "Lyon"}, c.Home)
	assert.Equal(t, int64(3), c.Total)
}

// Issue 10 item 5: values are encoded by the field's codec and a value of
// the wrong type is an error before sending; DynamoDB's own
// ValidationExceptions wrap ErrValidation.
func TestOperandsOfTheWrongTypeAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Customer{}, &Counter{})
	seedCustomers(t, e)
	require.NoError(t, e.db.Model(&Counter{ID: 7, N: 1}).Create())
	reads, writes := e.count.reads.Load(), e.count.writes.Load()
	var out []Customer
	for name, q := range map[string]func() error{
		"number field, string value":  func() error { return e.db.Model(&Customer{}).Where("Total", ">", "abc").All(&out) },
		"nested string, number value": func() error { return e.db.Model(&Customer{}).Filter("Home.City", "=", 5).All(&out) },
		"IN element":                  func() error { return e.db.Model(&Customer{}).Where("Total", "IN", []any{10, "20"}).All(&out) },
		"BETWEEN":                     func() error { return e.db.Model(&Customer{}).Where("Total", "BETWEEN", []any{"a", "b"}).All(&out) },
		"BEGINS_WITH on a number":     func() error { return e.db.Model(&Customer{}).Where("Total", "BEGINS_WITH", "1").All(&out) },
		"key of the wrong type": func() error {
			var c []Counter
			return e.db.Model(&Counter{}).Where("ID", "=", "7").All(&c)
		},
		"BatchGet key": func() error {
			var c []Counter
			return e.db.Model(&Counter{}).BatchGet([]any{7, "8"}, &c)
		},
		"condition": func() error {
			return e.db.Model(&Customer{ID: "c1"}).WithCondition("Total", "=", "10").Delete()
		},
	} {
		err := q()
		require.ErrorIs(t, err, dynamorm.ErrValidation, name)
	}
	assert.Equal(t, reads, e.count.reads.Load(), "a mistyped read was sent")
	assert.Equal(t, writes, e.count.writes.Load(), "a mistyped write was sent")

	// Values of the right type, in any Go spelling, still match.
	require.NoError(t, e.db.Model(&Customer{}).Where("Total", "IN", []any{int8(10), 20.0}).All(&out))
	assert.Len(t, out, 2)
	require.NoError(t, e.db.Model(&Customer{}).Where("Total", "=", nil).All(&out))
	assert.Empty(t, out)
	var c []Counter
	require.NoError(t, e.db.Model(&Counter{}).Where("ID", "=", uint8(7)).All(&c))
	assert.Len(t, c, 1)

	// A request DynamoDB itself rejects as invalid wraps ErrValidation.
	err := e.db.Model(&Customer{ID: "c1"}).WithConditionExpression("#Total = = :v", map[string]any{"v": 10}).Delete()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.NotErrorIs(t, err, dynamorm.ErrConditionFailed)
}
