package tests

import (
	"math/big"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// LimitDoc holds values that can be nested or cyclic, numbers near
// DynamoDB's range and a string key.
type LimitDoc struct {
	ID    string `dynamorm:"pk"`
	Data  any
	Next  *LimitDoc
	F     float64
	Exact marshal.Number `dynamorm:"omitempty"`
}

// LimitKeys has a composite key for the key size limits.
type LimitKeys struct {
	PK  string `dynamorm:"pk"`
	SK  string `dynamorm:"sk"`
	GPK string `dynamorm:"index:by-g,pk"`
	Val int
}

// ULIDPtr has a ulid key behind a pointer.
type ULIDPtr struct {
	ID   *string `dynamorm:"pk,ulid"`
	Name string
}

// nested returns n maps nested in one another around a string.
func nested(n int) any {
	var v any = "leaf"
	for range n {
		v = map[string]any{"a": v}
	}
	return v
}

// sentNothing checks that the refusal wraps ErrValidation and that no
// write reached the server.
func sentNothing(t *testing.T, e *env, err error, parts ...string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrValidation)
	for _, p := range parts {
		assert.Contains(t, err.Error(), p)
	}
	assert.Zero(t, e.count.writes.Load(), "a refused write was sent")
}

func TestCyclicAndDeepValuesAreRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &LimitDoc{})

	loop := &LimitDoc{ID: "loop"}
	loop.Next = loop
	sentNothing(t, e, e.db.Model(loop).Create(), "cyclic", "LimitDoc.Next")

	m := map[string]any{"k": "v"}
	m["self"] = m
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "map", Data: m}).Create(), "cyclic", `LimitDoc.Data["self"]`)

	s := []any{"x", nil}
	s[1] = s
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "slice", Data: s}).CreateOrUpdate(), "cyclic", "LimitDoc.Data[1]")

	deep := &LimitDoc{ID: "deep", Data: nested(32)}
	sentNothing(t, e, e.db.Model(deep).Create(), "nested deeper than DynamoDB's 32 levels")
	sentNothing(t, e, e.db.Transaction(func(tx *dynamorm.Tx) error { return tx.Create(deep) }), "nested deeper")
	sentNothing(t, e, e.db.Model(&LimitDoc{}).BatchCreate([]LimitDoc{{ID: "ok"}, *deep}), "nested deeper")
	assert.Zero(t, e.itemCount(t, "limit_docs"))

	// The deepest value DynamoDB stores is written and read back.
	ok := &LimitDoc{ID: "deepest", Data: nested(31)}
	require.NoError(t, e.db.Model(ok).Create())
	got, err := dynamorm.Get(e.db, LimitDoc{ID: "deepest"})
	require.NoError(t, err)
	assert.Equal(t, nested(31), got.Data)
}

func TestInvalidUTF8IsRefusedSoKeysCannotCollide(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &LimitDoc{})
	// The SDK would send both as "k\uFFFD": one item overwriting the other.
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "k\xff"}).Create(), "not valid UTF-8")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "k\xfe"}).CreateOrUpdate(), "not valid UTF-8")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "ok", Data: map[string]any{"\xc3": 1}}).Create(), "not valid UTF-8")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "ok", Data: []any{"a\x80"}}).Create(), "LimitDoc.Data[0]", "not valid UTF-8")
	_, err := dynamorm.Get(e.db, LimitDoc{ID: "k\xff"})
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Zero(t, e.count.reads.Load(), "a refused read was sent")
	assert.Zero(t, e.itemCount(t, "limit_docs"))

	// Valid text, U+FFFD itself included, round-trips unchanged.
	require.NoError(t, e.db.Model(&LimitDoc{ID: "k\ufffd", Data: "Grüße 🌍"}).Create())
	got, err := dynamorm.Get(e.db, LimitDoc{ID: "k\ufffd"})
	require.NoError(t, err)
	assert.Equal(t, "Grüße 🌍", got.Data)
}

