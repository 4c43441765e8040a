package marshal

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Money uses dynamorm's own Marshaler/Unmarshaler: it is stored as the text
// "USD 12.34".
type Money struct{ Cents int64 }

func (m Money) MarshalAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberS{Value: fmt.Sprintf("USD %d.%02d", m.Cents/100, m.Cents%100)}, nil
}

func (m *Money) UnmarshalAttributeValue(av types.AttributeValue) error {
	s, ok := av.(*types.AttributeValueMemberS)
	if !ok {
		return fmt.Errorf("money must be S")
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s.Value, "USD "), ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return err
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return err
	}
	m.Cents = w*100 + f
	return nil
}

// Color uses the SDK's attributevalue interfaces, with a pointer receiver on
// both sides: stored as N, 0xRRGGBB.
type Color struct{ R, G, B uint8 }

func (c *Color) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberN{Value: strconv.Itoa(int(c.R)<<16 | int(c.G)<<8 | int(c.B))}, nil
}

func (c *Color) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return fmt.Errorf("color must be N")
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return err
	}
	*c = Color{uint8(v >> 16), uint8(v >> 8), uint8(v)}
	return nil
}

// Level is an encoding.TextMarshaler, as a value and as a map key.
type Level int

func (l Level) MarshalText() ([]byte, error) {
	switch l {
	case 0:
		return []byte("low"), nil
	case 1:
		return []byte("high"), nil
	}
	return nil, fmt.Errorf("no level %d", int(l))
}

func (l *Level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 0
	case "high":
		*l = 1
	default:
		return fmt.Errorf("no level %q", b)
	}
	return nil
}

// Base is embedded by value and exported.
type Base struct {
	ID      string `dynamorm:"pk"`
	Version int64  `dynamorm:"version"`
}

// audit is embedded by value and unexported: its exported fields promote.
type audit struct {
	Actor string
}

// Extra is embedded through a pointer.
type Extra struct {
	Note string
}

type Address struct {
	Street string
	Zip    *string `dynamorm:"omitempty"`
	Geo    [2]float64
}

type Status string

// Everything holds every kind of value the codec supports.
type Everything struct {
	Base
	audit
	*Extra

	S     string
	Empty string
	Named Status
	Bool  bool

	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	Uptr uintptr

	F32   float32
	F64   float64
	Big   float64
	Small float64
	Num   Number

	Bytes    []byte
	NilBytes []byte
	Arr      [4]byte

	T     time.Time
	TUnix time.Time `dynamorm:"unixtime"`
	TPtr  *time.Time
	TZero time.Time `dynamorm:"omitempty"`

	PS   *string
	PPS  **string
	NilP *int

	Strs       []string
	Ints       []int
	NilSlice   []string
	EmptySlice []int
	Arr3       [3]string
	Matrix     [][]int

	Nested    Address
	NestedPtr *Address
	Addrs     []Address
	AddrPtrs  []*Address

	MapS      map[string]string
	MapI      map[int]string
	MapU      map[uint16]bool
	MapText   map[Level]int
	MapAny    map[string]any
	MapNested map[string][]int
	NilMap    map[string]int

	SS       []string             `dynamorm:"set"`
	NS       []int                `dynamorm:"set"`
	BS       [][]byte             `dynamorm:"set"`
	SSMap    map[string]struct{}  `dynamorm:"set"`
	NSMap    map[float64]struct{} `dynamorm:"set"`
	BSMap    map[[2]byte]struct{} `dynamorm:"set"`
	EmptySet []string             `dynamorm:"set"`
	TimeSet  []time.Time          `dynamorm:"set"`

	Lvl      Level
	LvlPtr   *Level
	Money    Money
	MoneyPtr *Money
	Color    Color
	IP       netip.Addr

	Any    any
	AnyMap any
	AnyNil any

	Renamed    string `dynamorm:"attr:renamed-attr"`
	JSONName   string `json:"json_name,omitempty"`
	Skipped    string `dynamorm:"-"`
	GSIKey     string `dynamorm:"index:gsi1,pk"`
	GSISort    int    `dynamorm:"index:gsi1,sk"`
	Omitted    string `dynamorm:"omitempty"`
	unexported int
}

func ptr[T any](v T) *T { return &v }

func everything() Everything {
	zip := "12345"
	ps := "pointed"
	t := time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC)
	return Everything{
		Base:  Base{ID: "id-1", Version: 3},
		audit: audit{Actor: "alice"},
		Extra: &Extra{Note: "through a pointer"},

		S: "hello", Named: "active", Bool: true,
		I: -42, I8: math.MinInt8, I16: math.MaxInt16, I32: math.MinInt32, I64: math.MinInt64,
		U: 42, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64, Uptr: 7,
		F32: 1.5, F64: 0.30000000000000004, Big: 9.999999999999998e125, Small: 1e-130, Num: "12345678901234567890123456789.123456789",

		Bytes: []byte{0, 1, 2, 255}, Arr: [4]byte{9, 8, 7, 6},

		T: t, TUnix: time.Unix(1700000000, 0).UTC(), TPtr: ptr(t.Add(time.Hour)),

		PS: &ps, PPS: ptr(&ps),

		Strs: []string{"a", "", "c"}, Ints: []int{3, 1, 2}, EmptySlice: []int{}, Arr3: [3]string{"x", "y", "z"},
		Matrix: [][]int{{1, 2}, {}, nil},

		Nested:    Address{Street: "Main St", Zip: &zip, Geo: [2]float64{52.5, 13.4}},
		NestedPtr: &Address{Street: "Side St"},
		Addrs:     []Address{{Street: "A"}, {Street: "B", Zip: &zip}},
		AddrPtrs:  []*Address{{Street: "P"}, nil},

		MapS:      map[string]string{"k": "v", "empty": ""},
		MapI:      map[int]string{-1: "minus one", 7: "seven"},
		MapU:      map[uint16]bool{65535: true},
		MapText:   map[Level]int{0: 10, 1: 20},
		MapAny:    map[string]any{"s": "x", "n": Number("1.5"), "l": []any{"a", true, nil}, "m": map[string]any{"deep": Number("-3")}},
		MapNested: map[string][]int{"primes": {2, 3, 5}},

		SS:      []string{"red", "green"},
		NS:      []int{1, 2, 3},
		BS:      [][]byte{{1}, {2, 3}},
		SSMap:   map[string]struct{}{"x": {}, "y": {}},
		NSMap:   map[float64]struct{}{1.25: {}, -2: {}},
		BSMap:   map[[2]byte]struct{}{{1, 2}: {}, {3, 4}: {}},
		TimeSet: []time.Time{t, t.Add(-time.Hour)},

		Lvl: 1, LvlPtr: ptr(Level(0)),
		Money: Money{Cents: 1234}, MoneyPtr: &Money{Cents: 5},
		Color: Color{R: 1, G: 2, B: 3},
		IP:    netip.MustParseAddr("192.0.2.1"),

		Any:    "dynamic",
		AnyMap: map[string]any{"n": Number("7"), "b": []byte("hi"), "ss": []any{"a"}},

		Renamed: "renamed", JSONName: "json",
		Skipped: "never stored",
	}
}
