package tests

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// countingClient wraps the real client and counts the requests sent, so
// tests can prove that rejected input sent nothing.
type countingClient struct {
	core.DynamoDBAPI
	writes atomic.Int64
	reads  atomic.Int64
	batch  atomic.Int64 // BatchWriteItem and TransactGetItems (in neither count above)
}

// sent is the number of item requests sent so far, of every kind.
func (c *countingClient) sent() int64 { return c.writes.Load() + c.reads.Load() + c.batch.Load() }

func (c *countingClient) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.batch.Add(1)
	return c.DynamoDBAPI.BatchWriteItem(ctx, in, o...)
}

func (c *countingClient) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	c.batch.Add(1)
	return c.DynamoDBAPI.TransactGetItems(ctx, in, o...)
}

func (c *countingClient) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.writes.Add(1)
	return c.DynamoDBAPI.PutItem(ctx, in, o...)
}

func (c *countingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.writes.Add(1)
	return c.DynamoDBAPI.UpdateItem(ctx, in, o...)
}

func (c *countingClient) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.writes.Add(1)
	return c.DynamoDBAPI.DeleteItem(ctx, in, o...)
}

func (c *countingClient) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.writes.Add(1)
	return c.DynamoDBAPI.TransactWriteItems(ctx, in, o...)
}

func (c *countingClient) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.reads.Add(1)
	return c.DynamoDBAPI.Query(ctx, in, o...)
}

func (c *countingClient) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.reads.Add(1)
	return c.DynamoDBAPI.Scan(ctx, in, o...)
}

func (c *countingClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.reads.Add(1)
	return c.DynamoDBAPI.BatchGetItem(ctx, in, o...)
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.reads.Add(1)
	return c.DynamoDBAPI.GetItem(ctx, in, o...)
}

// clock is a settable clock for lifecycle tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is one test's database: a DB with a unique table prefix, its
// counting client, its clock, and the raw client for reading back.
type env struct {
	db     *dynamorm.DB
	raw    *dynamodb.Client
	count  *countingClient
	clock  *clock
	prefix string
}

// newEnv creates the tables of models under a prefix unique to the test and
// deletes them when the test ends.
func newEnv(t *testing.T, models ...any) *env {
	t.Helper()
	raw := testenv.Client(t)
	e := &env{raw: raw, count: &countingClient{DynamoDBAPI: raw},
		clock: &clock{now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}, prefix: testenv.TableName(t, "t") + "_"}
	db, err := dynamorm.New(session.Config{Client: e.count, Clock: e.clock.Now, TableNamePrefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	testenv.CreateTables(t, db, models...)
	return e
}

// rawItem reads an item with the SDK, consistently.
func (e *env) rawItem(t *testing.T, table string, key map[string]types.AttributeValue) map[string]types.AttributeValue {
	t.Helper()
	return testenv.RawItem(t, e.raw, e.prefix+table, key)
}

// itemCount scans a table and counts its items.
func (e *env) itemCount(t *testing.T, table string) int {
	t.Helper()
	n := 0
	p := dynamodb.NewScanPaginator(e.raw, &dynamodb.ScanInput{TableName: aws.String(e.prefix + table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Items)
	}
	return n
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// sessionFor configures a DB on client with e's clock and table prefix.
func sessionFor(client core.DynamoDBAPI, e *env) session.Config {
	return session.Config{Client: client, Clock: e.clock.Now, TableNamePrefix: e.prefix}
}
