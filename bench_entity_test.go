package dynamorm_test

// Benchmarks of single-table entities: an entity with a composite sort key
// versus the same fields as a plain model (Create encodes and composes the
// keys, First decodes), and an item-collection Query of 1 customer and 25
// orders versus the hand-written SDK code (Query, then attributevalue by
// the entity type). Same stub client as bench_test.go.
//
//	go test -run '^$' -bench 'BenchmarkEntity' -benchmem -count 6 .

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// benchEntityOrder has benchOrder's fields, as an entity of a shared table
// whose sort key is composed of two of them.
type benchEntityOrder struct {
	dynamorm.Entity `dynamorm:"table:bench_shop,entity:order,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{OrderID}"`
	CustomerID      string            `json:"customer_id" dynamodbav:"customer_id"`
	OrderID         string            `json:"order_id" dynamodbav:"order_id"`
	Status          string            `json:"status" dynamodbav:"status"`
	Total           int64             `json:"total" dynamodbav:"total"`
	Quantity        int               `json:"quantity" dynamodbav:"quantity"`
	Tags            []string          `dynamorm:"set" json:"tags" dynamodbav:"tags,stringset"`
	Meta            map[string]string `json:"meta" dynamodbav:"meta"`
	PlacedAt        time.Time         `json:"placed_at" dynamodbav:"placed_at"`
	Version         int64             `dynamorm:"version" json:"version" dynamodbav:"version"`
	UpdatedAt       time.Time         `dynamorm:"updated_at" json:"updated_at" dynamodbav:"updated_at"`
}

// benchEntityOrderS is benchEntityOrder with a sort key of two string
// components (no time to format).
type benchEntityOrderS struct {
	dynamorm.Entity `dynamorm:"table:bench_shop,entity:orders,pk:CUSTOMER#{CustomerID},sk:ORDER#{Status}#{OrderID}"`
	CustomerID      string            `json:"customer_id"`
	OrderID         string            `json:"order_id"`
	Status          string            `json:"status"`
	Total           int64             `json:"total"`
	Quantity        int               `json:"quantity"`
	Tags            []string          `dynamorm:"set" json:"tags"`
	Meta            map[string]string `json:"meta"`
	PlacedAt        time.Time         `json:"placed_at"`
	Version         int64             `dynamorm:"version" json:"version"`
	UpdatedAt       time.Time         `dynamorm:"updated_at" json:"updated_at"`
}

type benchCustomer struct {
	dynamorm.Entity `dynamorm:"table:bench_shop,entity:customer,pk:CUSTOMER#{ID},sk:PROFILE"`
	ID              string `json:"id" dynamodbav:"id"`
	Name            string `json:"name" dynamodbav:"name"`
	Email           string `json:"email" dynamodbav:"email"`
}

func entityOrder(i int) benchEntityOrder {
	o := newBenchOrder(i)
	return benchEntityOrder{CustomerID: o.CustomerID, OrderID: o.OrderID, Status: o.Status, Total: o.Total, Quantity: o.Quantity,
		Tags: o.Tags, Meta: o.Meta, PlacedAt: o.PlacedAt, Version: o.Version, UpdatedAt: o.UpdatedAt}
}

// entityItem is the stored form of an entity value, as dynamorm writes it.
func entityItem(b *testing.B, v any) map[string]types.AttributeValue {
	b.Helper()
	var item map[string]types.AttributeValue
	stub := &capturingClient{stubClient: newStubClient(nil, nil), put: &item}
	db, err := dynamorm.New(session.Config{Client: stub})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Model(v).AllowOverwrite().BatchCreate([]any{v}); err != nil {
		b.Fatal(err)
	}
	return item
}

// capturingClient records the item of a BatchWriteItem.
type capturingClient struct {
	*stubClient
	put *map[string]types.AttributeValue
}

