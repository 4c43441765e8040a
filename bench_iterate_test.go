package dynamorm_test

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

// benchVisit (iterable, 10 buckets) shares its table with benchHit, which
// has nine times as many items.
type benchVisit struct {
	dynamorm.Entity `dynamorm:"table:bench_site,entity:visit,pk:VISIT#{ID},sk:VISIT,iterable"`
	ID              string
	Page            string
	Millis          int
}

type benchHit struct {
	dynamorm.Entity `dynamorm:"table:bench_site,entity:hit,pk:HIT#{ID},sk:HIT"`
	ID              string
	Page            string
	Millis          int
}

// requestCounter counts the read requests sent: Query and Scan (and
// GetItem and BatchGetItem, bench_loader_test.go).
type requestCounter struct {
	core.DynamoDBAPI
	n atomic.Int64
}

func (c *requestCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.n.Add(1)
	return c.DynamoDBAPI.Query(ctx, in, o...)
}

func (c *requestCounter) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.n.Add(1)
	return c.DynamoDBAPI.Scan(ctx, in, o...)
}

var (
	iterBenchOnce sync.Once
	iterBenchDB   *dynamorm.DB
	iterBenchReqs *requestCounter
)

// iterBench is a memdb table of 10,000 visits and 90,000 hits, built once.
func iterBench(b *testing.B) (*dynamorm.DB, *requestCounter) {
	iterBenchOnce.Do(func() {
		srv := memdb.New()
		iterBenchReqs = &requestCounter{DynamoDBAPI: srv.Client()}
		db, err := dynamorm.New(session.Config{Client: iterBenchReqs})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.AutoMigrate(&benchVisit{}, &benchHit{}); err != nil {
			b.Fatal(err)
		}
		visits, hits := make([]benchVisit, 10000), make([]benchHit, 90000)
		for i := range visits {
			visits[i] = benchVisit{ID: fmt.Sprintf("v%05d", i), Page: "/docs", Millis: i}
		}
		for i := range hits {
			hits[i] = benchHit{ID: fmt.Sprintf("h%05d", i), Page: "/", Millis: i}
		}
		if err := db.Model(&benchVisit{}).BatchCreate(visits); err != nil {
			b.Fatal(err)
		}
		if err := db.Model(&benchHit{}).BatchCreate(hits); err != nil {
			b.Fatal(err)
		}
		iterBenchDB = db
	})
	if iterBenchDB == nil {
		b.Fatal("setup failed")
	}
	return iterBenchDB, iterBenchReqs
}

// BenchmarkIterate reads the 10,000 visits of a table that also holds
// 90,000 hits: through the 10 buckets in parallel (Concurrency 10) and
// one after another (Concurrency 1), and by a Scan of the whole table
// filtered on the entity (what iterating a non-iterable entity would be).
func BenchmarkIterate(b *testing.B) {
	db, reqs := iterBench(b)
	run := func(b *testing.B, read func() int) {
		b.ReportAllocs()
		before := reqs.n.Load()
		for b.Loop() {
			if n := read(); n != 10000 {
				b.Fatalf("%d visits read, want 10000", n)
			}
		}
		b.ReportMetric(float64(reqs.n.Load()-before)/float64(b.N), "requests/op")
	}
	iterate := func(concurrency int) func() int {
		return func() int {
			n := 0
			for batch, err := range dynamorm.Iterate[benchVisit](db.Model(&benchVisit{}), dynamorm.IterateOptions{BatchSize: 1000, Concurrency: concurrency}).Batches() {
				if err != nil {
					b.Fatal(err)
				}
				n += len(batch)
			}
			return n
		}
	}
	b.Run("read=buckets-parallel", func(b *testing.B) { run(b, iterate(10)) })
	b.Run("read=buckets-sequential", func(b *testing.B) { run(b, iterate(1)) })
	b.Run("read=scan-shared-table", func(b *testing.B) {
		run(b, func() int {
			var visits []benchVisit
			if err := db.Model(&benchVisit{}).Scan(&visits); err != nil {
				b.Fatal(err)
			}
			return len(visits)
		})
	})
}
