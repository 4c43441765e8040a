package dynamorm_test

// Benchmarks of item operations and queries through dynamorm versus the same
// operations hand-written with the SDK and its attributevalue package. Both
// sides talk to stubClient, which answers from outputs built once, so only
// the CPU spent in the library (or in the hand-written code) is measured:
// no network, no serialisation to JSON, no SDK middleware.
//
//	go test -run '^$' -bench 'BenchmarkItem|BenchmarkQuery' -benchmem -count 6 .
//
// Sub-benchmarks are named impl=dynamorm and impl=sdk, so benchstat can put
// them side by side: benchstat -col /impl results.txt

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// benchOrder is a realistic item: keys, strings, integers, a string set, a
// map, a time, an optimistic-lock version and an updated_at stamp. The
// dynamodbav tags give the SDK's attributevalue the same attribute names.
type benchOrder struct {
	CustomerID string            `dynamorm:"pk" json:"customer_id" dynamodbav:"customer_id"`
	OrderID    string            `dynamorm:"sk" json:"order_id" dynamodbav:"order_id"`
	Status     string            `json:"status" dynamodbav:"status"`
	Total      int64             `json:"total" dynamodbav:"total"`
	Quantity   int               `json:"quantity" dynamodbav:"quantity"`
	Tags       []string          `dynamorm:"set" json:"tags" dynamodbav:"tags,stringset"`
	Meta       map[string]string `json:"meta" dynamodbav:"meta"`
	PlacedAt   time.Time         `json:"placed_at" dynamodbav:"placed_at"`
	Version    int64             `dynamorm:"version" json:"version" dynamodbav:"version"`
	UpdatedAt  time.Time         `dynamorm:"updated_at" json:"updated_at" dynamodbav:"updated_at"`
}

const benchTable = "bench_orders" // dynamorm's name for benchOrder

func newBenchOrder(i int) benchOrder {
	return benchOrder{
		CustomerID: "customer-0001",
		OrderID:    fmt.Sprintf("order-%06d", i),
		Status:     "paid",
		Total:      12999 + int64(i),
		Quantity:   3,
		Tags:       []string{"gift", "express", "eu"},
		Meta:       map[string]string{"channel": "web", "coupon": "SPRING24"},
		PlacedAt:   time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC),
		Version:    4,
		UpdatedAt:  time.Date(2024, 3, 2, 8, 0, 0, 0, time.UTC),
	}
}

// stubClient answers PutItem, GetItem, UpdateItem and Query with outputs
// built once. Like DynamoDB, it reports consumed capacity only when the
// request asks for it. Other methods are not used (and would panic).
type stubClient struct {
	core.DynamoDBAPI

	put, putCC       *dynamodb.PutItemOutput
	get, getCC       *dynamodb.GetItemOutput
	update, updateCC *dynamodb.UpdateItemOutput
	query, queryCC   *dynamodb.QueryOutput
}

// newStubClient returns a stub whose GetItem returns item and whose Query
// returns items (one page, no LastEvaluatedKey).
func newStubClient(item map[string]types.AttributeValue, items []map[string]types.AttributeValue) *stubClient {
	cc := func() *types.ConsumedCapacity {
		return &types.ConsumedCapacity{TableName: aws.String(benchTable), CapacityUnits: aws.Float64(1),
			Table: &types.Capacity{CapacityUnits: aws.Float64(1)}}
	}
	return &stubClient{
		put: &dynamodb.PutItemOutput{}, putCC: &dynamodb.PutItemOutput{ConsumedCapacity: cc()},
		get: &dynamodb.GetItemOutput{Item: item}, getCC: &dynamodb.GetItemOutput{Item: item, ConsumedCapacity: cc()},
		update: &dynamodb.UpdateItemOutput{}, updateCC: &dynamodb.UpdateItemOutput{ConsumedCapacity: cc()},
		query:   &dynamodb.QueryOutput{Items: items, Count: int32(len(items)), ScannedCount: int32(len(items))},
		queryCC: &dynamodb.QueryOutput{Items: items, Count: int32(len(items)), ScannedCount: int32(len(items)), ConsumedCapacity: cc()},
	}
}