func (c *capturingClient) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	for _, reqs := range in.RequestItems {
		*c.put = reqs[0].PutRequest.Item
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

func BenchmarkEntityCreate(b *testing.B) {
	db, _ := benchSetup(b, 1)
	b.Run("impl=entity", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o := entityOrder(1)
			if err := db.Model(&o).Create(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity-strings", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o := benchEntityOrderS(entityOrder(1))
			if err := db.Model(&o).Create(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o := newBenchOrder(1)
			if err := db.Model(&o).Create(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEntityFirst(b *testing.B) {
	o := entityOrder(1)
	plain := newBenchOrder(1)
	plainItem, err := marshal.Marshal(&plain)
	if err != nil {
		b.Fatal(err)
	}
	entityDB, err := dynamorm.New(session.Config{Client: newStubClient(entityItem(b, &o), nil)})
	if err != nil {
		b.Fatal(err)
	}
	plainDB, err := dynamorm.New(session.Config{Client: newStubClient(plainItem, nil)})
	if err != nil {
		b.Fatal(err)
	}
	os := benchEntityOrderS(o)
	stringsDB, err := dynamorm.New(session.Config{Client: newStubClient(entityItem(b, &os), nil)})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=entity", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got benchEntityOrder
			if err := entityDB.Model(&benchEntityOrder{CustomerID: o.CustomerID, OrderID: o.OrderID, PlacedAt: o.PlacedAt}).First(&got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity-strings", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got benchEntityOrderS
			if err := stringsDB.Model(&benchEntityOrderS{CustomerID: os.CustomerID, Status: os.Status, OrderID: os.OrderID}).First(&got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got benchOrder
			if err := plainDB.Model(&benchOrder{CustomerID: plain.CustomerID, OrderID: plain.OrderID}).First(&got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCollection is what the collection benchmark reads into.
type benchCollection struct {
	Customer *benchCustomer
	Orders   []benchEntityOrder
}

func BenchmarkEntityCollection(b *testing.B) {
	cust := benchCustomer{ID: "customer-0001", Name: "Ada", Email: "ada@example.com"}
	ormItems := []map[string]types.AttributeValue{}
	sdkItems := []map[string]types.AttributeValue{}
	for i := 0; i < 25; i++ {
		o := entityOrder(i)
		item := entityItem(b, &o)
		ormItems = append(ormItems, item)
		sdk, err := attributevalue.MarshalMap(&o)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range []string{"pk", "sk", "_type"} {
			sdk[k] = item[k]
		}
		sdkItems = append(sdkItems, sdk)
	}
	custItem := entityItem(b, &cust)
	ormItems = append(ormItems, custItem)
	sdkCust, err := attributevalue.MarshalMap(&cust)
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range []string{"pk", "sk", "_type"} {
		sdkCust[k] = custItem[k]
	}
	sdkItems = append(sdkItems, sdkCust)
	db, err := dynamorm.New(session.Config{Client: newStubClient(nil, ormItems)})
	if err != nil {
		b.Fatal(err)
	}
	sdk := newStubClient(nil, sdkItems)
	b.Run("impl=dynamorm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var c benchCollection
			if err := db.Model(&benchCustomer{ID: cust.ID}).Collection(&c); err != nil {
				b.Fatal(err)
			}
			if c.Customer == nil || len(c.Orders) != 25 {
				b.Fatalf("got %+v", c)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			c, err := sdkCollection(ctx, sdk, cust.ID)
			if err != nil {
				b.Fatal(err)
			}
			if c.Customer == nil || len(c.Orders) != 25 {
				b.Fatalf("got %+v", c)
			}
		}
	})
}

// sdkCollection is the collection Query written by hand: every page of the
// partition, each item decoded by its entity type.
func sdkCollection(ctx context.Context, c *stubClient, id string) (benchCollection, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String("bench_shop"),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": "pk"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "CUSTOMER#" + id}},
	}
	var out benchCollection
	for {
		page, err := c.Query(ctx, in)
		if err != nil {
			return out, err
		}
		for _, item := range page.Items {
			t, _ := item["_type"].(*types.AttributeValueMemberS)
			switch {
			case t == nil:
				continue
			case t.Value == "customer":
				out.Customer = &benchCustomer{}
				if err := attributevalue.UnmarshalMap(item, out.Customer); err != nil {
					return out, err
				}
			case t.Value == "order":
				var o benchEntityOrder
				if err := attributevalue.UnmarshalMap(item, &o); err != nil {
					return out, err
				}
				out.Orders = append(out.Orders, o)
			}
		}
		if page.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
