package tests

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// Fault rules as users' tests use them: dynamormtest's DB with an injector
// attached, each kind of fault on a chosen operation, table or Nth request,
// and the outcome read back (through the same DB: rules only hit the
// requests they name).

// ruleDB is a DB with inj attached and short SDK backoffs; attempts is the
// SDK's MaxAttempts (1: every injected fault reaches dynamorm).
func ruleDB(t *testing.T, attempts int, models ...any) (*dynamorm.DB, *faults.Injector) {
	t.Helper()
	inj := faults.New(faults.Config{})
	db := userDB(t, session.Config{
		MaxAttempts:   attempts,
		BatchRetry:    &core.RetryPolicy{MaxRetries: 6, InitialDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, BackoffFactor: 2},
		ClientOptions: []func(*dynamodb.Options){inj.ClientOption, faults.FastRetries},
	}, models...)
	return db, inj
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func exists(t *testing.T, db *dynamorm.DB, id string) bool {
	t.Helper()
	err := db.Model(&shopOrder{ID: id}).ConsistentRead().First(&shopOrder{})
	if errors.Is(err, dynamorm.ErrItemNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

// The 2nd PutItem is throttled, the 1st and 3rd are not.
func TestFaultRuleThrottleNthPut(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Throttle, Op: "PutItem", Nth: 2}))
	var errs []error
	for i := 1; i <= 3; i++ {
		errs = append(errs, db.Model(&shopOrder{ID: fmt.Sprint("o", i)}).Create())
	}
	require.NoError(t, errs[0])
	assert.Equal(t, "ThrottlingException", errorCode(errs[1]), "%v", errs[1])
	require.NoError(t, errs[2])
	assert.True(t, exists(t, db, "o1"))
	assert.False(t, exists(t, db, "o2"), "the throttled put wrote nothing")
	assert.True(t, exists(t, db, "o3"))
	assert.Equal(t, int64(1), inj.Count(faults.Throttle))
	assert.Equal(t, int64(3), inj.Requests("PutItem"))
}

// A rule on one table leaves the other alone; the SDK's own retries (3
// attempts) absorb two throttles, not three.
func TestFaultRuleOnOneTable(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 3, &shopOrder{}, &shopCustomer{})
	orders := dynamormtest.TableName(t, db, &shopOrder{})
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Throttle, Table: orders, Times: 2}))
	require.NoError(t, db.Model(&shopCustomer{ID: "c1"}).Create(), "another table")
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).Create(), "retried twice by the SDK")
	assert.Equal(t, int64(2), inj.Count(faults.Throttle))
	assert.Equal(t, int64(4), inj.Requests("PutItem"), "1 customer + 3 attempts for the order")

	inj.Clear()
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Throttle, Table: orders, Times: faults.Always}))
	err := db.Model(&shopOrder{ID: "o2"}).Create()
	assert.Equal(t, "ThrottlingException", errorCode(err), "%v", err)
	require.NoError(t, db.Model(&shopCustomer{ID: "c2"}).Create())
	inj.Pause()
	assert.True(t, exists(t, db, "o1"))
	assert.False(t, exists(t, db, "o2"))
}

// A 500 after the commit: the SDK retries, and dynamorm recognises its own
// versioned update (applied once) as the success it was.
func TestFaultRuleErrorAfterCommitUpdate(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 3, &shopOrder{})
	o := &shopOrder{ID: "o1", Total: 1}
	require.NoError(t, db.Model(o).Create())
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Error500Lost, Op: "UpdateItem"}))
	o.Total = 2
	require.NoError(t, db.Model(o).Update("Total"))
	assert.Equal(t, int64(1), inj.Count(faults.Error500Lost))
	assert.Equal(t, int64(2), inj.Requests("UpdateItem"), "the lost attempt and the retry")
	var got shopOrder
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).ConsistentRead().First(&got))
	assert.Equal(t, int64(2), got.Total)
	assert.Equal(t, int64(2), got.Version, "bumped once")
	assert.Equal(t, got.Version, o.Version)
}

// A reset after the commit with no retry left: the outcome is unknown, and
// the item was in fact written.
func TestFaultRuleResetAfterCommitIsUnknown(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.ResetLost, Op: "PutItem"}))
	err := db.Model(&shopOrder{ID: "o1", Total: 7}).Create()
	require.ErrorIs(t, err, dynamorm.ErrOutcomeUnknown)
	assert.True(t, exists(t, db, "o1"), "the server applied it")
}

