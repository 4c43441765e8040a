package marshal

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
)

func TestUnsupportedFieldsFailAtCompileTime(t *testing.T) {
	type WithChan struct{ Ch chan int }
	type WithFunc struct{ Fn func() }
	type WithComplex struct{ C complex128 }
	type WithUnsafe struct{ P unsafe.Pointer }
	type Inner struct{ C complex64 }
	type Outer struct {
		Name  string
		Inner Inner
	}
	type ListOfChans struct{ L []chan int }
	type BadKey struct{ M map[bool]string }

	cases := []struct {
		v    any
		want string
	}{
		{WithChan{}, "dynamorm: WithChan.Ch: unsupported type chan int"},
		{WithFunc{}, "dynamorm: WithFunc.Fn: unsupported type func()"},
		{WithComplex{}, "dynamorm: WithComplex.C: unsupported type complex128"},
		{WithUnsafe{}, "dynamorm: WithUnsafe.P: unsupported type unsafe.Pointer"},
		{Outer{}, "dynamorm: Outer.Inner.C: unsupported type complex64"},
		{ListOfChans{}, "dynamorm: ListOfChans.L: unsupported type chan int"},
		{BadKey{}, "dynamorm: BadKey.M: unsupported type bool (map keys must be strings, integers or encoding.TextMarshaler and TextUnmarshaler)"},
	}
	for _, tc := range cases {
		_, err := StructCodecOf(reflect.TypeOf(tc.v))
		require.Error(t, err)
		assert.Equal(t, tc.want, err.Error())
		assert.ErrorIs(t, err, core.ErrUnsupportedType)

		// The same failure, cached, from the other entry points.
		_, err = Marshal(tc.v)
		assert.ErrorIs(t, err, core.ErrUnsupportedType)
		assert.ErrorContains(t, err, tc.want[len("dynamorm: "):])
		err = Unmarshal(nil, reflect.New(reflect.TypeOf(tc.v)).Interface())
		assert.ErrorIs(t, err, core.ErrUnsupportedType)
	}
	// Compiling the outer type did not cache a broken inner one.
	_, err := StructCodecOf(reflect.TypeOf(Inner{}))
	assert.EqualError(t, err, "dynamorm: Inner.C: unsupported type complex64")
}

func TestUnsupportedDynamicValues(t *testing.T) {
	type T struct{ Any any }
	_, err := Marshal(T{Any: []any{1, make(chan int)}})
	assert.ErrorIs(t, err, core.ErrUnsupportedType)
	assert.EqualError(t, err, "dynamorm: encode T.Any[1]: unsupported type chan int")

	_, err = MarshalValue(func() {})
	assert.ErrorIs(t, err, core.ErrUnsupportedType)
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	type Line struct{ Qty int8 }
	type Order struct {
		Amount int8
		Count  uint16
		Name   string
		Lines  []Line
		ByKey  map[string]Line
		When   time.Time
		Ratio  float32
		Flag   bool
		Bin    [2]byte
	}
	cases := []struct {
		attr string
		av   types.AttributeValue
		want string
	}{
		{"Amount", &avN{Value: "300"}, "dynamorm: decode Order.Amount: number 300 overflows int8"},
		{"Amount", &avN{Value: "1.5"}, "dynamorm: decode Order.Amount: number 1.5 is not an integer, so it cannot be stored in int8"},
		{"Amount", &avS{Value: "12"}, "dynamorm: decode Order.Amount: cannot decode S into int8"},
		{"Count", &avN{Value: "-1"}, "dynamorm: decode Order.Count: number -1 is negative, so it cannot be stored in uint16"},
		{"Count", &avN{Value: "65536"}, "dynamorm: decode Order.Count: number 65536 overflows uint16"},
		{"Name", &avN{Value: "1"}, "dynamorm: decode Order.Name: cannot decode N into string"},
		{"Lines", &avL{Value: []types.AttributeValue{&avM{}, &avM{Value: map[string]types.AttributeValue{"Qty": &avN{Value: "128"}}}}},
			"dynamorm: decode Order.Lines[1].Qty: number 128 overflows int8"},
		{"ByKey", &avM{Value: map[string]types.AttributeValue{"k": &avM{Value: map[string]types.AttributeValue{"Qty": &avBOOL{}}}}},
			`dynamorm: decode Order.ByKey["k"].Qty: cannot decode BOOL into int8`},
		{"When", &avS{Value: "yesterday"}, `dynamorm: decode Order.When: "yesterday" is not an RFC 3339 time`},
		{"Ratio", &avN{Value: "1e39"}, "dynamorm: decode Order.Ratio: number 1e39 overflows float32"},
		{"Flag", &avS{Value: "true"}, "dynamorm: decode Order.Flag: cannot decode S into bool"},
		{"Bin", &avB{Value: []byte{1, 2, 3}}, "dynamorm: decode Order.Bin: 3 bytes do not fit [2]uint8"},
		{"Lines", &avS{Value: "x"}, "dynamorm: decode Order.Lines: cannot decode S into []marshal.Line"},
	}
	for _, tc := range cases {
		var o Order
		err := Unmarshal(map[string]types.AttributeValue{tc.attr: tc.av}, &o)
		assert.EqualError(t, err, tc.want)
	}
}

