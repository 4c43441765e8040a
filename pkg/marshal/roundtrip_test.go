package marshal

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type (
	avS    = types.AttributeValueMemberS
	avN    = types.AttributeValueMemberN
	avB    = types.AttributeValueMemberB
	avBOOL = types.AttributeValueMemberBOOL
	avNULL = types.AttributeValueMemberNULL
	avL    = types.AttributeValueMemberL
	avM    = types.AttributeValueMemberM
	avSS   = types.AttributeValueMemberSS
	avNS   = types.AttributeValueMemberNS
	avBS   = types.AttributeValueMemberBS
)

func TestRoundTripEverything(t *testing.T) {
	in := everything()
	item, err := Marshal(&in)
	require.NoError(t, err)

	var out Everything
	require.NoError(t, Unmarshal(item, &out))

	want := in
	want.Skipped = "" // "-" fields are not stored
	want.unexported = 0
	assert.Equal(t, want, out)

	// By value as well as by pointer, with the same result.
	byValue, err := Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, item, byValue)
}

func TestWireForm(t *testing.T) {
	in := everything()
	item, err := Marshal(&in)
	require.NoError(t, err)

	want := map[string]types.AttributeValue{
		"ID":         &avS{Value: "id-1"},
		"Version":    &avN{Value: "3"},
		"Actor":      &avS{Value: "alice"},
		"Note":       &avS{Value: "through a pointer"},
		"S":          &avS{Value: "hello"},
		"Empty":      &avS{Value: ""},
		"Named":      &avS{Value: "active"},
		"Bool":       &avBOOL{Value: true},
		"I":          &avN{Value: "-42"},
		"I8":         &avN{Value: "-128"},
		"I64":        &avN{Value: "-9223372036854775808"},
		"U64":        &avN{Value: "18446744073709551615"},
		"F32":        &avN{Value: "1.5"},
		"F64":        &avN{Value: "0.30000000000000004"},
		"Big":        &avN{Value: "9.999999999999998e+125"},
		"Small":      &avN{Value: "1e-130"},
		"Num":        &avN{Value: "12345678901234567890123456789.123456789"},
		"Bytes":      &avB{Value: []byte{0, 1, 2, 255}},
		"Arr":        &avB{Value: []byte{9, 8, 7, 6}},
		"T":          &avS{Value: "2024-02-29T13:14:15.123456789Z"},
		"TUnix":      &avN{Value: "1700000000"},
		"PS":         &avS{Value: "pointed"},
		"PPS":        &avS{Value: "pointed"},
		"NilP":       &avNULL{Value: true},
		"Strs":       &avL{Value: []types.AttributeValue{&avS{Value: "a"}, &avS{Value: ""}, &avS{Value: "c"}}},
		"NilSlice":   &avNULL{Value: true},
		"EmptySlice": &avL{Value: []types.AttributeValue{}},
		"Matrix": &avL{Value: []types.AttributeValue{
			&avL{Value: []types.AttributeValue{&avN{Value: "1"}, &avN{Value: "2"}}},
			&avL{Value: []types.AttributeValue{}},
			&avNULL{Value: true},
		}},
		"Nested": &avM{Value: map[string]types.AttributeValue{
			"Street": &avS{Value: "Main St"},
			"Zip":    &avS{Value: "12345"},
			"Geo":    &avL{Value: []types.AttributeValue{&avN{Value: "52.5"}, &avN{Value: "13.4"}}},
		}},
		"MapI":    &avM{Value: map[string]types.AttributeValue{"-1": &avS{Value: "minus one"}, "7": &avS{Value: "seven"}}},
		"MapText": &avM{Value: map[string]types.AttributeValue{"low": &avN{Value: "10"}, "high": &avN{Value: "20"}}},
		"NilMap":  &avNULL{Value: true},
		"SS":      &avSS{Value: []string{"red", "green"}},
		"NS":      &avNS{Value: []string{"1", "2", "3"}},
		"BS":      &avBS{Value: [][]byte{{1}, {2, 3}}},
		"SSMap":   &avSS{Value: []string{"x", "y"}},
		"NSMap":   &avNS{Value: []string{"-2", "1.25"}},
		"BSMap":   &avBS{Value: [][]byte{{1, 2}, {3, 4}}},
		"TimeSet": &avSS{Value: []string{"2024-02-29T13:14:15.123456789Z", "2024-02-29T12:14:15.123456789Z"}},
		"Lvl":     &avS{Value: "high"},
		"LvlPtr":  &avS{Value: "low"},
		"Money":   &avS{Value: "USD 12.34"},
		"Color":   &avN{Value: "66051"},
		"IP":      &avS{Value: "192.0.2.1"},
		"Any":     &avS{Value: "dynamic"},
		"AnyNil":  &avNULL{Value: true},

		"renamed-attr": &avS{Value: "renamed"},
		"json_name":    &avS{Value: "json"},
		"GSISort":      &avN{Value: "0"}, // 0 is a valid number key; only "" keys are left out
	}
	for name, av := range want {
		assert.Equal(t, av, item[name], "attribute %s", name)
	}
	for _, absent := range []string{"NilBytes", "TZero", "EmptySet", "Skipped", "GSIKey", "Omitted", "unexported", "Renamed", "JSONName"} {
		assert.NotContains(t, item, absent)
	}
	assert.NotContains(t, item["Nested"].(*avM).Value, "NoSuch")
	assert.NotContains(t, item["NestedPtr"].(*avM).Value, "Zip", "omitempty inside nested structs")
}

