package marshal

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
)

type cycleNode struct {
	Name string
	Next *cycleNode
}

type cycleDoc struct {
	ID   string `dynamorm:"pk"`
	Data any
}

// refused checks that err is a validation error whose message holds every
// part.
func refused(t *testing.T, err error, parts ...string) {
	t.Helper()
	require.Error(t, err)
	assert.True(t, errors.Is(err, core.ErrValidation), "wraps ErrValidation: %v", err)
	for _, p := range parts {
		assert.Contains(t, err.Error(), p)
	}
}

func TestCyclesAreRefused(t *testing.T) {
	n := &cycleNode{Name: "a"}
	n.Next = n
	_, err := Marshal(n)
	refused(t, err, "cyclic", "encode cycleNode.Next.Next: the value is cyclic: this is cycleNode.Next again")

	two := &cycleNode{Name: "a", Next: &cycleNode{Name: "b"}}
	two.Next.Next = two
	_, err = Marshal(two)
	refused(t, err, "cyclic", "encode cycleNode.Next.Next.Next: the value is cyclic: this is cycleNode.Next again")

	m := map[string]any{"k": 1}
	m["self"] = m
	_, err = Marshal(cycleDoc{ID: "x", Data: m})
	refused(t, err, "cyclic", `encode cycleDoc.Data["self"]: the value is cyclic: this is cycleDoc.Data again`)

	s := []any{"x", nil}
	s[1] = s
	_, err = MarshalValue(s)
	refused(t, err, "cyclic", "encode []interface {}[1]: the value is cyclic: this is []interface {} again")

	var x any
	x = &x
	_, err = MarshalValue(x)
	refused(t, err, "cyclic")

	type self *any
	var p any
	p = self(&p)
	_, err = Marshal(cycleDoc{ID: "x", Data: p})
	refused(t, err, "cyclic")
}

// nestedMaps returns n maps nested in one another around "leaf".
func nestedMaps(n int) any {
	var v any = "leaf"
	for range n {
		v = map[string]any{"a": v}
	}
	return v
}

func nestedAV(n int) types.AttributeValue {
	var v types.AttributeValue = &types.AttributeValueMemberS{Value: "leaf"}
	for range n {
		v = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"a": v}}
	}
	return v
}

func TestNestingLimit(t *testing.T) {
	// DynamoDB accepts 31 maps around a top-level value and refuses 32
	// (measured on DynamoDB Local: the item is level 1).
	item, err := Marshal(cycleDoc{ID: "x", Data: nestedMaps(31)})
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, Unmarshal(item, &back))

	_, err = Marshal(cycleDoc{ID: "x", Data: nestedMaps(32)})
	refused(t, err, "nested deeper than DynamoDB's 32 levels", `cycleDoc.Data["a"]["a"]`)
	assert.NotContains(t, err.Error(), "cyclic")

	_, err = MarshalValue(nestedMaps(31))
	require.NoError(t, err)
	_, err = MarshalValue(nestedMaps(32))
	refused(t, err, "nested deeper")

	// Lists count as maps do; sets are values, not levels.
	var l any = []string{"x"}
	for range 31 {
		l = []any{l}
	}
	_, err = MarshalValue(l)
	refused(t, err, "nested deeper", "[0][0]")

	// A long acyclic chain of structs.
	var chain *cycleNode
	for i := range 40 {
		chain = &cycleNode{Name: strings.Repeat("n", i), Next: chain}
	}
	_, err = Marshal(chain)
	refused(t, err, "nested deeper", "cycleNode.Next.Next")
	assert.NotContains(t, err.Error(), "cyclic")
}

// selfMarshaler returns a value nested too deep from a custom marshaler.
type selfMarshaler struct{}

func (selfMarshaler) MarshalAttributeValue() (types.AttributeValue, error) { return nestedAV(32), nil }

type badTextMarshaler struct{}

