package dynamorm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

type streamAddress struct {
	City string `json:"city"`
}

// StreamOrder has a field for every DynamoDB data type.
type StreamOrder struct {
	OrderID   string           `dynamorm:"pk" json:"order_id"`
	Status    string           `json:"status"`
	Amount    int64            `json:"amount"`
	Rate      float64          `json:"rate"`
	Paid      bool             `json:"paid"`
	Receipt   []byte           `json:"receipt"`
	Cancelled *time.Time       `json:"cancelled"`
	Created   time.Time        `json:"created"`
	Lines     []any            `json:"lines"`
	Ship      streamAddress    `json:"ship"`
	Tags      []string         `dynamorm:"set" json:"tags"`
	Sizes     map[int]struct{} `dynamorm:"set" json:"sizes"`
	Blobs     [][]byte         `dynamorm:"set" json:"blobs"`
	Extra     map[string]any   `json:"extra"`
}

// The Lambda event JSON of a stream record, with every attribute type.
const streamEventJSON = `{
  "Records": [
    {
      "eventID": "c4ca4238a0b923820dcc509a6f75849b",
      "eventName": "INSERT",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "dynamodb": {
        "ApproximateCreationDateTime": 1700000000,
        "Keys": {"order_id": {"S": "o-1"}},
        "NewImage": {
          "order_id":  {"S": "o-1"},
          "status":    {"S": "paid"},
          "amount":    {"N": "-9223372036854775808"},
          "rate":      {"N": "0.125"},
          "paid":      {"BOOL": true},
          "receipt":   {"B": "AQID"},
          "cancelled": {"NULL": true},
          "created":   {"S": "2024-02-29T13:14:15.123456789Z"},
          "lines":     {"L": [{"S": "widget"}, {"N": "2"}, {"NULL": true}, {"BOOL": false}]},
          "ship":      {"M": {"city": {"S": "Berlin"}}},
          "tags":      {"SS": ["gift", "express"]},
          "sizes":     {"NS": ["38", "40"]},
          "blobs":     {"BS": ["AA==", "/w=="]},
          "extra":     {"M": {"b": {"B": "aGk="}, "ns": {"NS": ["1.5"]}, "bs": {"BS": ["AQ=="]}}},
          "unknown":   {"S": "ignored"}
        },
        "SequenceNumber": "111",
        "SizeBytes": 300,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000"
    },
    {
      "eventID": "c81e728d9d4c2f636f067f89cc14862c",
      "eventName": "REMOVE",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "dynamodb": {
        "Keys": {"order_id": {"S": "o-2"}},
        "OldImage": {"order_id": {"S": "o-2"}, "status": {"S": "cancelled"}, "amount": {"N": "5"}},
        "SequenceNumber": "222",
        "SizeBytes": 40,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000"
    }
  ]
}`

// The same first image in the SDK's form.
var sdkStreamImage = map[string]types.AttributeValue{
	"order_id":  &types.AttributeValueMemberS{Value: "o-1"},
	"status":    &types.AttributeValueMemberS{Value: "paid"},
	"amount":    &types.AttributeValueMemberN{Value: "-9223372036854775808"},
	"rate":      &types.AttributeValueMemberN{Value: "0.125"},
	"paid":      &types.AttributeValueMemberBOOL{Value: true},
	"receipt":   &types.AttributeValueMemberB{Value: []byte{1, 2, 3}},
	"cancelled": &types.AttributeValueMemberNULL{Value: true},
	"created":   &types.AttributeValueMemberS{Value: "2024-02-29T13:14:15.123456789Z"},
	"lines": &types.AttributeValueMemberL{Value: []types.AttributeValue{
		&types.AttributeValueMemberS{Value: "widget"}, &types.AttributeValueMemberN{Value: "2"},
		&types.AttributeValueMemberNULL{Value: true}, &types.AttributeValueMemberBOOL{Value: false},
	}},
	"ship":  &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"city": &types.AttributeValueMemberS{Value: "Berlin"}}},
	"tags":  &types.AttributeValueMemberSS{Value: []string{"gift", "express"}},
	"sizes": &types.AttributeValueMemberNS{Value: []string{"38", "40"}},
	"blobs": &types.AttributeValueMemberBS{Value: [][]byte{{0}, {255}}},
	"extra": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"b":  &types.AttributeValueMemberB{Value: []byte("hi")},
		"ns": &types.AttributeValueMemberNS{Value: []string{"1.5"}},
		"bs": &types.AttributeValueMemberBS{Value: [][]byte{{1}}},
	}},
	"unknown": &types.AttributeValueMemberS{Value: "ignored"},
}

