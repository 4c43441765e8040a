package dynamorm_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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

// requestCounter counts the Query and Scan requests sent.
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

// iterBenchEnv is a table of 10,000 visits and 90,000 hits on one backend.
type iterBenchEnv struct {
	db   *dynamorm.DB
	reqs *requestCounter
}

var (
	iterBenchMu   sync.Mutex
	iterBenchEnvs = map[string]*iterBenchEnv{}
)

// iterBench builds the table on backend ("memdb", or "dynamodb-local" at
// DYNAMORM_TEST_ENDPOINT) once per process.
func iterBench(b *testing.B, backend string) *iterBenchEnv {
	iterBenchMu.Lock()
	defer iterBenchMu.Unlock()
	if e := iterBenchEnvs[backend]; e != nil {
		return e
	}
	var client core.DynamoDBAPI
	if backend == "memdb" {
		client = memdb.New().Client()
	} else {
		client = dynamodb.New(dynamodb.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(os.Getenv("DYNAMORM_TEST_ENDPOINT")), HTTPClient: awshttp.NewBuildableClient(),
			DisableValidateResponseChecksum: true,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
			}),
		})
	}
	e := &iterBenchEnv{reqs: &requestCounter{DynamoDBAPI: client}}
	db, err := dynamorm.New(session.Config{Client: e.reqs, TableNamePrefix: fmt.Sprintf("b%d_", time.Now().UnixNano())})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.AutoMigrate(&benchVisit{}, &benchHit{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		iterBenchMu.Lock()
		delete(iterBenchEnvs, backend)
		iterBenchMu.Unlock()
		_ = db.DeleteTable(&benchVisit{})
	})
	visits, hits := make([]benchVisit, 10000), make([]benchHit, 90000)
	for i := range visits {
		visits[i] = benchVisit{ID: fmt.Sprintf("v%05d", i), Page: "/docs", Millis: i}
	}
	for i := range hits {
		hits[i] = benchHit{ID: fmt.Sprintf("h%05d", i), Page: "/", Millis: i}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for from := 0; from < len(hits); from += 10000 { // in parallel: DynamoDB Local is slow
		wg.Add(1)
		go func(from int) {
			defer wg.Done()
			errs <- db.Model(&benchHit{}).BatchCreate(hits[from : from+10000])
		}(from)
	}
	errs <- db.Model(&benchVisit{}).BatchCreate(visits)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	e.db = db
	iterBenchEnvs[backend] = e
	return e
}

// BenchmarkIterate reads the 10,000 visits of a table that also holds
// 90,000 hits: through the 10 buckets in parallel (Concurrency 10) and
// one after another (Concurrency 1), and by a Scan of the whole table
// filtered on the entity (what iterating a non-iterable entity would be).
// On memdb, and on DynamoDB Local when DYNAMORM_TEST_ENDPOINT is set:
//
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:8000 go test -run '^$' -bench 'BenchmarkIterate$' -benchtime 5x .
func BenchmarkIterate(b *testing.B) {
	backends := []string{"memdb"}
	if os.Getenv("DYNAMORM_TEST_ENDPOINT") != "" {
		backends = append(backends, "dynamodb-local")
	}
	for _, backend := range backends {
		b.Run("backend="+backend, func(b *testing.B) { benchIterate(b, iterBench(b, backend)) })
	}
}

func benchIterate(b *testing.B, e *iterBenchEnv) {
	db, reqs := e.db, e.reqs
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
