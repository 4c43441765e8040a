package tests

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// codecCents uses dynamorm's own Marshaler: stored as N with two decimals.
type codecCents int64

func (c codecCents) MarshalAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.%02d", c/100, c%100)}, nil
}

func (c *codecCents) UnmarshalAttributeValue(av types.AttributeValue) error {
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return fmt.Errorf("cents: want N, got %T", av)
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	*c = codecCents(math.Round(f * 100))
	return err
}

// codecPoint uses the SDK's attributevalue interfaces: stored as a list.
type codecPoint struct{ X, Y int }

func (p codecPoint) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{
		&types.AttributeValueMemberN{Value: strconv.Itoa(p.X)}, &types.AttributeValueMemberN{Value: strconv.Itoa(p.Y)},
	}}, nil
}

func (p *codecPoint) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	l, ok := av.(*types.AttributeValueMemberL)
	if !ok || len(l.Value) != 2 {
		return fmt.Errorf("point: want L of 2")
	}
	var err error
	if p.X, err = strconv.Atoi(l.Value[0].(*types.AttributeValueMemberN).Value); err != nil {
		return err
	}
	p.Y, err = strconv.Atoi(l.Value[1].(*types.AttributeValueMemberN).Value)
	return err
}

// codecLevel is an encoding.TextMarshaler, used as a value and a map key.
type codecLevel int

func (l codecLevel) MarshalText() ([]byte, error) { return []byte("L" + strconv.Itoa(int(l))), nil }

func (l *codecLevel) UnmarshalText(b []byte) error {
	n, err := strconv.Atoi(string(b[1:]))
	*l = codecLevel(n)
	return err
}

type CodecAddress struct {
	Street string
	Zip    *string `dynamorm:"omitempty"`
	Geo    [2]float64
}

type CodecAudit struct{ Actor string }

type codecHidden struct{ Hidden string }

type CodecExtra struct{ Note string }

// CodecItem has a field of every kind the codec supports.
type CodecItem struct {
	PK string `dynamorm:"pk" json:"pk"`
	CodecAudit
	codecHidden
	*CodecExtra

	S        string
	Empty    string
	Bool     bool
	I        int
	I8       int8
	I16      int16
	I32      int32
	I64      int64
	U        uint
	U8       uint8
	U16      uint16
	U32      uint32
	U64      uint64
	F32      float32
	F64      float64
	Big      float64
	Small    float64
	Num      marshal.Number
	Bytes    []byte
	EmptyBin []byte
	NilBytes []byte
	Arr      [4]byte

	T     time.Time
	TUnix time.Time `dynamorm:"unixtime"`
	TPtr  *time.Time
	TZero time.Time `dynamorm:"omitempty"`
	Zone  time.Time

	PS   *string
	PPS  **string
	NilP *int

	Strs       []string
	NilSlice   []int
	EmptySlice []int
	Matrix     [][]int
	Arr3       [3]string

	Nested    CodecAddress
	NestedPtr *CodecAddress
	Addrs     []CodecAddress

	MapS    map[string]string
	MapI    map[int]string
	MapText map[codecLevel]bool
	MapAny  map[string]any
	NilMap  map[string]int

	SS       []string             `dynamorm:"set"`
	NS       []int64              `dynamorm:"set"`
	BS       [][]byte             `dynamorm:"set"`
	SSMap    map[string]struct{}  `dynamorm:"set"`
	NSMap    map[uint64]struct{}  `dynamorm:"set"`
	EmptySet []string             `dynamorm:"set"`
	FSet     map[float64]struct{} `dynamorm:"set"`

	Cents codecCents
	Point codecPoint
	Level codecLevel
	IP    netip.Addr

	Any   any
	AnyL  any
	GSIPK string `dynamorm:"index:codec-gsi,pk"`
}

func codecFixture() CodecItem {
	zip, ps := "10117", "pointed"
	t := time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC)
	return CodecItem{
		PK:          "item-1",
		CodecAudit:  CodecAudit{Actor: "alice"},
		codecHidden: codecHidden{Hidden: "promoted through an unexported embedded struct"},
		CodecExtra:  &CodecExtra{Note: "through an embedded pointer"},

		S: "hello, 世界", Bool: true,
		I: -1, I8: math.MinInt8, I16: math.MaxInt16, I32: math.MinInt32, I64: math.MinInt64,
		U: 1, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64,
		F32: 3.25, F64: 0.30000000000000004,
		// DynamoDB numbers range over 1E-130 .. 9.99E+125 in magnitude.
		Big: 1.2345678901234567e+125, Small: 1.5e-120,
		Num:   "12345678901234567890123456789.123456789",
		Bytes: []byte{0, 1, 2, 255}, EmptyBin: []byte{}, Arr: [4]byte{9, 8, 7, 6},

		T: t, TUnix: time.Unix(1700000000, 0).UTC(), TPtr: &t,
		Zone: time.Date(2024, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)),

		PS: &ps, PPS: func() **string { p := &ps; return &p }(),

		Strs: []string{"a", "", "c"}, EmptySlice: []int{}, Matrix: [][]int{{1, 2}, {}, nil}, Arr3: [3]string{"x", "", "z"},

		Nested:    CodecAddress{Street: "Friedrichstraße", Zip: &zip, Geo: [2]float64{52.52, 13.405}},
		NestedPtr: &CodecAddress{Street: "Side"},
		Addrs:     []CodecAddress{{Street: "A"}, {Street: "B", Zip: &zip}},

		MapS:    map[string]string{"k": "v", "empty": ""},
		MapI:    map[int]string{-1: "minus one", 7: "seven"},
		MapText: map[codecLevel]bool{1: true, 2: false},
		MapAny:  map[string]any{"s": "x", "n": marshal.Number("-3.5"), "l": []any{"a", true, nil}, "m": map[string]any{"deep": []byte("hi")}},

		SS: []string{"red", "green"}, NS: []int64{1, math.MaxInt64}, BS: [][]byte{{1}, {2, 3}},
		SSMap: map[string]struct{}{"x": {}, "y": {}}, NSMap: map[uint64]struct{}{math.MaxUint64: {}, 0: {}},
		FSet: map[float64]struct{}{1.25: {}, -2: {}},

		Cents: 1234, Point: codecPoint{X: 3, Y: -4}, Level: 7, IP: netip.MustParseAddr("2001:db8::1"),

		Any: "dynamic", AnyL: []any{marshal.Number("1"), "two"},
	}
}

