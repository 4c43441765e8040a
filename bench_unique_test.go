package dynamorm_test

// Benchmarks of unique constraints: a Create of a model with one and with
// two unique fields (one TransactWriteItems of the item and its guards)
// versus the same model without constraints (one PutItem). The stub counts
// the requests; requests/op must be 1 in every case.
//
//	go test -run '^$' -bench 'BenchmarkUniqueCreate' -benchmem -count 6 .

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type benchUserPlain struct {
	ID     string `dynamorm:"pk"`
	Email  string
	Handle string
	Name   string
	Age    int
}

type benchUser1 struct {
	ID     string `dynamorm:"pk"`
	Email  string `dynamorm:"unique,casefold"`
	Handle string
	Name   string
	Age    int
}

type benchUser2 struct {
	ID     string `dynamorm:"pk"`
	Email  string `dynamorm:"unique,casefold"`
	Handle string `dynamorm:"unique"`
	Name   string
	Age    int
}

// countingStub is stubClient that also answers TransactWriteItems, and
// counts every request.
type countingStub struct {
	*stubClient
	requests atomic.Int64
}

func (c *countingStub) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.requests.Add(1)
	return c.stubClient.PutItem(ctx, in, o...)
}

var txOut = &dynamodb.TransactWriteItemsOutput{}

func (c *countingStub) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.requests.Add(1)
	return txOut, nil
}

func BenchmarkUniqueCreate(b *testing.B) {
	stub := &countingStub{stubClient: newStubClient(nil, nil)}
	db, err := dynamorm.New(session.Config{Client: stub})
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, create func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			before := stub.requests.Load()
			for b.Loop() {
				if err := create(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(stub.requests.Load()-before)/float64(b.N), "requests/op")
		})
	}
	run("unique=0", func() error {
		return db.Model(&benchUserPlain{ID: "u1", Email: "Ann@Example.com", Handle: "ann", Name: "Ann", Age: 40}).Create()
	})
	run("unique=1", func() error {
		return db.Model(&benchUser1{ID: "u1", Email: "Ann@Example.com", Handle: "ann", Name: "Ann", Age: 40}).Create()
	})
	run("unique=2", func() error {
		return db.Model(&benchUser2{ID: "u1", Email: "Ann@Example.com", Handle: "ann", Name: "Ann", Age: 40}).Create()
	})
}

func (c *countingStub) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.requests.Add(1)
	return c.stubClient.GetItem(ctx, in, o...)
}

func (c *countingStub) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.requests.Add(1)
	return c.stubClient.UpdateItem(ctx, in, o...)
}

var uniqueDeleteOut = &dynamodb.DeleteItemOutput{}

func (c *countingStub) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.requests.Add(1)
	return uniqueDeleteOut, nil
}

// BenchmarkUniqueWrite: the requests of a Delete and an Update() of a
// model with one unique field, without a read first when the Go value
// holds the value (requests/op 1) and with one for a Delete by key alone
// (2: a GetItem, which the stub answers with no item, then the DeleteItem),
// versus the model without constraints.
//
//	go test -run '^$' -bench 'BenchmarkUniqueWrite' -benchmem .
func BenchmarkUniqueWrite(b *testing.B) {
	stub := &countingStub{stubClient: newStubClient(nil, nil)}
	db, err := dynamorm.New(session.Config{Client: stub})
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, write func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			before := stub.requests.Load()
			for b.Loop() {
				if err := write(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(stub.requests.Load()-before)/float64(b.N), "requests/op")
		})
	}
	run("unique=0/op=Delete", func() error { return db.Model(&benchUserPlain{ID: "u1", Email: "ann@example.com"}).Delete() })
	run("unique=1/op=Delete", func() error { return db.Model(&benchUser1{ID: "u1", Email: "ann@example.com"}).Delete() })
	run("unique=1/op=Delete-by-key", func() error { return db.Model(&benchUser1{ID: "u1"}).Delete() })
	run("unique=0/op=Update-all", func() error {
		return db.Model(&benchUserPlain{ID: "u1", Email: "ann@example.com", Name: "Ann"}).Update()
	})
	run("unique=1/op=Update-all", func() error {
		return db.Model(&benchUser1{ID: "u1", Email: "ann@example.com", Name: "Ann"}).Update()
	})
}
