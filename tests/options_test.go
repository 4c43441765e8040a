package tests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// throttlingClient refuses the first n UpdateItem calls of every key with
// ProvisionedThroughputExceededException, as DynamoDB does once the SDK's
// own retries are spent.
type throttlingClient struct {
	core.DynamoDBAPI
	n      int
	mu     sync.Mutex
	throws map[string]int
}

func (c *throttlingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	key := fmt.Sprint(in.Key["Sensor"], in.Key["Seq"])
	c.mu.Lock()
	throttle := c.throws[key] < c.n
	if throttle {
		c.throws[key]++
	}
	c.mu.Unlock()
	if throttle {
		return nil, &types.ProvisionedThroughputExceededException{Message: aws.String("throttled (test double)")}
	}
	return c.DynamoDBAPI.UpdateItem(ctx, in, o...)
}

func TestBatchUpdateRetriesThrottledUpdates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	items := readings(2, 5)
	require.NoError(t, e.db.Model(&Reading{}).AllowOverwrite().BatchCreate(items))
	c := &throttlingClient{DynamoDBAPI: e.db.Client(), n: 2, throws: map[string]int{}}
	db, err := dynamorm.New(sessionFor(c, e))
	require.NoError(t, err)
	fast := &core.RetryPolicy{MaxRetries: 3, InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, BackoffFactor: 2}

	ups := make([]any, len(items))
	for i := range items {
		items[i].Note = "retried"
		ups[i] = &items[i]
	}
	require.NoError(t, db.Model(&Reading{}).BatchUpdateWithOptions(ups, []string{"Note"}, core.WithBatchRetry(fast)))
	for i := range items {
		var got Reading
		require.NoError(t, e.db.Model(&Reading{Sensor: items[i].Sensor, Seq: items[i].Seq}).First(&got))
		assert.Equal(t, "retried", got.Note)
		assert.Equal(t, int64(2), got.Version, "written once, after the throttles")
		assert.Equal(t, int64(2), items[i].Version, "the Go value matches the stored one")
	}

	// With no retries allowed, every update fails, is listed, and changes
	// neither the table nor the Go value.
	c.throws = map[string]int{}
	for i := range items {
		items[i].Note = "not written"
	}
	err = db.Model(&Reading{}).BatchUpdateWithOptions(ups, []string{"Note"}, core.WithBatchRetry(&core.RetryPolicy{MaxRetries: 0}))
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%v", err)
	assert.Len(t, be.Failures, len(items))
	var pte *types.ProvisionedThroughputExceededException
	assert.True(t, errors.As(err, &pte))
	for i := range items {
		assert.Equal(t, int64(2), items[i].Version)
		var got Reading
		require.NoError(t, e.db.Model(&Reading{Sensor: items[i].Sensor, Seq: items[i].Seq}).First(&got))
		assert.Equal(t, "retried", got.Note)
	}
}

func TestTableOptionsNameBillingProtection(t *testing.T) {
	t.Parallel()
	db, raw, prefix := newBareDB(t)
	name := prefix + "custom_events"
	require.NoError(t, db.CreateTable(&Event{}, core.WithTableName(name), core.WithOnDemand(), core.WithDeletionProtection()))
	t.Cleanup(func() {
		_, _ = raw.UpdateTable(context.Background(), &dynamodb.UpdateTableInput{TableName: aws.String(name), DeletionProtectionEnabled: aws.Bool(false)})
		_, _ = raw.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	out, err := raw.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	require.NoError(t, err)
	assert.Equal(t, types.BillingModePayPerRequest, out.Table.BillingModeSummary.BillingMode)
	assert.True(t, aws.ToBool(out.Table.DeletionProtectionEnabled))
	// The model's own table was not created: the option named another.
	_, err = db.DescribeTable(&Event{})
	require.ErrorIs(t, err, dynamorm.ErrTableNotFound)
	_, err = raw.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	require.Error(t, err, "deletion protection must refuse the delete")
}

func TestConditionExprInTransactions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Balance: 100}).Create())
	check := func(min int) error {
		return e.db.Transact().
			Create(&Account{ID: fmt.Sprintf("new-%d", min)}).
			ConditionCheck(&Account{ID: "a1"}, core.ConditionExpr("#Balance >= :min", map[string]any{"min": min})).
			Execute()
	}
	require.ErrorIs(t, check(500), dynamorm.ErrConditionFailed)
	require.NoError(t, check(50))
	var got Account
	require.ErrorIs(t, e.db.Model(&Account{ID: "new-500"}).First(&got), dynamorm.ErrItemNotFound)
	require.NoError(t, e.db.Model(&Account{ID: "new-50"}).First(&got))
}