func TestCodecRoundTripThroughDynamoDB(t *testing.T) {
	t.Parallel()
	client := testenv.Client(t)
	table := testenv.TableName(t, "codec")
	testenv.CreateTable(t, client, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	ctx := context.Background()

	in := codecFixture()
	item, err := marshal.Marshal(&in)
	require.NoError(t, err)
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
	require.NoError(t, err, "DynamoDB accepts every encoded value")

	got, err := client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "item-1"}},
		ConsistentRead: aws.Bool(true),
	})
	require.NoError(t, err)
	require.NotEmpty(t, got.Item)

	var out CodecItem
	require.NoError(t, marshal.Unmarshal(got.Item, &out))

	// Times are compared as instants (Zone comes back in UTC), the rest whole.
	assert.True(t, out.Zone.Equal(in.Zone), "Zone: %s != %s", out.Zone, in.Zone)
	for _, p := range [][2]*time.Time{{&in.T, &out.T}, {&in.TUnix, &out.TUnix}, {in.TPtr, out.TPtr}, {&in.TZero, &out.TZero}} {
		require.NotNil(t, p[1])
		assert.True(t, p[0].Equal(*p[1]), "%s != %s", *p[0], *p[1])
	}
	// Sets are unordered: their elements are compared, not their order.
	assert.ElementsMatch(t, in.SS, out.SS)
	assert.ElementsMatch(t, in.NS, out.NS)
	assert.ElementsMatch(t, in.BS, out.BS)
	want := in
	want.Zone, want.T, want.TUnix, want.TPtr = out.Zone, out.T, out.TUnix, out.TPtr
	want.SS, want.NS, want.BS = out.SS, out.NS, out.BS
	assert.Equal(t, want, out)

	// The wire types, as DynamoDB stored them.
	wire := map[string]string{
		"pk": "S", "S": "S", "Empty": "S", "Bool": "BOOL", "U64": "N", "Big": "N", "Num": "N", "Bytes": "B",
		"EmptyBin": "B", "Arr": "B", "T": "S", "TUnix": "N", "NilP": "NULL", "NilSlice": "NULL", "EmptySlice": "L",
		"Nested": "M", "Addrs": "L", "MapI": "M", "SS": "SS", "NS": "NS", "BS": "BS", "SSMap": "SS", "NSMap": "NS",
		"FSet": "NS", "Cents": "N", "Point": "L", "Level": "S", "IP": "S", "Any": "S", "Actor": "S", "Hidden": "S", "Note": "S",
	}
	for attr, typ := range wire {
		assert.Equal(t, typ, avTypeName(got.Item[attr]), "attribute %s", attr)
	}
	for _, absent := range []string{"NilBytes", "TZero", "EmptySet", "GSIPK"} {
		assert.NotContains(t, got.Item, absent)
	}
	assert.Equal(t, "2024-02-29T13:14:15.123456789Z", got.Item["T"].(*types.AttributeValueMemberS).Value)
	assert.Equal(t, "18446744073709551615", got.Item["U64"].(*types.AttributeValueMemberN).Value)

	// The SDK's own decoder reads the same item into plain Go values.
	var plain map[string]any
	require.NoError(t, attributevalue.UnmarshalMap(got.Item, &plain))
	assert.Equal(t, "hello, 世界", plain["S"])
	assert.Equal(t, "", plain["Empty"])
	assert.Equal(t, true, plain["Bool"])
	assert.Equal(t, []byte{0, 1, 2, 255}, plain["Bytes"])
	assert.Equal(t, "2024-02-29T13:14:15.123456789Z", plain["T"])
	assert.Equal(t, float64(1700000000), plain["TUnix"])
	assert.ElementsMatch(t, []string{"red", "green"}, plain["SS"])
	assert.Nil(t, plain["NilP"])
	assert.Equal(t, map[string]any{"-1": "minus one", "7": "seven"}, plain["MapI"])
}

func avTypeName(av types.AttributeValue) string {
	if av == nil {
		return "absent"
	}
	return core.TypeName(av)
}
