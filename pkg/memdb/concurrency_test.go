package memdb

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestConcurrentRequestsOnSeveralTables runs writes, reads, batches and
// transactions from 64 goroutines over four tables (with -race in the test
// command) and checks every item and counter afterwards.
func TestConcurrentRequestsOnSeveralTables(t *testing.T) {
	srv := New()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	tables := []string{"cc_a", "cc_b", "cc_c", "cc_d"}
	for _, name := range tables {
		newTable(t, c, name)
	}
	const workers, each = 64, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			tbl := aws.String(tables[g%len(tables)])
			other := aws.String(tables[(g+1)%len(tables)])
			for i := 0; i < each; i++ {
				pk := fmt.Sprintf("g%d", g)
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: benchItem(pk, i)}); err != nil {
					errs <- err
					return
				}
				// One counter per table, incremented by a transaction that
				// spans two tables (locked in name order).
				_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					{Update: &types.Update{TableName: tbl, Key: map[string]types.AttributeValue{"pk": s("ctr"), "sk": n("0")},
						UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}}},
					{Update: &types.Update{TableName: other, Key: map[string]types.AttributeValue{"pk": s("ctr"), "sk": n(fmt.Sprint(g + 1))},
						UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}}},
				}})
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditionExpression: aws.String("pk = :p"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":p": s(pk)}}); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for ti, name := range tables {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(name), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		items, ctr := 0, ""
		for _, it := range out.Items {
			if it["pk"].(*types.AttributeValueMemberS).Value == "ctr" {
				if it["sk"].(*types.AttributeValueMemberN).Value == "0" {
					ctr = it["v"].(*types.AttributeValueMemberN).Value
				}
				continue
			}
			items++
		}
		if want := workers / len(tables) * each; items != want {
			t.Errorf("%s: %d items, want %d", name, items, want)
		}
		if want := fmt.Sprint(workers / len(tables) * each); ctr != want {
			t.Errorf("%s: counter %s, want %s (table %d)", name, ctr, want, ti)
		}
	}
}

// BenchmarkConcurrentPutItem is the throughput of PutItem through the SDK on
// memdb with 8, 64 and 256 goroutines, all on one table and on a table per
// goroutine (writes to different tables take different locks). It reports
// puts per second and the median latency.
//
//	go test -run '^$' -bench ConcurrentPutItem -benchtime 20000x ./pkg/memdb
func BenchmarkConcurrentPutItem(b *testing.B) {
	for _, layout := range []string{"one-table", "table-per-goroutine"} {
		for _, workers := range []int{8, 64, 256} {
			b.Run(fmt.Sprintf("%s/%d", layout, workers), func(b *testing.B) {
				srv := New()
				defer srv.Close()
				c := srv.Client()
				names := []string{"bench_one"}
				if layout != "one-table" {
					names = nil
					for g := 0; g < workers; g++ {
						names = append(names, fmt.Sprintf("bench_%d", g))
					}
				}
				for _, name := range names {
					newTable(b, c, name)
				}
				runConcurrently(b, workers, func(g, i int) error {
					_, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(names[g%len(names)]), Item: benchItem(fmt.Sprint("p", g), i)})
					return err
				})
			})
		}
	}
}

// BenchmarkConcurrentHandle is memdb's own write throughput without the SDK
// (request JSON in, response JSON out, as BenchmarkHandle) with 8, 64 and
// 256 goroutines on one table: each goroutine putting items into its own
// partition, or all of them into one partition. It reports puts per second
// and the median latency.
//
//	go test -run '^$' -bench ConcurrentHandle -benchtime 200000x -benchmem ./pkg/memdb
func BenchmarkConcurrentHandle(b *testing.B) {
	for _, layout := range []string{"partition-per-goroutine", "one-partition"} {
		for _, workers := range []int{8, 64, 256} {
			b.Run(fmt.Sprintf("%s/%d", layout, workers), func(b *testing.B) {
				srv := New()
				defer srv.Close()
				newTable(b, srv.Client(), "bench_handle")
				bodies := make([][][]byte, workers)
				for g := range bodies {
					pk := fmt.Sprint("p", g)
					if layout == "one-partition" {
						pk = "p"
					}
					for i := 0; i < 50; i++ {
						bodies[g] = append(bodies[g], []byte(fmt.Sprintf(`{"TableName":"bench_handle","Item":{"pk":{"S":%q},"sk":{"N":"%d"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"age":{"N":"36"},"active":{"BOOL":true},"tags":{"SS":["math","engines"]}}}`, pk, g*50+i)))
					}
				}
				runConcurrently(b, workers, func(g, i int) error {
					if st, out := srv.handle("POST", "DynamoDB_20120810.PutItem", bodies[g][i%50]); st != 200 {
						return fmt.Errorf("%s", out)
					}
					return nil
				})
			})
		}
	}
}

// runConcurrently runs op b.N times from workers goroutines (worker g runs
// i = g, g+workers, ...) and reports ops per second and the median latency.
func runConcurrently(b *testing.B, workers int, op func(g, i int) error) {
	lat := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < b.N; i += workers {
				s := time.Now()
				if err := op(g, i); err != nil {
					b.Error(err)
					return
				}
				lat[g] = append(lat[g], time.Since(s))
			}
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "puts/s")
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Nanoseconds())/1000, "p50-µs")
	}
}