func TestEmptyAndAbsent(t *testing.T) {
	type Sparse struct {
		ID      string     `dynamorm:"pk"`
		GSI     *string    `dynamorm:"index:by-gsi,pk"`
		LSI     string     `dynamorm:"lsi:by-lsi"`
		Expires time.Time  `dynamorm:"ttl"`
		Opt     *int       `dynamorm:"omitempty"`
		OptT    *time.Time `dynamorm:"omitempty,unixtime"`
		Rank    *int       `dynamorm:"index:by-rank,pk"`
		Score   int        `dynamorm:"index:by-rank,sk"`
		*Extra
	}
	item, err := Marshal(Sparse{GSI: ptr("")})
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{"ID": &avS{Value: ""}, "Score": &avN{Value: "0"}}, item,
		"table keys and number index keys are written; empty string index keys, nil index keys, zero ttl, nil omitempty and nil embedded pointers are not")

	exp := time.Unix(1800000000, 0).UTC()
	item, err = Marshal(Sparse{ID: "a", GSI: ptr("g"), LSI: "l", Expires: exp, OptT: &exp, Extra: &Extra{}})
	require.NoError(t, err)
	assert.Equal(t, &avN{Value: "1800000000"}, item["Expires"], "ttl times are Unix seconds")
	assert.Equal(t, &avN{Value: "1800000000"}, item["OptT"])
	assert.Equal(t, &avS{Value: "g"}, item["GSI"])
	assert.Equal(t, &avS{Value: ""}, item["Note"], "fields of a non-nil embedded pointer are written")

	var back Sparse
	require.NoError(t, Unmarshal(item, &back))
	assert.Equal(t, exp, back.Expires)
	require.NotNil(t, back.Extra, "decoding allocates embedded pointers")

	back = Sparse{}
	require.NoError(t, Unmarshal(map[string]types.AttributeValue{"ID": &avS{Value: "x"}}, &back))
	assert.Nil(t, back.Extra, "no attribute of the embedded struct: the pointer stays nil")
}

func TestDecodeLeavesAbsentFieldsAlone(t *testing.T) {
	type T struct {
		A, B string
		N    int
	}
	v := T{A: "keep", B: "old", N: 5}
	require.NoError(t, Unmarshal(map[string]types.AttributeValue{"B": &avS{Value: "new"}, "Unknown": &avN{Value: "1"}}, &v))
	assert.Equal(t, T{A: "keep", B: "new", N: 5}, v)
}

func TestDecodeNull(t *testing.T) {
	type T struct {
		S  string
		P  *int
		L  []int
		M  map[string]int
		T  time.Time
		St Address
		A  any
	}
	v := T{S: "x", P: ptr(1), L: []int{1}, M: map[string]int{"a": 1}, T: time.Now(), St: Address{Street: "s"}, A: 1}
	null := &avNULL{Value: true}
	item := map[string]types.AttributeValue{"S": null, "P": null, "L": null, "M": null, "T": null, "St": null, "A": null}
	require.NoError(t, Unmarshal(item, &v))
	assert.Equal(t, T{}, v)
}

