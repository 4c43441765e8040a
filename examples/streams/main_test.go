package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

func loadEvent(t *testing.T, data []byte) events.DynamoDBEvent {
	t.Helper()
	var ev events.DynamoDBEvent
	require.NoError(t, json.Unmarshal(data, &ev))
	return ev
}

// captureLog sends the log package's output to a buffer for the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	flags, prefix, out := log.Flags(), log.Prefix(), log.Writer()
	log.SetFlags(0)
	log.SetPrefix("")
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetFlags(flags); log.SetPrefix(prefix); log.SetOutput(out) })
	return &buf
}

func TestHandleDynamoDBStream(t *testing.T) {
	logs := captureLog(t)
	require.NoError(t, handleDynamoDBStream(context.Background(), loadEvent(t, sampleEvent)))
	assert.Equal(t, `Order o-1001 status: pending
Order o-1001 status: paid
Order o-1002 status: paid
Order o-0999 was removed
`, logs.String(), "REMOVE decodes the OldImage")
}

func TestProcessBatchRecords(t *testing.T) {
	logs := captureLog(t)
	require.NoError(t, processBatchRecords(loadEvent(t, sampleEvent).Records))
	assert.Equal(t, `  o-1001 (customer c-42): pending, 2 line(s), total 59.97, version 1
  o-1001 (customer c-42): paid, 0 line(s), total 59.97, version 2
  o-1002 (customer c-7): paid, 0 line(s), total 5.00, version 1
Batch: 3 new image(s), total 124.94
`, logs.String())
}

// Every field of the sample INSERT decodes.
func TestSampleOrderDecodes(t *testing.T) {
	ev := loadEvent(t, sampleEvent)
	var o Order
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[0].Change.NewImage, &o))
	assert.Equal(t, Order{
		OrderID: "o-1001", CustomerID: "c-42", Status: "pending", Total: 59.97,
		Lines:     []OrderLine{{SKU: "widget", Quantity: 2, Price: 19.99}, {SKU: "gadget", Quantity: 1, Price: 19.99}},
		Tags:      []string{"gift", "express"},
		Coupons:   map[string]int{"SPRING": 10},
		Signature: []byte("signed"),
		CreatedAt: time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC),
		ExpiresAt: time.Unix(1719828000, 0).UTC(),
		Version:   1,
	}, o)

	var removed Order
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[3].Change.OldImage, &removed))
	assert.Equal(t, "cancelled", removed.Status)
	assert.Nil(t, ev.Records[3].Change.NewImage, "a REMOVE has no NewImage")
}

func TestRunOnAnEventFile(t *testing.T) {
	captureLog(t) // restores the log settings run changes
	var out bytes.Buffer
	require.NoError(t, run([]string{"event.json"}, &out))
	assert.True(t, strings.HasPrefix(out.String(), "handleDynamoDBStream: 4 record(s)\n"), out.String())
	assert.Contains(t, out.String(), "Batch: 3 new image(s), total 124.94\n")

	assert.Error(t, run([]string{"testdata/missing.json"}, &out))
	assert.ErrorContains(t, run([]string{"main.go"}, &out), "not a DynamoDB stream event")
}

type nested struct {
	Name   string            `json:"name"`
	Count  int               `json:"count"`
	When   time.Time         `json:"when"`
	Labels map[string]string `json:"labels"`
}