func wantsCapacity(rc types.ReturnConsumedCapacity) bool {
	return rc != "" && rc != types.ReturnConsumedCapacityNone
}

func (c *stubClient) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if wantsCapacity(in.ReturnConsumedCapacity) {
		return c.putCC, nil
	}
	return c.put, nil
}

func (c *stubClient) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if wantsCapacity(in.ReturnConsumedCapacity) {
		return c.getCC, nil
	}
	return c.get, nil
}

func (c *stubClient) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if wantsCapacity(in.ReturnConsumedCapacity) {
		return c.updateCC, nil
	}
	return c.update, nil
}

func (c *stubClient) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if wantsCapacity(in.ReturnConsumedCapacity) {
		return c.queryCC, nil
	}
	return c.query, nil
}

// benchSetup returns a dynamorm DB on a stub holding items in dynamorm's
// encoding, and a stub holding the same items in attributevalue's encoding
// for the hand-written code. n is the number of items Query returns.
func benchSetup(b *testing.B, n int) (*dynamorm.DB, *stubClient) {
	b.Helper()
	orders := make([]benchOrder, n)
	ormItems := make([]map[string]types.AttributeValue, n)
	sdkItems := make([]map[string]types.AttributeValue, n)
	for i := range orders {
		orders[i] = newBenchOrder(i)
		var err error
		if ormItems[i], err = marshal.Marshal(&orders[i]); err != nil {
			b.Fatal(err)
		}
		if sdkItems[i], err = attributevalue.MarshalMap(&orders[i]); err != nil {
			b.Fatal(err)
		}
	}
	db, err := dynamorm.New(session.Config{Client: newStubClient(ormItems[0], ormItems)})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Register(&benchOrder{}); err != nil {
		b.Fatal(err)
	}
	return db, newStubClient(sdkItems[0], sdkItems)
}

// benchHandles are the dynamorm handles each item benchmark runs on:
// without an observer (impl=dynamorm, the figure compared with the SDK and
// across commits) and with a no-op one (impl=dynamorm-observed: what
// observation costs when it is on).
func benchHandles(db *dynamorm.DB) []struct {
	name string
	db   *dynamorm.DB
} {
	noop := dynamorm.ObserverFunc(func(context.Context, dynamorm.Event) {})
	return []struct {
		name string
		db   *dynamorm.DB
	}{{"impl=dynamorm", db}, {"impl=dynamorm-observed", db.WithObserver(noop)}}
}