func TestEncodeErrors(t *testing.T) {
	type F struct{ X float64 }
	_, err := Marshal(F{X: math.NaN()})
	assert.EqualError(t, err, "dynamorm: encode F.X: NaN cannot be stored: DynamoDB numbers are finite")
	_, err = Marshal(F{X: math.Inf(-1)})
	assert.Error(t, err)

	type T struct{ When time.Time }
	_, err = Marshal(T{When: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorContains(t, err, "dynamorm: encode T.When: time 10000-01-01T00:00:00Z is outside years 0000-9999")

	type N struct{ N Number }
	_, err = Marshal(N{N: "12abc"})
	assert.EqualError(t, err, `dynamorm: encode N.N: invalid number "12abc"`)

	type Mixed struct {
		Set []any `dynamorm:"set"`
	}
	// model refuses []any sets before the codec sees them
	_, err = Marshal(Mixed{Set: []any{"a"}})
	assert.ErrorIs(t, err, core.ErrInvalidModel)

	type Bad struct{ L Level }
	_, err = Marshal(Bad{L: 7})
	assert.EqualError(t, err, "dynamorm: encode Bad.L: MarshalText: no level 7")
}

type failing struct{}

var errBoom = errors.New("boom")

func (failing) MarshalAttributeValue() (types.AttributeValue, error) { return nil, errBoom }
func (*failing) UnmarshalAttributeValue(types.AttributeValue) error  { return errBoom }

func TestCustomErrorsAreWrapped(t *testing.T) {
	type T struct{ F failing }
	_, err := Marshal(T{})
	assert.ErrorIs(t, err, errBoom)
	assert.EqualError(t, err, "dynamorm: encode T.F: MarshalAttributeValue: boom")
	err = Unmarshal(map[string]types.AttributeValue{"F": &avS{Value: "x"}}, &T{})
	assert.ErrorIs(t, err, errBoom)
}

func TestBadArguments(t *testing.T) {
	_, err := Marshal(nil)
	assert.ErrorIs(t, err, core.ErrValidation)
	_, err = Marshal((*Everything)(nil))
	assert.ErrorIs(t, err, core.ErrValidation)
	_, err = Marshal(42)
	assert.ErrorIs(t, err, core.ErrValidation)
	assert.ErrorIs(t, Unmarshal(nil, Everything{}), core.ErrValidation)
	assert.ErrorIs(t, UnmarshalValue(&avS{}, nil), core.ErrValidation)
	var s string
	assert.EqualError(t, UnmarshalValue(&avN{Value: "1"}, &s), "dynamorm: decode string: cannot decode N into string")
}