// Unprocessed items and keys: dynamorm retries them until the batch is done.
func TestFaultRuleUnprocessedBatch(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopCustomer{})
	require.NoError(t, inj.Add(
		faults.Rule{Kind: faults.Unprocessed, Op: "BatchWriteItem", Times: 2},
		faults.Rule{Kind: faults.Unprocessed, Op: "BatchGetItem", Times: 2},
	))
	rows := make([]shopCustomer, 30)
	keys := make([]any, len(rows))
	for i := range rows {
		rows[i] = shopCustomer{ID: fmt.Sprintf("c%02d", i), Orders: int64(i)}
		keys[i] = &shopCustomer{ID: rows[i].ID}
	}
	require.NoError(t, db.Model(&shopCustomer{}).BatchCreate(rows))
	assert.Equal(t, int64(2), inj.Count(faults.Unprocessed))
	assert.GreaterOrEqual(t, inj.Requests("BatchWriteItem"), int64(3), "the kept-back items were resent")
	var got []shopCustomer
	require.NoError(t, db.Model(&shopCustomer{}).BatchGet(keys, &got))
	assert.Len(t, got, 30)
	assert.Equal(t, int64(4), inj.Count(faults.Unprocessed))
	inj.Pause()
	var all []shopCustomer
	require.NoError(t, db.Model(&shopCustomer{}).ConsistentRead().Scan(&all))
	require.Len(t, all, 30, "every item stored")
	for _, c := range all {
		assert.Equal(t, c.ID, fmt.Sprintf("c%02d", c.Orders))
	}
}

// A transaction conflict on the first commit is retried; one on every
// commit fails the transaction, which writes nothing.
func TestFaultRuleTransactionConflict(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{}, &shopCustomer{})
	svc := shop{db}
	require.NoError(t, db.Model(&shopCustomer{ID: "c1"}).Create())
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Conflict, Op: "TransactWriteItems"}))
	require.NoError(t, svc.place(context.Background(), &shopOrder{ID: "o1", Customer: "c1"}))
	assert.Equal(t, int64(1), inj.Count(faults.Conflict))
	assert.True(t, exists(t, db, "o1"))

	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Conflict, Op: "TransactWriteItems", Times: faults.Always}))
	err := svc.place(context.Background(), &shopOrder{ID: "o2", Customer: "c1"})
	require.ErrorIs(t, err, dynamorm.ErrTransactionFailed)
	assert.False(t, exists(t, db, "o2"))
	var c shopCustomer
	require.NoError(t, db.Model(&shopCustomer{ID: "c1"}).ConsistentRead().First(&c))
	assert.Equal(t, int64(1), c.Orders, "only the first order counted")
}

// Latency on the 1st GetItem: it takes the delay, and a deadline shorter
// than the delay ends it.
func TestFaultRuleLatency(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).Create())
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Stall, Op: "GetItem", Times: 1, Delay: 80 * time.Millisecond}))
	start := time.Now()
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).First(&shopOrder{}))
	assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
	// A stall far longer than the caller's deadline ends with the deadline.
	// The deadline leaves the request ample time to reach the stall on a
	// loaded machine (with 10 ms it sometimes expired before).
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Stall, Op: "GetItem", Times: 1, Delay: time.Minute}))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	err := db.WithContext(ctx).Model(&shopOrder{ID: "o1"}).First(&shopOrder{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 30*time.Second, "the stall ends with the caller's deadline")
	assert.Equal(t, int64(2), inj.Count(faults.Stall))
}

// A cancellation while the delete is in flight, before it is sent: the
// caller's context is cancelled and the item stays.
func TestFaultRuleCancel(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).Create())
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Cancel, Op: "DeleteItem"}))
	ctx, cancel := faults.WithCancel(context.Background())
	defer cancel()
	err := db.WithContext(ctx).Model(&shopOrder{ID: "o1"}).Delete()
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, exists(t, db, "o1"))
}

// A 500 before the server saw a Query fails it (no retry left), the next
// Query is answered.
func TestFaultRuleError500Query(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	require.NoError(t, db.Model(&shopOrder{ID: "o1", Customer: "c1"}).Create())
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Error500, Op: "Query"}))
	var got []shopOrder
	err := db.Model(&shopOrder{}).Where("Customer", "=", "c1").All(&got)
	assert.Equal(t, "InternalServerError", errorCode(err), "%v", err)
	require.NoError(t, db.Model(&shopOrder{}).Where("Customer", "=", "c1").All(&got))
	assert.Len(t, got, 1)
}

// Rules that can never fire are refused, and none of the rules given is added.
func TestFaultRuleValidation(t *testing.T) {
	t.Parallel()
	db, inj := ruleDB(t, 1, &shopOrder{})
	for _, r := range []faults.Rule{
		{Kind: faults.Unprocessed, Op: "PutItem"},
		{Kind: faults.Conflict, Op: "GetItem"},
		{Kind: faults.Throttle, Op: "CreateTable"},
		{Kind: faults.None},
		{Kind: faults.Throttle, Nth: -1},
		{Kind: faults.Throttle, Times: -2},
	} {
		assert.Error(t, inj.Add(faults.Rule{Kind: faults.Throttle}, r), "%+v", r)
	}
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).Create(), "no rule was added")
	assert.Zero(t, inj.Injected())
}
