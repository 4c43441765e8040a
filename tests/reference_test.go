package tests

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// The models and snippets of the reference README, as written there.

type User struct {
	ID        string    `dynamorm:"pk" json:"id"`
	Email     string    `dynamorm:"sk" json:"email"`
	Name      string    `json:"name"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

type StatusPayment struct {
	ID        string    `dynamorm:"pk" json:"id"`
	Timestamp string    `dynamorm:"sk" json:"timestamp"`
	Status    string    `dynamorm:"index:status-index,pk" json:"status"`
	CreatedAt time.Time `dynamorm:"index:status-index,sk" json:"created_at"`
	Amount    int64     `json:"amount"`
}

func TestReferenceQuickStartAndTroubleshooting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	db := e.db

	// Troubleshooting, option 1: create the table from the model.
	err := db.CreateTable(&User{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.DeleteTable(&User{}) })
	require.NoError(t, db.CreateTable(&StatusPayment{}))
	t.Cleanup(func() { _ = db.DeleteTable(&StatusPayment{}) })

	// Quick Start.
	user := &User{ID: "user123", Email: "john@example.com", Name: "John Doe"}
	if err := db.Model(user).Create(); err != nil {
		t.Fatalf("Create failed: %v", err)
	}
	var users []User
	err = db.Model(&User{}).Where("ID", "=", "user123").All(&users)
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.Equal(t, "John Doe", users[0].Name)
	assert.Equal(t, "john@example.com", users[0].Email)

	// Troubleshooting: "Use explicit index selection and proper key conditions".
	now := e.clock.Now()
	yesterday := now.Add(-24 * time.Hour)
	seed(t, e, []StatusPayment{
		{ID: "p1", Timestamp: "1", Status: "pending", CreatedAt: now, Amount: 1},
		{ID: "p2", Timestamp: "1", Status: "pending", CreatedAt: now.Add(-48 * time.Hour), Amount: 2},
		{ID: "p3", Timestamp: "1", Status: "paid", CreatedAt: now, Amount: 3},
	})
	var payments []StatusPayment
	q := db.Model(&StatusPayment{}).
		Index("status-index").
		Where("Status", "=", "pending").
		Where("CreatedAt", ">", yesterday)
	err = q.All(&payments)
	require.NoError(t, err)
	require.Len(t, payments, 1)
	assert.Equal(t, "p1", payments[0].ID)
	ex, err := q.Explain()
	require.NoError(t, err)
	assert.Equal(t, "Query", ex.Operation, "the troubleshooting query must be a Query, not a Scan")
	assert.Contains(t, ex.KeyCondition, ">")
}

// recordingClient sums the capacity DynamoDB reported, independently of
// dynamorm's own accounting.
type recordingClient struct {
	core.DynamoDBAPI
	mu          sync.Mutex
	read, write float64
}

func (c *recordingClient) add(write bool, cc *types.ConsumedCapacity) {
	if cc == nil || cc.CapacityUnits == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if write {
		c.write += *cc.CapacityUnits
	} else {
		c.read += *cc.CapacityUnits
	}
}

func (c *recordingClient) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := c.DynamoDBAPI.PutItem(ctx, in, o...)
	if out != nil {
		c.add(true, out.ConsumedCapacity)
	}
	return out, err
}

func (c *recordingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	out, err := c.DynamoDBAPI.UpdateItem(ctx, in, o...)
	if out != nil {
		c.add(true, out.ConsumedCapacity)
	}
	return out, err
}

func (c *recordingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.DynamoDBAPI.GetItem(ctx, in, o...)
	if out != nil {
		c.add(false, out.ConsumedCapacity)
	}
	return out, err
}

func (c *recordingClient) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.DynamoDBAPI.Query(ctx, in, o...)
	if out != nil {
		c.add(false, out.ConsumedCapacity)
	}
	return out, err
}

func TestConsumedCapacityTotals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	rec := &recordingClient{DynamoDBAPI: e.db.Client()}
	db, err := dynamorm.New(sessionFor(rec, e))
	require.NoError(t, err)

	collector := &core.CapacityCollector{}
	cdb := db.WithCapacityCollector(collector)
	ctxCollector := &core.CapacityCollector{}
	ctx := dynamorm.WithCapacityCollector(context.Background(), ctxCollector)

	for i := 0; i < 5; i++ {
		p := &Payment{ID: "p", Timestamp: time.Duration(i).String(), Amount: int64(i), Memo: string(make([]byte, 3000))}
		require.NoError(t, cdb.Model(p).WithContext(ctx).Create())
		p.Amount++
		require.NoError(t, cdb.Model(p).Update("Amount"))
	}
	q := cdb.Model(&Payment{}).Where("ID", "=", "p")
	var out []Payment
	require.NoError(t, q.All(&out))
	var one Payment
	require.NoError(t, cdb.Model(&Payment{ID: "p", Timestamp: "0s"}).ConsistentRead().First(&one))

	total := collector.Total()
	assert.Greater(t, rec.write, 0.0)
	assert.Greater(t, rec.read, 0.0)
	assert.InDelta(t, rec.write, total.WriteUnits, 1e-9, "write units differ from DynamoDB's reports")
	assert.InDelta(t, rec.read, total.ReadUnits, 1e-9, "read units differ from DynamoDB's reports")
	assert.Equal(t, 12, total.Requests)
	// Per table and per index: together they make the total.
	sum := total.Tables[e.prefix+"payments"].ReadUnits + total.Tables[e.prefix+"payments"].WriteUnits
	for name, c := range total.Indexes {
		assert.Contains(t, name, e.prefix+"payments/")
		sum += c.ReadUnits + c.WriteUnits
	}
	assert.NotEmpty(t, total.Indexes, "writes to a table with a GSI report index capacity")
	assert.InDelta(t, rec.write+rec.read, sum, 1e-9)
	// The query's own total is part of it; the context collector saw the 5 creates.
	assert.Greater(t, q.ConsumedCapacity().ReadUnits, 0.0)
	assert.LessOrEqual(t, q.ConsumedCapacity().ReadUnits, total.ReadUnits)
	assert.Equal(t, 5, ctxCollector.Total().Requests)
	assert.Greater(t, ctxCollector.Total().WriteUnits, 0.0)
}
