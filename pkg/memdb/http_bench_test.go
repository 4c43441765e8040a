package memdb

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BenchmarkHTTPThroughput is requests per second with 8 concurrent SDK
// clients over loopback HTTP: memdb served as cmd/memdb serves it (its
// ServeHTTP behind net/http) and, when DYNAMORM_TEST_ENDPOINT is set, DynamoDB
// Local, in the same run. Each client alternates PutItem and GetItem.
//
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:8000 go test -run '^$' -bench HTTPThroughput -benchtime 4000x ./pkg/memdb
func BenchmarkHTTPThroughput(b *testing.B) {
	srv := New()
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	endpoints := [][2]string{{"memdb-http", hs.URL}}
	if ep := os.Getenv("DYNAMORM_TEST_ENDPOINT"); ep != "" {
		endpoints = append(endpoints, [2]string{"dynamodb-local", ep})
	}
	for _, e := range endpoints {
		b.Run(e[0], func(b *testing.B) {
			ctx := context.Background()
			c := dynamodb.New(dynamodb.Options{
				Region: "us-east-1", BaseEndpoint: aws.String(e[1]), HTTPClient: awshttp.NewBuildableClient(),
				DisableValidateResponseChecksum: true, RetryMaxAttempts: 1,
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
				}),
			})
			table := fmt.Sprintf("memdb_http_%d", time.Now().UnixNano())
			newTable(b, c, table)
			defer c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
			const clients = 8
			var wg sync.WaitGroup
			b.ResetTimer()
			t0 := time.Now()
			for g := 0; g < clients; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := g; i < b.N; i += clients {
						it := benchItem(fmt.Sprint("c", g), i)
						var err error
						if i%2 == 0 {
							_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it})
						} else {
							_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
								Key: map[string]types.AttributeValue{"pk": it["pk"], "sk": it["sk"]}})
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				}(g)
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "req/s")
		})
	}
}