func (badTextMarshaler) MarshalText() ([]byte, error) { return []byte("k\xfe"), nil }

func (*badTextMarshaler) UnmarshalText([]byte) error { return nil }

func TestCustomMarshalerOutputIsChecked(t *testing.T) {
	_, err := MarshalValue(selfMarshaler{})
	refused(t, err, "nested deeper")
	_, err = MarshalValue(badTextMarshaler{})
	refused(t, err, "not valid UTF-8")
	_, err = MarshalValue(map[badTextMarshaler]int{{}: 1})
	refused(t, err, "not valid UTF-8")
}

func TestDecodeRefusesCyclicAndDeepValues(t *testing.T) {
	m := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
	m.Value["self"] = m
	var out any
	refused(t, UnmarshalValue(m, &out), "nested deeper")

	var ok any
	require.NoError(t, UnmarshalValue(nestedAV(31), &ok))
	refused(t, UnmarshalValue(nestedAV(32), &ok), "nested deeper")
}

type utf8Item struct {
	ID   string   `dynamorm:"pk"`
	Tags []string `dynamorm:"set"`
	Meta map[string]string
	Any  map[string]any
}

func TestInvalidUTF8IsRefused(t *testing.T) {
	_, err := Marshal(utf8Item{ID: "k\xff"})
	refused(t, err, "utf8Item.ID", `"k\xff"`, "not valid UTF-8 (byte 1)")
	_, err = Marshal(utf8Item{ID: "k", Tags: []string{"ok", "b\xfe"}})
	refused(t, err, "utf8Item.Tags[1]", "not valid UTF-8")
	_, err = Marshal(utf8Item{ID: "k", Meta: map[string]string{"a": "\xc3"}})
	refused(t, err, `utf8Item.Meta["a"]`, "not valid UTF-8")
	_, err = Marshal(utf8Item{ID: "k", Meta: map[string]string{"\xc3": "a"}})
	refused(t, err, "utf8Item.Meta", "not valid UTF-8")
	_, err = Marshal(utf8Item{ID: "k", Any: map[string]any{"n": []any{"\xff"}}})
	refused(t, err, `utf8Item.Any["n"][0]`, "not valid UTF-8")
	_, err = Marshal(utf8Item{ID: "k", Any: map[string]any{"\xff": 1}})
	refused(t, err, "not valid UTF-8")

	// Valid text, U+FFFD itself included, is stored as it is.
	item, err := Marshal(utf8Item{ID: "Grüße \ufffd 🌍"})
	require.NoError(t, err)
	assert.Equal(t, "Grüße \ufffd 🌍", item["ID"].(*types.AttributeValueMemberS).Value)
}

type numItem struct {
	ID  string `dynamorm:"pk"`
	F   float64
	Num Number
}

func TestNumbersOutsideDynamoDBRangeAreRefused(t *testing.T) {
	for _, f := range []float64{1e126, -1e126, 1.7976931348623157e308, 9.999999999999999e-131, -5e-324} {
		_, err := Marshal(numItem{ID: "k", F: f, Num: "1"})
		refused(t, err, "numItem.F", "outside DynamoDB's range")
	}
	for _, f := range []float64{9.999999999999998e125, -9.999999999999998e125, 1e-130, -1e-130, 0} {
		_, err := Marshal(numItem{ID: "k", F: f, Num: "1"})
		assert.NoError(t, err, "%g", f)
	}
	// Exact numbers: 38 significant digits, magnitude 1E-130 to 9.99..E+125
	// (the limits DynamoDB Local enforces); zeros around the digits do not
	// count.
	for _, s := range []string{"1E126", "-1E+126", "1E-131", "-0.1E-130", "123456789012345678901234567890123456789", "1.23456789012345678901234567890123456789", "abc", "1e", "1E99999999999"} {
		_, err := Marshal(numItem{ID: "k", Num: Number(s)})
		refused(t, err, "numItem.Num")
	}
	for _, s := range []string{"9.9999999999999999999999999999999999999E+125", "1E-130", "-1E-130", "12345678901234567890123456789012345678", "1234567890123456789012345678901234567800",
		"0.00000000000000000000000000000000000000000001", "1.0000000000000000000000000000000000000000", "00000000000000000000000000000000000000000001", "0", "-0", "0E500", "0.000E-99999999999"} {
		_, err := Marshal(numItem{ID: "k", Num: Number(s)})
		assert.NoError(t, err, s)
	}
	_, err := MarshalValue([]Number{"1", "1E200"})
	refused(t, err, "[1]", "too large")
}

