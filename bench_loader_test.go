package dynamorm_test

// The loader's per-read overhead (issue 15): a plain First (one GetItem),
// the same First in a loader scope that has the item cached (no request),
// and in a new scope each time (the read goes through a batch of one key,
// window 0: one BatchGetItem), on the stub client (client-side CPU and
// allocations only) and on memdb (a real request path, in process).
// tests/loader_bench_test.go has the same reads on memdb and DynamoDB
// Local, and 100 concurrent readers with and without a scope.
//
//	go test -run '^$' -bench 'BenchmarkLoader' -benchmem -count 6 .

import (
	"context"
	"fmt"
	"testing"

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
