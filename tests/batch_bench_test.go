package tests

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
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// BenchItem is the item of the batch benchmarks: the same struct is
// written by dynamorm and, through attributevalue, by the raw SDK.
type BenchItem struct {
	ID     string   `dynamorm:"pk" dynamodbav:"ID"`
	Seq    int      `dynamorm:"sk" dynamodbav:"Seq"`
	Name   string   `dynamodbav:"Name"`
	Amount int64    `dynamodbav:"Amount"`
	Score  float64  `dynamodbav:"Score"`
	Active bool     `dynamodbav:"Active"`
	Labels []string `dynamodbav:"Labels"`
}

const benchItems = 10000

func benchItemsOf(n int) []BenchItem {
	out := make([]BenchItem, n)
	for i := range out {
		out[i] = BenchItem{ID: fmt.Sprintf("user-%04d", i/100), Seq: i % 100, Name: fmt.Sprintf("item number %d", i),
			Amount: int64(i) * 37, Score: float64(i) / 7, Active: i%2 == 0, Labels: []string{"a", "b", "c"}}
	}
	return out
}

// BenchmarkBatchCreate10000 writes 10,000 items into DynamoDB Local three
// ways in one run: dynamorm's BatchCreate (chunks of 25, 4 in flight,
// unprocessed items retried), a sequential loop of PutItem, and a
// hand-written sequential BatchWriteItem loop (chunks of 25, unprocessed
// items resent; once without and once with ReturnConsumedCapacity, which
// dynamorm always asks for), all with the SDK's attributevalue. Each op writes all
// 10,000 items (overwriting the previous op's).
//
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:PORT go test -run '^$' -bench BatchCreate10000 -benchtime 3x -benchmem ./tests/
func BenchmarkBatchCreate10000(b *testing.B) {
	raw := testenv.Client(b)
	items := benchItemsOf(benchItems)
	table := func(b *testing.B) (string, *dynamorm.DB) {
		prefix := testenv.TableName(b, "bench") + "_"
		db, err := dynamorm.New(session.Config{Client: raw, TableNamePrefix: prefix})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateTable(&BenchItem{}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = db.DeleteTable(&BenchItem{}) })
		return prefix + "bench_items", db
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(benchItems)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	}

	b.Run("dynamorm-BatchCreate", func(b *testing.B) {
		_, db := table(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := db.Model(&BenchItem{}).BatchCreate(items); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})

	b.Run("sdk-PutItem-loop", func(b *testing.B) {
		name, _ := table(b)
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := range items {
				av, err := attributevalue.MarshalMap(items[j])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := raw.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: av}); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b)
	})

	// The hand-written loop, without and with ReturnConsumedCapacity
	// (dynamorm always asks for it, to record it).
	for _, cc := range []types.ReturnConsumedCapacity{types.ReturnConsumedCapacityNone, types.ReturnConsumedCapacityIndexes} {
		label := "sdk-BatchWriteItem-loop"
		if cc == types.ReturnConsumedCapacityIndexes {
			label += "-with-capacity"
		}
		b.Run(label, func(b *testing.B) {
			name, _ := table(b)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for start := 0; start < len(items); start += 25 {
					reqs := make([]types.WriteRequest, 0, 25)
					for _, it := range items[start:min(start+25, len(items))] {
						av, err := attributevalue.MarshalMap(it)
						if err != nil {
							b.Fatal(err)
						}
						reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
					}
					pending := map[string][]types.WriteRequest{name: reqs}
					for attempt := 0; len(pending) > 0; attempt++ {
						out, err := raw.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending, ReturnConsumedCapacity: cc})
						if err != nil {
							b.Fatal(err)
						}
						pending = out.UnprocessedItems
						if len(pending) > 0 {
							time.Sleep(time.Duration(25<<min(attempt, 6)) * time.Millisecond)
						}
					}
				}
			}
			report(b)
		})
	}
}
