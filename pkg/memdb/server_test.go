package memdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func newTable(t testing.TB, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestClientWaitersAndTypedErrors(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	newTable(t, c, "things")
	if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("things")}, time.Second); err != nil {
		t.Fatal(err)
	}
	item := map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("things"), Item: item}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("things"), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("want ConditionalCheckFailedException, got %v", err)
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("things")}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableNotExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("things")}, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestOutOfScopeSaysSo(t *testing.T) {
	ctx := context.Background()
	srv := New()
	c := srv.Client()
	newTable(t, c, "things")
	check := func(err error) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || !strings.Contains(ae.ErrorMessage(), "out of scope") {
			t.Errorf("want out-of-scope ValidationException, got %v", err)
		}
	}
	_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT COUNT(*) FROM things")})
	check(err)
	_, err = c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("things"), BackupName: aws.String("b")})
	check(err)
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("things"), KeyConditions: map[string]types.Condition{
		"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}}}})
	check(err)
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("things"), Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")},
		Expected: map[string]types.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}})
	check(err)
}

func TestHandlerProtocol(t *testing.T) {
	srv := New()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	req, _ := http.NewRequest("POST", hs.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("X-Amz-Crc32") == "" {
		t.Fatalf("status %d, crc %q", resp.StatusCode, resp.Header.Get("X-Amz-Crc32"))
	}
}

// TestConcurrentUse runs writers, counters, readers and transactions at once
// (run with -race): counters must be exact and transactions atomic.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	newTable(t, c, "conc")
	const workers, rounds = 8, 40
	key := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": s(pk), "sk": n(sk)}
	}
	for _, k := range []string{"1", "2"} {
		c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("conc"), Item: map[string]types.AttributeValue{"pk": s("acct"), "sk": n(k), "bal": n("100")}})
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*4)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("conc"), Item: key(fmt.Sprint("w", w), fmt.Sprint(i))}); err != nil {
					errs <- err
				}
				if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("conc"), Key: key("ctr", "0"),
					UpdateExpression: aws.String("ADD n :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}}); err != nil {
					errs <- err
				}
				from, to := "1", "2"
				if i%2 == 1 {
					from, to = to, from
				}
				_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					{Update: &types.Update{TableName: aws.String("conc"), Key: key("acct", from), UpdateExpression: aws.String("SET bal = bal - :x"),
						ConditionExpression: aws.String("bal >= :x"), ExpressionAttributeValues: map[string]types.AttributeValue{":x": n("7")}}},
					{Update: &types.Update{TableName: aws.String("conc"), Key: key("acct", to), UpdateExpression: aws.String("SET bal = bal + :x"),
						ExpressionAttributeValues: map[string]types.AttributeValue{":x": n("7")}}},
				}})
				var tc *types.TransactionCanceledException
				if err != nil && !errors.As(err, &tc) {
					errs <- err
				}
				out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("conc"), KeyConditionExpression: aws.String("pk = :p"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("acct")}, ConsistentRead: aws.Bool(true)})
				if err != nil {
					errs <- err
					continue
				}
				sum := 0
				for _, it := range out.Items {
					var v int
					fmt.Sscan(it["bal"].(*types.AttributeValueMemberN).Value, &v)
					sum += v
				}
				if sum != 200 {
					errs <- fmt.Errorf("transaction not atomic: balances sum to %d", sum)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("conc"), Key: key("ctr", "0")})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Item["n"].(*types.AttributeValueMemberN).Value; got != fmt.Sprint(workers*rounds) {
		t.Fatalf("counter %s, want %d", got, workers*rounds)
	}
	scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("conc"), Select: types.SelectCount})
	if err != nil {
		t.Fatal(err)
	}
	if want := int32(workers*rounds + 3); scan.Count != want {
		t.Fatalf("scan count %d, want %d", scan.Count, want)
	}
}

func TestRequestBodiesOver16MiBAreRefused(t *testing.T) {
	srv := New()
	defer srv.Close()
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	ctx := context.Background()
	newTable(t, c, "big")
	item := func(n int) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: "1"},
			"b": &types.AttributeValueMemberS{Value: strings.Repeat("x", n)}}
	}
	// Over 16 MiB: refused with 413 before it is read, as DynamoDB Local does.
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("big"), Item: item(17 << 20)})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 413 {
		t.Fatalf("17 MiB request: err = %v, want an HTTP 413", err)
	}
	// Under it: read, and refused for the item's size (400 KB), with DynamoDB's message.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("big"), Item: item(15 << 20)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorMessage() != "Item size has exceeded the maximum allowed size" {
		t.Fatalf("15 MiB request: err = %v, want the item size ValidationException", err)
	}
	// Over HTTP too (cmd/memdb serves ServeHTTP).
	hs := httptest.NewServer(srv)
	defer hs.Close()
	resp, err := http.Post(hs.URL, "application/x-amz-json-1.0", bytes.NewReader(make([]byte, 17<<20)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("HTTP 17 MiB request: status %d, want 413", resp.StatusCode)
	}
}

// countingHTTP counts the requests a client sends, retries included.
type countingHTTP struct {
	next dynamodb.HTTPClient
	n    *atomic.Int64
}

func (c countingHTTP) Do(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(req)
}

// A request after Close fails at once with ErrClosed, sent once: a 500
// would be retried by the SDK with seconds of backoff.
func TestRequestsAfterCloseFailWithoutRetries(t *testing.T) {
	srv := New()
	var sent atomic.Int64
	c := srv.Client(func(o *dynamodb.Options) { o.HTTPClient = countingHTTP{o.HTTPClient, &sent} })
	newTable(t, c, "closing")
	srv.Close()
	sent.Store(0)
	_, err := c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("closing")})
	require.ErrorIs(t, err, ErrClosed)
	var nf *types.ResourceNotFoundException
	assert.False(t, errors.As(err, &nf), "a closed server is not a missing table")
	assert.Equal(t, int64(1), sent.Load(), "sent once, not retried")
}
