package tests

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Both "v" and ":v" name the placeholder :v: the condition is refused as
// ambiguous before anything is sent (it used to pick one at random).
func TestConditionExpressionRefusesAmbiguousValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &faultItem{})
	before := e.count.writes.Load()
	err := e.db.Model(&faultItem{ID: "a"}).WithConditionExpression("attribute_not_exists(#ID) OR #count < :v",
		map[string]any{"v": 1, ":v": 2}).Create()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), ":v")
	assert.Equal(t, before, e.count.writes.Load(), "nothing sent")
	_, stored := storedFault(t, e, "a")
	assert.False(t, stored)
	// In a transaction too.
	err = e.db.Transact().Create(&faultItem{ID: "b"}, core.TransactCondition{Kind: core.ConditionExpression,
		Expression: "attribute_not_exists(#ID) OR #count < :v", Values: map[string]any{"v": 1, ":v": 2}}).Execute()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Equal(t, before, e.count.writes.Load(), "nothing sent")
}

// Terminals run concurrently on one query value (and copies made of it
// meanwhile) share its capacity total without a data race (run with -race).
func TestConcurrentTerminalsOnOneQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &faultRow{})
	require.NoError(t, e.db.Model(&faultRow{ID: "a", Owner: "o"}).Create())
	one := e.db.Model(&faultRow{}).Where("ID", "=", "a")
	var r faultRow
	require.NoError(t, one.First(&r))
	unit := one.ConsumedCapacity().ReadUnits
	require.Positive(t, unit)

	q := e.db.Model(&faultRow{}).Where("ID", "=", "a")
	const n = 16
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got faultRow
			assert.NoError(t, q.First(&got))
			assert.Equal(t, "o", got.Owner)
			_ = q.ConsumedCapacity()
			var more []faultRow
			assert.NoError(t, q.Filter("Owner", "=", "o").All(&more)) // a copy, with its own total
			assert.Len(t, more, 1)
		}()
	}
	wg.Wait()
	assert.InDelta(t, n*unit, q.ConsumedCapacity().ReadUnits, 1e-9, "every First counted once, the copies' reads not")
}

// LifeStamps are lifecycle fields behind an embedded pointer.
type LifeStamps struct {
	Created time.Time `dynamorm:"created_at"`
	Updated time.Time `dynamorm:"updated_at"`
	Version int64     `dynamorm:"version"`
}

type stampedDoc struct {
	ID string `dynamorm:"pk"`
	*LifeStamps
}

// A write that fails leaves a nil embedded pointer nil (its fields were
// set on a struct allocated for them; restoring them is not enough).
func TestFailedWriteLeavesNilEmbeddedPointersNil(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &stampedDoc{})
	first := &stampedDoc{ID: "a"}
	require.NoError(t, e.db.Model(first).Create())
	require.NotNil(t, first.LifeStamps, "a successful write keeps what it set")
	assert.Equal(t, int64(1), first.Version)

	dup := &stampedDoc{ID: "a"}
	require.ErrorIs(t, e.db.Model(dup).Create(), dynamorm.ErrConditionFailed)
	assert.Nil(t, dup.LifeStamps, "the failed Create left the embedded pointer as it was")

	missing := &stampedDoc{ID: "missing"}
	require.ErrorIs(t, e.db.Model(missing).Update(), dynamorm.ErrItemNotFound)
	assert.Nil(t, missing.LifeStamps, "the failed Update left the embedded pointer as it was")
}

// inFlightScans counts the Scan requests in flight and the most seen at once.
type inFlightScans struct {
	core.DynamoDBAPI
	now, most atomic.Int64
}

func (c *inFlightScans) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for m := c.most.Load(); n > m && !c.most.CompareAndSwap(m, n); m = c.most.Load() {
	}
	return c.DynamoDBAPI.Scan(ctx, in, o...)
}

// ScanAllSegments with many segments scans at most 16 at once and reads
// every item.
func TestScanAllSegmentsBoundsItsConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &faultRow{})
	rows := make([]faultRow, 60)
	for i := range rows {
		rows[i] = faultRow{ID: string(rune('a'+i%26)) + string(rune('a'+i/26))}
	}
	require.NoError(t, e.db.Model(&faultRow{}).BatchCreate(rows))
	c := &inFlightScans{DynamoDBAPI: e.raw}
	db, err := dynamorm.New(sessionFor(c, e))
	require.NoError(t, err)
	segments := int32(scale(t, 2000, 10))
	var got []faultRow
	require.NoError(t, db.Model(&faultRow{}).ScanAllSegments(&got, segments))
	assert.Len(t, got, len(rows))
	assert.LessOrEqual(t, c.most.Load(), int64(16), "segments in flight")
	assert.Positive(t, c.most.Load())
}