func TestListsAndSetsDecodeIntoEachOther(t *testing.T) {
	type T struct {
		FromSS   []string
		FromNS   []int64
		FromBS   [][]byte
		SetFromL []string            `dynamorm:"set"`
		MapFromL map[int]struct{}    `dynamorm:"set"`
		MapFromS map[string]struct{} // no set tag: still accepts a set
		Arr      [3]int
	}
	item := map[string]types.AttributeValue{
		"FromSS":   &avSS{Value: []string{"a", "b"}},
		"FromNS":   &avNS{Value: []string{"1", "-9223372036854775808"}},
		"FromBS":   &avBS{Value: [][]byte{{1}}},
		"SetFromL": &avL{Value: []types.AttributeValue{&avS{Value: "x"}}},
		"MapFromL": &avL{Value: []types.AttributeValue{&avN{Value: "4"}, &avN{Value: "5"}}},
		"MapFromS": &avSS{Value: []string{"k"}},
		"Arr":      &avNS{Value: []string{"7", "8"}},
	}
	var v T
	require.NoError(t, Unmarshal(item, &v))
	assert.Equal(t, T{
		FromSS: []string{"a", "b"}, FromNS: []int64{1, -9223372036854775808}, FromBS: [][]byte{{1}},
		SetFromL: []string{"x"}, MapFromL: map[int]struct{}{4: {}, 5: {}}, MapFromS: map[string]struct{}{"k": {}},
		Arr: [3]int{7, 8, 0},
	}, v)
}

func TestSetsDropDuplicates(t *testing.T) {
	type T struct {
		Tags []string `dynamorm:"set"`
		Nums []int    `dynamorm:"set"`
		Many []int    `dynamorm:"set"`
	}
	many := make([]int, 40)
	for i := range many {
		many[i] = i % 20
	}
	item, err := Marshal(T{Tags: []string{"b", "a", "b"}, Nums: []int{1, 1}, Many: many})
	require.NoError(t, err)
	assert.Equal(t, &avSS{Value: []string{"b", "a"}}, item["Tags"])
	assert.Equal(t, &avNS{Value: []string{"1"}}, item["Nums"])
	assert.Len(t, item["Many"].(*avNS).Value, 20)
}

func TestDecodeIntoAny(t *testing.T) {
	av := &avM{Value: map[string]types.AttributeValue{
		"s": &avS{Value: "x"}, "n": &avN{Value: "18446744073709551615"}, "b": &avBOOL{Value: true},
		"bin": &avB{Value: []byte{1}}, "l": &avL{Value: []types.AttributeValue{&avNULL{Value: true}}},
		"ss": &avSS{Value: []string{"a"}}, "ns": &avNS{Value: []string{"1.5"}}, "bs": &avBS{Value: [][]byte{{2}}},
		"null": &avNULL{Value: true},
	}}
	var v any
	require.NoError(t, UnmarshalValue(av, &v))
	assert.Equal(t, map[string]any{
		"s": "x", "n": Number("18446744073709551615"), "b": true, "bin": []byte{1}, "l": []any{nil},
		"ss": []string{"a"}, "ns": []Number{"1.5"}, "bs": [][]byte{{2}}, "null": nil,
	}, v)
	u, err := v.(map[string]any)["n"].(Number).Uint64()
	require.NoError(t, err)
	assert.Equal(t, uint64(18446744073709551615), u)

	// An interface holding a pointer decodes into what it points to.
	var target int
	var holder any = &target
	require.NoError(t, UnmarshalValue(&avN{Value: "9"}, &holder))
	assert.Equal(t, 9, target)
}

func TestMapsAsItems(t *testing.T) {
	in := map[string]any{"id": "1", "n": 2, "tags": []string{"a"}}
	item, err := Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{
		"id": &avS{Value: "1"}, "n": &avN{Value: "2"},
		"tags": &avL{Value: []types.AttributeValue{&avS{Value: "a"}}},
	}, item)

	var out map[string]any
	require.NoError(t, Unmarshal(item, &out))
	assert.Equal(t, map[string]any{"id": "1", "n": Number("2"), "tags": []any{"a"}}, out)

	var typed map[string]int
	require.NoError(t, Unmarshal(map[string]types.AttributeValue{"a": &avN{Value: "1"}}, &typed))
	assert.Equal(t, map[string]int{"a": 1}, typed)
}