// allTypes has a field for every way the images in testdata/all_types.json
// can be decoded.
type allTypes struct {
	ID        string                        `dynamorm:"pk" json:"id"`
	Empty     string                        `json:"empty"`
	Unicode   string                        `json:"unicode"`
	I8        int8                          `json:"i8"`
	I16       int16                         `json:"i16"`
	U64       uint64                        `json:"u64"`
	I64Min    int64                         `json:"i64_min"`
	F32       float32                       `json:"f32"`
	F64       float64                       `json:"f64"`
	Big       marshal.Number                `json:"big"`
	PtrInt    *int                          `json:"ptr_int"`
	PtrNull   *int                          `json:"ptr_null"`
	NullStr   string                        `json:"null_str"`
	Yes       bool                          `json:"yes"`
	PtrBool   *bool                         `json:"ptr_bool"`
	Bytes     []byte                        `json:"bytes"`
	EmptyB    []byte                        `json:"empty_b"`
	Array     [4]byte                       `json:"array"`
	Time      time.Time                     `json:"time"`
	Unix      time.Time                     `dynamorm:"unixtime" json:"unix"`
	TTL       int64                         `dynamorm:"ttl" json:"ttl"`
	Strings   []string                      `json:"strings"`
	StrSet    []string                      `dynamorm:"set" json:"str_set"`
	IntSet    []int                         `dynamorm:"set" json:"int_set"`
	FloatSet  map[float64]struct{}          `dynamorm:"set" json:"float_set"`
	ByteSet   [][]byte                      `dynamorm:"set" json:"byte_set"`
	StrMapSet map[string]struct{}           `dynamorm:"set" json:"str_map_set"`
	Ints      []int                         `json:"ints"`
	Mixed     []any                         `json:"mixed"`
	Nested    nested                        `json:"nested"`
	PtrNested *nested                       `json:"ptr_nested"`
	Nesteds   []nested                      `json:"nesteds"`
	MapInt    map[string]int                `json:"map_int"`
	MapAny    map[string]any                `json:"map_any"`
	EmptyList []string                      `json:"empty_list"`
	EmptyMap  map[string]string             `json:"empty_map"`
	Addr      netip.Addr                    `json:"addr"`
	Deep      map[string][]map[string][]int `json:"deep"`
}

// Every attribute type that appears in a stream image decodes exactly as the
// same item in the SDK's form. The SDK form is built from the event JSON by
// an independent converter (sdkItemFromJSON), not by dynamorm's.
func TestStreamImagesDecodeLikeSDKItems(t *testing.T) {
	data, err := os.ReadFile("testdata/all_types.json")
	require.NoError(t, err)
	ev := loadEvent(t, data)
	image := ev.Records[0].Change.NewImage

	seen := map[events.DynamoDBDataType]bool{}
	collectTypes(image, seen)
	assert.Len(t, seen, 10, "the fixture holds all ten DynamoDB data types: %v", seen)

	sdk := sdkItemFromJSON(t, data)
	assert.Equal(t, sdk, marshal.FromStreamImage(image), "the conversion matches the SDK form")

	var fromStream, fromSDK allTypes
	require.NoError(t, dynamorm.UnmarshalItem(image, &fromStream))
	require.NoError(t, dynamorm.UnmarshalItem(sdk, &fromSDK))
	assert.Equal(t, fromSDK, fromStream)

	// And the values are the expected ones.
	seven, no := 7, false
	assert.Equal(t, allTypes{
		ID: "k-1", Unicode: "Grüße, 世界 🚀", I8: -128, I16: 32767, U64: 18446744073709551615,
		I64Min: -9223372036854775808, F32: 3.5, F64: -1e-7, Big: "123456789012345678901234567890.0001",
		PtrInt: &seven, Yes: true, PtrBool: &no,
		Bytes: []byte{0, 1, 2, 3, 4, 5, 255}, EmptyB: []byte{}, Array: [4]byte{0xde, 0xad, 0xbe, 0xef},
		Time: time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC), Unix: time.Unix(1700000000, 0).UTC(),
		TTL: 1800000000, Strings: []string{"a", "", "c"},
		StrSet: []string{"x", "y", "z"}, IntSet: []int{-1, 0, 42}, FloatSet: map[float64]struct{}{0.5: {}, 1000: {}},
		ByteSet: [][]byte{{1}, {2, 3}}, StrMapSet: map[string]struct{}{"red": {}, "green": {}},
		Ints: []int{1, -2, 3},
		Mixed: []any{"s", marshal.Number("1.25"), []byte("hi"), true, nil, map[string]any{"k": "v"},
			[]any{marshal.Number("9")}, []string{"p", "q"}, []marshal.Number{"2", "3"}, [][]byte{{255}}},
		Nested:    nested{Name: "n", Count: 3, When: time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC), Labels: map[string]string{"a": "b"}},
		PtrNested: &nested{Name: "p"},
		Nesteds:   []nested{{Name: "x"}, {Name: "y", Count: 2}},
		MapInt:    map[string]int{"one": 1, "minus": -1},
		MapAny: map[string]any{"s": "str", "n": marshal.Number("10"), "b": []byte{2}, "t": false, "z": nil,
			"l": []any{"in list"}, "m": map[string]any{"deep": marshal.Number("1")},
			"ss": []string{"one"}, "ns": []marshal.Number{"1", "2.5"}, "bs": [][]byte{{0}}},
		EmptyList: []string{}, EmptyMap: map[string]string{},
		Addr: netip.MustParseAddr("192.0.2.1"),
		Deep: map[string][]map[string][]int{"a": {{"b": {1, 2}}}},
	}, fromStream)

	// Decoding into a map gives the same too.
	var mStream, mSDK map[string]any
	require.NoError(t, dynamorm.UnmarshalItem(image, &mStream))
	require.NoError(t, dynamorm.UnmarshalItem(sdk, &mSDK))
	assert.Equal(t, mSDK, mStream)

	// Keys (the only image of a KEYS_ONLY stream) decode too.
	var keys allTypes
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[0].Change.Keys, &keys))
	assert.Equal(t, allTypes{ID: "k-1"}, keys)
}