func TestNumbersOutsideDynamoDBRangeAreRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &LimitDoc{})
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "big", F: 1e126}).Create(), "LimitDoc.F", "outside DynamoDB's range")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "tiny", F: 5e-324}).Create(), "outside DynamoDB's range")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "digits", Exact: "123456789012345678901234567890123456789"}).Create(), "38")
	sentNothing(t, e, e.db.Model(&LimitDoc{ID: "exp", Exact: "1E126"}).Create(), "too large")

	// The extremes DynamoDB accepts are stored and read back exactly.
	cases := []LimitDoc{
		{ID: "max", F: 9.999999999999998e125, Exact: "9.9999999999999999999999999999999999999E+125"},
		{ID: "min", F: -1e-130, Exact: "1E-130"},
		{ID: "38", F: 0, Exact: "12345678901234567890123456789012345678"},
	}
	for _, c := range cases {
		require.NoError(t, e.db.Model(&c).Create(), c.ID)
		got, err := dynamorm.Get(e.db, LimitDoc{ID: c.ID})
		require.NoError(t, err)
		assert.Equal(t, c.F, got.F, c.ID)
		want, _ := new(big.Rat).SetString(string(c.Exact))
		have, ok := new(big.Rat).SetString(string(got.Exact))
		require.True(t, ok, "%q", got.Exact)
		assert.Zero(t, want.Cmp(have), "%s: %s != %s", c.ID, got.Exact, c.Exact)
	}
}

func TestKeySizeLimitsAreCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &LimitKeys{})
	pk, sk := strings.Repeat("p", 2048), strings.Repeat("€", 341)+"s" // 1024 bytes of UTF-8
	require.NoError(t, e.db.Model(&LimitKeys{PK: pk, SK: sk, GPK: strings.Repeat("g", 2048), Val: 1}).Create())
	got, err := dynamorm.Get(e.db, LimitKeys{PK: pk, SK: sk})
	require.NoError(t, err)
	assert.Equal(t, 1, got.Val)

	writes := e.count.writes.Load()
	for name, k := range map[string]LimitKeys{
		"LimitKeys.PK":  {PK: pk + "p", SK: "s"},
		"LimitKeys.SK":  {PK: "p", SK: sk + "s"},
		"LimitKeys.GPK": {PK: "p", SK: "s", GPK: strings.Repeat("g", 2049)},
	} {
		err := e.db.Model(&k).Create()
		require.ErrorIs(t, err, core.ErrValidation, name)
		assert.Contains(t, err.Error(), name)
		assert.Contains(t, err.Error(), "over DynamoDB's")
	}
	assert.Equal(t, writes, e.count.writes.Load(), "a refused write was sent")

	// Keys given directly, not through an item, are checked as well.
	tooLong := pk + "p"
	err = e.db.Model(&LimitKeys{}).Where("PK", "=", tooLong).Where("SK", "=", "s").UpdateBuilder().Set("Val", 2).Execute()
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "LimitKeys.PK")
	require.ErrorIs(t, e.db.Model(&LimitKeys{PK: tooLong, SK: "s"}).Delete(), core.ErrValidation)
	assert.Equal(t, writes, e.count.writes.Load(), "a refused write was sent")

	reads := e.count.reads.Load()
	_, err = dynamorm.Get(e.db, LimitKeys{PK: tooLong, SK: "s"})
	require.ErrorIs(t, err, core.ErrValidation)
	var batch []LimitKeys
	err = e.db.Model(&LimitKeys{}).BatchGet([]any{core.NewKeyPair(pk, sk), core.NewKeyPair("p", sk+"s")}, &batch)
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "LimitKeys.SK")
	assert.Equal(t, reads, e.count.reads.Load(), "a refused read was sent")
	assert.Equal(t, 1, e.itemCount(t, "limit_keys"))
	got, err = dynamorm.Get(e.db, LimitKeys{PK: pk, SK: sk})
	require.NoError(t, err)
	assert.Equal(t, 1, got.Val, "the stored item is unchanged")
}

func TestULIDOnPointerKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &ULIDPtr{})
	u := &ULIDPtr{Name: "a"}
	require.NoError(t, e.db.Model(u).Create())
	require.NotNil(t, u.ID)
	assert.Len(t, *u.ID, 26)
	raw := e.rawItem(t, "ulid_ptrs", map[string]types.AttributeValue{"ID": s(*u.ID)})
	assert.Equal(t, s("a"), raw["Name"])

	// A set ID is kept.
	id := "fixed"
	require.NoError(t, e.db.Model(&ULIDPtr{ID: &id, Name: "b"}).Create())
	got, err := dynamorm.Get(e.db, ULIDPtr{ID: &id})
	require.NoError(t, err)
	assert.Equal(t, "b", got.Name)
	assert.Equal(t, 2, e.itemCount(t, "ulid_ptrs"))
}