func TestIntegralNumberSpellings(t *testing.T) {
	for in, want := range map[string]int64{"1E+2": 100, "1.50e1": 15, "-0.0": 0, "12.000": 12, "9223372036854775807": 9223372036854775807} {
		var v int64
		require.NoError(t, UnmarshalValue(&avN{Value: in}, &v), in)
		assert.Equal(t, want, v, in)
	}
	for _, in := range []string{"1.5", "1e-1", "abc", "", "1e", "--1"} {
		var v int64
		assert.Error(t, UnmarshalValue(&avN{Value: in}, &v), in)
	}
	var u uint64
	assert.ErrorContains(t, UnmarshalValue(&avN{Value: "-1"}, &u), "negative")
}

type node struct {
	Name     string
	Children []node
	Next     *node
	ByName   map[string]*node
}

func TestRecursiveType(t *testing.T) {
	in := node{Name: "root", Children: []node{{Name: "a"}, {Name: "b", Next: &node{Name: "c"}}},
		ByName: map[string]*node{"x": {Name: "x"}}}
	item, err := Marshal(&in)
	require.NoError(t, err)
	var out node
	require.NoError(t, Unmarshal(item, &out))
	assert.Equal(t, in, out)
}

func TestMarshalValueAndLists(t *testing.T) {
	av, err := MarshalValue(nil)
	require.NoError(t, err)
	assert.Equal(t, &avNULL{Value: true}, av)

	av, err = MarshalValue([]byte(nil))
	require.NoError(t, err)
	assert.Equal(t, &avNULL{Value: true}, av)

	l, err := MarshalList([]int{1, 2})
	require.NoError(t, err)
	assert.Equal(t, []types.AttributeValue{&avN{Value: "1"}, &avN{Value: "2"}}, l)
	var back []int
	require.NoError(t, UnmarshalList(l, &back))
	assert.Equal(t, []int{1, 2}, back)
}

func TestStructCodec(t *testing.T) {
	type Item struct {
		ID      string    `dynamorm:"pk"`
		When    time.Time `dynamorm:"unixtime"`
		Tags    []string  `dynamorm:"set"`
		Ptr     *int
		GSI     string `dynamorm:"index:g,pk"`
		Ignored int    `dynamorm:"omitempty"`
	}
	sc, err := StructCodecOf(reflect.TypeOf(&Item{}))
	require.NoError(t, err)
	again, err := StructCodecOf(reflect.TypeOf(Item{}))
	require.NoError(t, err)
	assert.Same(t, sc, again, "cached per type")

	when := time.Unix(1700000000, 0).UTC()
	v := Item{ID: "x", When: when, Tags: []string{"a"}}
	rv := reflect.ValueOf(&v).Elem()

	av, err := sc.EncodeAttr(rv, "When")
	require.NoError(t, err)
	assert.Equal(t, &avN{Value: "1700000000"}, av)
	av, err = sc.EncodeAttr(rv, "GSI")
	require.NoError(t, err)
	assert.Nil(t, av, "empty sparse index key: Encode leaves it out")
	av, err = sc.EncodeAttr(rv, "Ignored")
	require.NoError(t, err)
	assert.Nil(t, av)
	_, err = sc.EncodeAttr(rv, "Nope")
	assert.Error(t, err)

	// Values for queries: the field's encoder when the type matches.
	av, err = sc.EncodeAttrValue("When", when)
	require.NoError(t, err)
	assert.Equal(t, &avN{Value: "1700000000"}, av)
	av, err = sc.EncodeAttrValue("When", &when)
	require.NoError(t, err)
	assert.Equal(t, &avN{Value: "1700000000"}, av)
	av, err = sc.EncodeAttrValue("Tags", []string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, &avSS{Value: []string{"a", "b"}}, av)
	av, err = sc.EncodeAttrValue("Tags", "a")
	require.NoError(t, err)
	assert.Equal(t, &avS{Value: "a"}, av, "other types: MarshalValue")
	av, err = sc.EncodeAttrValue("Ptr", 5)
	require.NoError(t, err)
	assert.Equal(t, &avN{Value: "5"}, av, "the pointee type of a pointer field")
	av, err = sc.EncodeAttrValue("GSI", "")
	require.NoError(t, err)
	assert.Equal(t, &avS{Value: ""}, av, "values are never left out")

	item, err := sc.Encode(rv)
	require.NoError(t, err)
	var out Item
	require.NoError(t, sc.Decode(item, reflect.ValueOf(&out).Elem()))
	assert.Equal(t, v, out)
	assert.Error(t, sc.Decode(item, reflect.ValueOf(out)), "not addressable")

	_, err = StructCodecOf(reflect.TypeOf(time.Time{}))
	assert.Error(t, err, "time.Time is one value, not an item")
}