// A type mismatch fails the same way in both forms, naming the field.
func TestStreamImageErrorsLikeSDKItems(t *testing.T) {
	image := map[string]events.DynamoDBAttributeValue{
		"order_id": events.NewStringAttribute("o-1"),
		"total":    events.NewStringAttribute("not a number"),
	}
	var a, b Order
	errStream := dynamorm.UnmarshalItem(image, &a)
	errSDK := dynamorm.UnmarshalItem(marshal.FromStreamImage(image), &b)
	require.Error(t, errStream)
	assert.Equal(t, errSDK.Error(), errStream.Error())
	assert.Contains(t, errStream.Error(), "Order.Total")
}

func collectTypes(image map[string]events.DynamoDBAttributeValue, seen map[events.DynamoDBDataType]bool) {
	for _, v := range image {
		collectType(v, seen)
	}
}

func collectType(v events.DynamoDBAttributeValue, seen map[events.DynamoDBDataType]bool) {
	seen[v.DataType()] = true
	switch v.DataType() {
	case events.DataTypeList:
		for _, x := range v.List() {
			collectType(x, seen)
		}
	case events.DataTypeMap:
		collectTypes(v.Map(), seen)
	}
}

// sdkItemFromJSON builds the SDK form of the first record's NewImage
// straight from the event JSON (DynamoDB's wire format).
func sdkItemFromJSON(t *testing.T, data []byte) map[string]types.AttributeValue {
	t.Helper()
	var ev struct {
		Records []struct {
			DynamoDB struct {
				NewImage map[string]json.RawMessage
			} `json:"dynamodb"`
		}
	}
	require.NoError(t, json.Unmarshal(data, &ev))
	item, err := wireItem(ev.Records[0].DynamoDB.NewImage)
	require.NoError(t, err)
	return item
}

func wireItem(m map[string]json.RawMessage) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(m))
	for k, raw := range m {
		v, err := wireValue(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func wireValue(raw json.RawMessage) (types.AttributeValue, error) {
	var tagged map[string]json.RawMessage
	if err := json.Unmarshal(raw, &tagged); err != nil {
		return nil, err
	}
	if len(tagged) != 1 {
		return nil, fmt.Errorf("want one type tag, got %s", raw)
	}
	for tag, v := range tagged {
		switch tag {
		case "S":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberS{Value: s}, err
		case "N":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberN{Value: s}, err
		case "B":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			b, err := base64.StdEncoding.DecodeString(s)
			return &types.AttributeValueMemberB{Value: b}, err
		case "BOOL":
			var b bool
			err := json.Unmarshal(v, &b)
			return &types.AttributeValueMemberBOOL{Value: b}, err
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		case "SS", "NS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			if tag == "SS" {
				return &types.AttributeValueMemberSS{Value: ss}, nil
			}
			return &types.AttributeValueMemberNS{Value: ss}, nil
		case "BS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			bs := make([][]byte, len(ss))
			for i, s := range ss {
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return nil, err
				}
				bs[i] = b
			}
			return &types.AttributeValueMemberBS{Value: bs}, nil
		case "L":
			var raws []json.RawMessage
			if err := json.Unmarshal(v, &raws); err != nil {
				return nil, err
			}
			l := make([]types.AttributeValue, len(raws))
			for i, r := range raws {
				x, err := wireValue(r)
				if err != nil {
					return nil, err
				}
				l[i] = x
			}
			return &types.AttributeValueMemberL{Value: l}, nil
		case "M":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, err
			}
			item, err := wireItem(m)
			return &types.AttributeValueMemberM{Value: item}, err
		}
		return nil, fmt.Errorf("unknown type tag %q", tag)
	}
	return nil, nil
}