func BenchmarkItemCreate(b *testing.B) {
	orm, sdk := benchSetup(b, 1)
	for _, h := range benchHandles(orm) {
		db := h.db
		b.Run(h.name, func(b *testing.B) {
			o := newBenchOrder(1)
			b.ReportAllocs()
			for b.Loop() {
				o.Version = 0
				if err := db.Model(&o).Create(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=sdk", func(b *testing.B) {
		o := newBenchOrder(1)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			o.Version = 0
			if err := sdkCreate(ctx, sdk, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sdkCreate is Create written by hand: stamp the lifecycle fields, marshal,
// put with an attribute_not_exists condition.
func sdkCreate(ctx context.Context, c core.DynamoDBAPI, o *benchOrder) error {
	o.UpdatedAt = time.Now().UTC()
	if o.Version == 0 {
		o.Version = 1
	}
	item, err := attributevalue.MarshalMap(o)
	if err != nil {
		return err
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(benchTable),
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": "customer_id"},
	})
	return err
}

func BenchmarkItemFirst(b *testing.B) {
	orm, sdk := benchSetup(b, 1)
	want := newBenchOrder(0)
	for _, h := range benchHandles(orm) {
		db := h.db
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var o benchOrder
				if err := db.Model(&benchOrder{}).Where("CustomerID", "=", want.CustomerID).
					Where("OrderID", "=", want.OrderID).First(&o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=sdk", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			var o benchOrder
			if err := sdkFirst(ctx, sdk, want.CustomerID, want.OrderID, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sdkFirst is First on the full key written by hand: GetItem, UnmarshalMap.
func sdkFirst(ctx context.Context, c core.DynamoDBAPI, customer, order string, o *benchOrder) error {
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(benchTable),
		Key: map[string]types.AttributeValue{
			"customer_id": &types.AttributeValueMemberS{Value: customer},
			"order_id":    &types.AttributeValueMemberS{Value: order},
		},
	})
	if err != nil {
		return err
	}
	if out.Item == nil {
		return dynamorm.ErrItemNotFound
	}
	return attributevalue.UnmarshalMap(out.Item, o)
}

func BenchmarkItemUpdate(b *testing.B) {
	orm, sdk := benchSetup(b, 1)
	for _, h := range benchHandles(orm) {
		db := h.db
		b.Run(h.name, func(b *testing.B) {
			o := newBenchOrder(1)
			b.ReportAllocs()
			for b.Loop() {
				o.Total++
				if err := db.Model(&o).Update("Status", "Total"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=sdk", func(b *testing.B) {
		o := newBenchOrder(1)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			o.Total++
			if err := sdkUpdate(ctx, sdk, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sdkUpdate is Update("Status", "Total") written by hand: SET the two fields,
// updated_at and the bumped version, on the condition that the item exists
// and has the version the Go value holds.
func sdkUpdate(ctx context.Context, c core.DynamoDBAPI, o *benchOrder) error {
	now := time.Now().UTC()
	status, err := attributevalue.Marshal(o.Status)
	if err != nil {
		return err
	}
	total, err := attributevalue.Marshal(o.Total)
	if err != nil {
		return err
	}
	updated, err := attributevalue.Marshal(now)
	if err != nil {
		return err
	}
	next, err := attributevalue.Marshal(o.Version + 1)
	if err != nil {
		return err
	}
	current, err := attributevalue.Marshal(o.Version)
	if err != nil {
		return err
	}
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(benchTable),
		Key: map[string]types.AttributeValue{
			"customer_id": &types.AttributeValueMemberS{Value: o.CustomerID},
			"order_id":    &types.AttributeValueMemberS{Value: o.OrderID},
		},
		UpdateExpression:    aws.String("SET #status = :status, #total = :total, #updated_at = :updated_at, #version = :next"),
		ConditionExpression: aws.String("attribute_exists(#pk) AND #version = :current"),
		ExpressionAttributeNames: map[string]string{
			"#pk": "customer_id", "#status": "status", "#total": "total", "#updated_at": "updated_at", "#version": "version",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":status": status, ":total": total, ":updated_at": updated, ":next": next, ":current": current,
		},
	})
	if err != nil {
		return err
	}
	o.UpdatedAt, o.Version = now, o.Version+1
	return nil
}

// BenchmarkQuery25 builds and runs a Query on the partition key that returns
// 25 items, and decodes them.
func BenchmarkQuery25(b *testing.B) {
	orm, sdk := benchSetup(b, 25)
	db := orm
	const customer = "customer-0001"
	for _, h := range benchHandles(orm) {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var out []benchOrder
				if err := h.db.Model(&benchOrder{}).Where("CustomerID", "=", customer).All(&out); err != nil {
					b.Fatal(err)
				}
				if len(out) != 25 {
					b.Fatalf("got %d items", len(out))
				}
			}
		})
	}
	b.Run("impl=dynamorm-items", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range dynamorm.Items[benchOrder](db.Model(&benchOrder{}).Where("CustomerID", "=", customer)) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 25 {
				b.Fatalf("got %d items", n)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			out, err := sdkQuery(ctx, sdk, customer)
			if err != nil {
				b.Fatal(err)
			}
			if len(out) != 25 {
				b.Fatalf("got %d items", len(out))
			}
		}
	})
}

// sdkQuery is the Query written by hand: every page of the partition,
// decoded with UnmarshalListOfMaps.
func sdkQuery(ctx context.Context, c core.DynamoDBAPI, customer string) ([]benchOrder, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(benchTable),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": "customer_id"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: customer}},
	}
	var all []benchOrder
	for {
		out, err := c.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		var page []benchOrder
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &page); err != nil {
			return nil, err
		}
		if all == nil {
			all = page
		} else {
			all = append(all, page...)
		}
		if out.LastEvaluatedKey == nil {
			return all, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
