package memdb

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BenchmarkSDK measures PutItem, GetItem and Query (10 items) through the real
// SDK client on memdb and, when DYNAMORM_TEST_ENDPOINT is set, on that server
// (DynamoDB Local) in the same run. Each reports its median as p50-ns.
//
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:8000 go test -run '^$' -bench SDK ./pkg/memdb
func BenchmarkSDK(b *testing.B) {
	backends := []struct {
		name   string
		client func() (*dynamodb.Client, func())
	}{{"memdb", func() (*dynamodb.Client, func()) { srv := New(); return srv.Client(), srv.Close }}}
	if ep := os.Getenv("DYNAMORM_TEST_ENDPOINT"); ep != "" {
		backends = append(backends, struct {
			name   string
			client func() (*dynamodb.Client, func())
		}{"dynamodb-local", func() (*dynamodb.Client, func()) {
			return dynamodb.New(dynamodb.Options{
				Region: "us-east-1", BaseEndpoint: aws.String(ep), HTTPClient: awshttp.NewBuildableClient(),
				DisableValidateResponseChecksum: true,
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
				}),
			}), func() {}
		}})
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			c, done := be.client()
			defer done()
			table := fmt.Sprintf("memdb_bench_%d", time.Now().UnixNano())
			newTable(b, c, table)
			defer c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
			for i := 0; i < 10; i++ {
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: benchItem("q", i)}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("PutItem", func(b *testing.B) {
				measure(b, func(i int) error {
					_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: benchItem("p", i%1000)})
					return err
				})
			})
			b.Run("GetItem", func(b *testing.B) {
				key := map[string]types.AttributeValue{"pk": s("q"), "sk": n("3")}
				measure(b, func(int) error {
					out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
					if err == nil && out.Item == nil {
						err = fmt.Errorf("item not found")
					}
					return err
				})
			})
			b.Run("Query10", func(b *testing.B) {
				in := &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :p"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("q")}}
				measure(b, func(int) error {
					out, err := c.Query(ctx, in)
					if err == nil && len(out.Items) != 10 {
						err = fmt.Errorf("query returned %d items", len(out.Items))
					}
					return err
				})
			})
		})
	}
}

func benchItem(pk string, i int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": s(pk), "sk": n(fmt.Sprint(i)), "name": s("Ada Lovelace"), "email": s("ada@example.com"),
		"age": n("36"), "active": &types.AttributeValueMemberBOOL{Value: true},
		"tags": &types.AttributeValueMemberSS{Value: []string{"math", "engines"}},
	}
}

// measure runs op b.N times and reports the median latency as p50-ns.
func measure(b *testing.B, op func(i int) error) {
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
}

// cannedTransport answers every request with an empty, valid response: it
// measures the SDK's own cost per call (signing, middleware, parsing), the
// floor under any in-process server.
type cannedTransport struct{}

func (cannedTransport) Do(req *http.Request) (*http.Response, error) {
	body := []byte(`{"Item":{"pk":{"S":"q"},"sk":{"N":"3"}}}`)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"},
		"X-Amz-Crc32": {strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

// BenchmarkSDKFloor is GetItem through the SDK against a canned response.
func BenchmarkSDKFloor(b *testing.B) {
	c := New().Client(func(o *dynamodb.Options) { o.HTTPClient = cannedTransport{} })
	ctx := context.Background()
	key := map[string]types.AttributeValue{"pk": s("q"), "sk": n("3")}
	measure(b, func(int) error {
		_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: key})
		return err
	})
}

// BenchmarkHandle is memdb's own share of a call: the JSON request in, the
// JSON response out, without the SDK.
func BenchmarkHandle(b *testing.B) {
	srv := New()
	newTable(b, srv.Client(), "hhh")
	put := []byte(`{"TableName":"hhh","Item":{"pk":{"S":"q"},"sk":{"N":"3"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"age":{"N":"36"},"active":{"BOOL":true},"tags":{"SS":["math","engines"]}}}`)
	srv.handle("POST", "DynamoDB_20120810.PutItem", put)
	for i := 0; i < 10; i++ {
		srv.handle("POST", "DynamoDB_20120810.PutItem", []byte(strings.Replace(strings.Replace(string(put), `"q"`, `"q10"`, 1), `"3"`, `"`+strconv.Itoa(i)+`"`, 1)))
	}
	for _, c := range []struct{ name, op, body string }{
		{"PutItem", "PutItem", string(put)},
		{"GetItem", "GetItem", `{"TableName":"hhh","Key":{"pk":{"S":"q"},"sk":{"N":"3"}}}`},
		{"Query", "Query", `{"TableName":"hhh","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"q"}}}`},
		{"Query10", "Query", `{"TableName":"hhh","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"q10"}}}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			body := []byte(c.body)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if st, out := srv.handle("POST", "DynamoDB_20120810."+c.op, body); st != 200 {
					b.Fatal(string(out))
				}
			}
		})
	}
}