type keyItem struct {
	PK  string `dynamorm:"pk"`
	SK  []byte `dynamorm:"sk"`
	GPK string `dynamorm:"index:g,pk"`
	GSK string `dynamorm:"index:g,sk"`
}

func TestKeySizeLimits(t *testing.T) {
	ok := keyItem{PK: strings.Repeat("p", 2048), SK: make([]byte, 1024), GPK: strings.Repeat("€", 682), GSK: strings.Repeat("s", 1024)}
	_, err := Marshal(ok)
	require.NoError(t, err)

	cases := map[string]func(*keyItem){
		"keyItem.PK":  func(k *keyItem) { k.PK += "p" },
		"keyItem.SK":  func(k *keyItem) { k.SK = append(k.SK, 0) },
		"keyItem.GPK": func(k *keyItem) { k.GPK += "€" }, // 2049 bytes of UTF-8
		"keyItem.GSK": func(k *keyItem) { k.GSK += "s" },
	}
	for field, grow := range cases {
		k := ok
		k.SK = append([]byte(nil), ok.SK...)
		grow(&k)
		_, err := Marshal(k)
		refused(t, err, field+":", "over DynamoDB's")
	}

	sc, err := StructCodecOf(reflect.TypeFor[keyItem]())
	require.NoError(t, err)
	long := keyItem{PK: strings.Repeat("p", 2049)}
	_, err = sc.EncodeAttr(reflect.ValueOf(&long), "PK")
	refused(t, err, "keyItem.PK", "2049 bytes is over DynamoDB's 2048-byte limit for partition keys")
}

type deepNode struct {
	Name string
	Next *deepNode
	List []deepNode
	Map  map[string]*deepNode
}

func TestTypedDecodeRefusesCyclicAndDeepValues(t *testing.T) {
	// A cyclic item built in memory, through each kind of container.
	m := map[string]types.AttributeValue{"Name": &types.AttributeValueMemberS{Value: "x"}}
	m["Next"] = &types.AttributeValueMemberM{Value: m}
	var n deepNode
	refused(t, Unmarshal(m, &n), "nested deeper", "deepNode.Next.Next")

	l := &types.AttributeValueMemberL{}
	l.Value = []types.AttributeValue{&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"List": l}}}
	refused(t, Unmarshal(map[string]types.AttributeValue{"List": l}, &n), "nested deeper", "deepNode.List[0].List[0]")

	mm := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
	mm.Value["k"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"Map": mm}}
	refused(t, Unmarshal(map[string]types.AttributeValue{"Map": mm}, &n), "nested deeper", `deepNode.Map["k"].Map["k"]`)

	// What encoding accepts, decoding accepts: the deepest chain of nodes
	// (the item and 31 nested maps).
	var chain *deepNode
	for range 32 {
		chain = &deepNode{Name: "n", Next: chain}
	}
	item, err := Marshal(chain)
	require.NoError(t, err)
	var back deepNode
	require.NoError(t, Unmarshal(item, &back))
	depth := 0
	for p := &back; p != nil; p = p.Next {
		depth++
	}
	assert.Equal(t, 32, depth)
	chain = &deepNode{Name: "n", Next: chain}
	_, err = Marshal(chain)
	refused(t, err, "nested deeper")
}