func streamEventFixture(t *testing.T) events.DynamoDBEvent {
	var ev events.DynamoDBEvent
	require.NoError(t, json.Unmarshal([]byte(streamEventJSON), &ev))
	require.Len(t, ev.Records, 2)
	return ev
}

func TestUnmarshalItemFromStream(t *testing.T) {
	ev := streamEventFixture(t)
	assert.Equal(t, sdkStreamImage, marshal.FromStreamImage(ev.Records[0].Change.NewImage), "every data type converts")

	var fromStream, fromSDK StreamOrder
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[0].Change.NewImage, &fromStream))
	require.NoError(t, dynamorm.UnmarshalItem(sdkStreamImage, &fromSDK))
	assert.Equal(t, fromSDK, fromStream, "stream images decode exactly as SDK items")

	assert.Equal(t, StreamOrder{
		OrderID: "o-1", Status: "paid", Amount: -9223372036854775808, Rate: 0.125, Paid: true,
		Receipt: []byte{1, 2, 3}, Created: time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC),
		Lines: []any{"widget", marshal.Number("2"), nil, false},
		Ship:  streamAddress{City: "Berlin"},
		Tags:  []string{"gift", "express"}, Sizes: map[int]struct{}{38: {}, 40: {}}, Blobs: [][]byte{{0}, {255}},
		Extra: map[string]any{"b": []byte("hi"), "ns": []marshal.Number{"1.5"}, "bs": [][]byte{{1}}},
	}, fromStream)
}

func TestUnmarshalItems(t *testing.T) {
	ev := streamEventFixture(t)
	var images []map[string]events.DynamoDBAttributeValue
	for _, r := range ev.Records {
		if r.Change.NewImage != nil {
			images = append(images, r.Change.NewImage)
		}
		if r.Change.OldImage != nil {
			images = append(images, r.Change.OldImage)
		}
	}
	var orders []StreamOrder
	require.NoError(t, dynamorm.UnmarshalItems(images, &orders))
	require.Len(t, orders, 2)
	assert.Equal(t, "o-1", orders[0].OrderID)
	assert.Equal(t, "cancelled", orders[1].Status)

	var ptrs []*StreamOrder
	require.NoError(t, dynamorm.UnmarshalItems([]map[string]types.AttributeValue{sdkStreamImage}, &ptrs))
	require.Len(t, ptrs, 1)
	assert.Equal(t, orders[0], *ptrs[0])

	bad := []map[string]types.AttributeValue{sdkStreamImage, {"amount": &types.AttributeValueMemberS{Value: "x"}}}
	err := dynamorm.UnmarshalItems(bad, &orders)
	assert.EqualError(t, err, "item 1: dynamorm: decode StreamOrder.Amount: cannot decode S into int64")
	assert.Error(t, dynamorm.UnmarshalItems(images, orders), "not a pointer")
}

// A named image type, as a user might declare, satisfies Item too.
type streamImage map[string]events.DynamoDBAttributeValue

func TestUnmarshalItemNamedMapType(t *testing.T) {
	var o StreamOrder
	require.NoError(t, dynamorm.UnmarshalItem(streamImage{"order_id": events.NewStringAttribute("n")}, &o))
	assert.Equal(t, "n", o.OrderID)
}

// The stream handler of the reference README must compile and work as
// written; it is declared inside the test so that its Order type cannot
// collide with other tests of the package.
func TestReadmeStreamHandler(t *testing.T) {
	type Order struct {
		OrderID string `dynamorm:"pk" json:"order_id"`
		Status  string `json:"status"`
	}
	var handled []string
	handleDynamoDBStream := func(ctx context.Context, event events.DynamoDBEvent) error {
		for _, record := range event.Records {
			switch record.EventName {
			case "INSERT", "MODIFY":
				var order Order
				if err := dynamorm.UnmarshalItem(record.Change.NewImage, &order); err != nil {
					return fmt.Errorf("failed to unmarshal: %w", err)
				}
				handled = append(handled, "new "+order.OrderID+" "+order.Status)
			case "REMOVE":
				var order Order
				if err := dynamorm.UnmarshalItem(record.Change.OldImage, &order); err != nil {
					return err
				}
				handled = append(handled, "removed "+order.OrderID)
			}
		}
		return nil
	}
	require.NoError(t, handleDynamoDBStream(context.Background(), streamEventFixture(t)))
	assert.Equal(t, []string{"new o-1 paid", "removed o-2"}, handled)
}
