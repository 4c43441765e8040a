package dynamorm_test

// The loader's per-read overhead (issue 15): a plain First (one GetItem),
// the same First in a loader scope that has the item cached (no request),
// and in a new scope each time (the read goes through a batch of one key,
// window 0: one BatchGetItem), on the stub client (client-side CPU and
// allocations only) and on memdb (a real request path, in process); and
// 100 goroutines reading 100 distinct keys, with and without a scope, on
// memdb (requests per round reported).
//
//	go test -run '^$' -bench 'BenchmarkLoader' -benchmem -count 6 .

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

func BenchmarkLoaderRead(b *testing.B) {
	stub := newOpsEnv(b, 1)
	srv := memdb.New()
	defer srv.Close()
	mem, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	if err := mem.CreateTable(&benchOrder{}); err != nil {
		b.Fatal(err)
	}
	want := stub.orders[0]
	if err := mem.Model(&want).Create(); err != nil {
		b.Fatal(err)
	}
	for _, backend := range []struct {
		name string
		db   *dynamorm.DB
	}{{"backend=stub", stub.orm}, {"backend=memdb", mem}} {
		read := func(db core.DB) error {
			var o benchOrder
			if err := db.Model(&benchOrder{}).Where("CustomerID", "=", want.CustomerID).Where("OrderID", "=", want.OrderID).First(&o); err != nil {
				return err
			}
			if o.OrderID != want.OrderID {
				return fmt.Errorf("read %q", o.OrderID)
			}
			return nil
		}
		ctx, _ := dynamorm.WithLoader(context.Background())
		scoped := backend.db.WithContext(ctx)
		if err := read(scoped); err != nil { // the scope's cache holds it now
			b.Fatal(err)
		}
		for _, r := range []struct {
			name string
			fn   func() error
		}{
			{"read=first", func() error { return read(backend.db) }},
			{"read=scope-hit", func() error { return read(scoped) }},
			{"read=scope-miss", func() error {
				ctx, _ := dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(0))
				return read(backend.db.WithContext(ctx))
			}},
		} {
			b.Run(backend.name+"/"+r.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := r.fn(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// requestCounter (bench_iterate_test.go) counts GetItems and
// BatchGetItems too.
func (c *requestCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.n.Add(1)
	return c.DynamoDBAPI.GetItem(ctx, in, o...)
}

func (c *requestCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.n.Add(1)
	return c.DynamoDBAPI.BatchGetItem(ctx, in, o...)
}

// BenchmarkLoaderConcurrent: 100 goroutines each read one of 100 distinct
// items, with a GetItem each or in one scope (one BatchGetItem).
func BenchmarkLoaderConcurrent(b *testing.B) {
	srv := memdb.New()
	defer srv.Close()
	counter := &requestCounter{DynamoDBAPI: srv.Client()}
	db, err := dynamorm.New(session.Config{Client: counter})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.CreateTable(&benchOrder{}); err != nil {
		b.Fatal(err)
	}
	orders := make([]benchOrder, 100)
	for i := range orders {
		orders[i] = newBenchOrder(i)
	}
	if err := db.Model(&benchOrder{}).AllowOverwrite().BatchCreate(orders); err != nil {
		b.Fatal(err)
	}
	for _, scoped := range []bool{false, true} {
		b.Run(fmt.Sprintf("scope=%v", scoped), func(b *testing.B) {
			b.ReportAllocs()
			counter.n.Store(0)
			rounds := 0
			for b.Loop() {
				rdb := db
				if scoped {
					ctx, _ := dynamorm.WithLoader(context.Background())
					rdb = db.WithContext(ctx).(*dynamorm.DB)
				}
				readAll(b, rdb, orders)
				rounds++
			}
			b.ReportMetric(float64(counter.n.Load())/float64(rounds), "requests/round")
		})
	}
}

func readAll(b *testing.B, db *dynamorm.DB, orders []benchOrder) {
	var wg sync.WaitGroup
	var failed atomic.Value
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := dynamorm.Get(db, benchOrder{CustomerID: orders[i].CustomerID, OrderID: orders[i].OrderID})
			if err == nil && got.Total != orders[i].Total {
				err = fmt.Errorf("order %d: total %d", i, got.Total)
			}
			if err != nil {
				failed.Store(err)
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}
