package tests

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
)

// faultRow is the model of the batch fault tests (no version field:
// BatchWriteItem cannot check one).
type faultRow struct {
	ID      string    `dynamorm:"pk"`
	Owner   string    `dynamorm:"attr:owner"`
	Created time.Time `dynamorm:"created_at"`
}

// storedRows reads every row without faults.
func storedRows(t *testing.T, e *env) map[string]faultRow {
	var rows []faultRow
	require.NoError(t, e.db.Model(&faultRow{}).ConsistentRead().Scan(&rows))
	out := make(map[string]faultRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// batchOutcomes indexes a BatchError's lists by position.
func batchOutcomes(t *testing.T, err error, kind string) (failed, unknown map[int]bool) {
	failed, unknown = map[int]bool{}, map[int]bool{}
	if err == nil {
		return
	}
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%T: %v", err, err)
	for _, f := range be.Failures {
		require.Equal(t, kind, f.Kind)
		failed[f.Index] = true
	}
	for _, f := range be.Unknown {
		require.Equal(t, kind, f.Kind)
		unknown[f.Index] = true
	}
	assert.Equal(t, len(be.Unknown) > 0, errors.Is(err, dynamorm.ErrOutcomeUnknown))
	return
}

// TestFaultsBatches writes, reads and deletes batches through every fault
// and checks the *BatchError against the table read back: items listed as
// not written are absent (their Go values restored), items not listed are
// stored, items of unknown outcome may be either; BatchGet keeps what it
// read and lists every key it did not read.
func TestFaultsBatches(t *testing.T) {
	// Unprocessed items weigh three times; a cancellation ends a whole
	// batch, so it is drawn rarely.
	kinds := []faults.Kind{faults.Error500, faults.Error500Lost, faults.Reset, faults.ResetLost, faults.Throttle,
		faults.Stall, faults.Unprocessed, faults.Unprocessed, faults.Unprocessed, faults.CancelLost}
	e, db, inj := faultEnv(t, faults.Config{Seed: 1903, Rate: 0.25, Kinds: kinds}, &faultRow{})
	var c tally
	for round := 0; round < scale(t, 24, 3); round++ {
		n := 230
		rows := make([]*faultRow, n)
		for i := range rows {
			rows[i] = &faultRow{ID: fmt.Sprintf("r%d-%03d", round, i), Owner: fmt.Sprint("round ", round)}
		}
		ctx, cancel := opCtx()
		err := db.Model(&faultRow{}).WithContext(ctx).BatchCreate(rows)
		cancel()
		failed, unknown := batchOutcomes(t, err, "put")
		stored := storedRows(t, e)
		for i, r := range rows {
			got, ok := stored[r.ID]
			switch {
			case unknown[i]:
				c.add(reportedUnknown)
			case failed[i]:
				c.add(reportedFailed)
				if ok || !r.Created.IsZero() {
					c.mismatch("BatchCreate row %s listed as not written: stored %v, Go created_at %v", r.ID, ok, r.Created)
				}
			default:
				c.add(reportedOK)
				if !ok || got.Owner != r.Owner || r.Created.IsZero() {
					c.mismatch("BatchCreate row %s not listed: stored %v (%v), Go created_at %v", r.ID, ok, got, r.Created)
				}
			}
		}
		late := map[string]bool{} // a cancelled request may still be applied after the read-back
		for i := range unknown {
			late[rows[i].ID] = true
		}
		faultBatchGet(t, db, &c, rows, stored, late)
		keys := make([]any, n)
		for i, r := range rows {
			keys[i] = r.ID
		}
		ctx, cancel = opCtx()
		err = db.Model(&faultRow{}).WithContext(ctx).BatchDelete(keys)
		cancel()
		failed, unknown = batchOutcomes(t, err, "delete")
		stored = storedRows(t, e)
		for i, r := range rows {
			_, ok := stored[r.ID]
			switch {
			case unknown[i]:
				c.add(reportedUnknown)
			case failed[i]:
				c.add(reportedFailed) // it may have been absent already
			default:
				c.add(reportedOK)
				// A put of unknown outcome may land after the delete: its
				// request was cut off in flight and the server ran it late.
				if ok && !late[r.ID] {
					c.mismatch("BatchDelete row %s not listed but still stored", r.ID)
				}
			}
		}
		// Clean up for the next round's scan.
		for id := range stored {
			require.NoError(t, e.db.Model(&faultRow{ID: id}).Delete())
		}
	}
	c.report(t, "batches", inj)
}

// faultBatchGet reads rows (and as many keys that do not exist) through the
// faults: every item returned is stored, every unread key is listed, and a
// key neither returned nor listed has no item. Rows in late had an unknown
// outcome and may have been stored since stored was read.
func faultBatchGet(t *testing.T, db *dynamorm.DB, c *tally, rows []*faultRow, stored map[string]faultRow, late map[string]bool) {
	keys := make([]any, 0, 2*len(rows))
	for _, r := range rows {
		keys = append(keys, r.ID, r.ID+"-missing")
	}
	var got []faultRow
	ctx, cancel := opCtx()
	err := db.Model(&faultRow{}).WithContext(ctx).BatchGetWithOptions(keys, &got, &core.BatchGetOptions{Parallel: true, RetryPolicy: faultRetryFor(t)})
	cancel()
	var unread map[int]bool
	if errors.Is(err, context.Canceled) && !errors.As(err, new(*dynamorm.BatchError)) {
		unread = nil // the context's own error: every key not returned is unread
	} else {
		unread, _ = batchOutcomes(t, err, "get")
	}
	returned := map[string]bool{}
	for _, r := range got {
		returned[r.ID] = true
		if s, ok := stored[r.ID]; !late[r.ID] && (!ok || s.Owner != r.Owner) {
			c.mismatch("BatchGet returned %s, which is not stored as read", r.ID)
		}
	}
	for i, k := range keys {
		id := k.(string)
		_, ok := stored[id]
		switch {
		case unread == nil && !returned[id]:
			c.add(reportedFailed)
		case unread[i]:
			c.add(reportedFailed)
			if returned[id] {
				c.mismatch("BatchGet key %s listed as unread but returned", id)
			}
		case returned[id]:
			c.add(reportedOK)
		default:
			c.add(reportedOK)
			if ok {
				c.mismatch("BatchGet key %s silently missing: neither returned nor listed, but stored", id)
			}
		}
	}
}

// TestFaultsBatchOutageIsBounded throttles every BatchWriteItem: every
// chunk is still tried, the batch-wide budget ends the retries, and every
// item is listed as not written (none is stored).
func TestFaultsBatchOutageIsBounded(t *testing.T) {
	e := newEnv(t, &faultRow{})
	c, inj := faultClient(t, e.raw, faults.Config{Seed: 1904, Rate: 1, Kinds: []faults.Kind{faults.Throttle}})
	sc := sessionFor(c, e)
	sc.BatchRetry = &core.RetryPolicy{MaxRetries: 3, InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, BackoffFactor: 2}
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	n := scale(t, 2500, 5)
	rows := make([]faultRow, n)
	for i := range rows {
		rows[i] = faultRow{ID: fmt.Sprintf("o%05d", i)}
	}
	err = db.Model(&faultRow{}).BatchCreate(rows) // 4 requests in flight
	failed, unknown := batchOutcomes(t, err, "put")
	assert.Len(t, failed, n, "every item listed as not written")
	assert.Empty(t, unknown, "a throttle is a certain answer")
	assert.Equal(t, 0, e.itemCount(t, "fault_rows"))
	chunks := int64((n + 24) / 25)
	// Each chunk is tried; the retries of all of them are bounded by the
	// budget (3 stalled retries for each of the 4 in flight, plus the
	// retries the first chunks make before the budget is spent). Each
	// request is 3 SDK attempts.
	requests := inj.Requests("BatchWriteItem")
	assert.GreaterOrEqual(t, requests, 3*chunks, "every chunk is tried")
	assert.LessOrEqual(t, requests, 3*(chunks+3*4+4*3), "the retries are bounded by the batch's budget")
	t.Logf("outage: %d items in %d chunks, %d BatchWriteItem requests (%s)", n, chunks, requests, inj.Summary())
}

// TestFaultsBatchUnprocessedAfterALostAttempt: the SDK's first attempt of a
// BatchWriteItem is applied but its connection reset, the retry's answer
// leaves items unprocessed, and the batch's retry budget ends before they
// are sent again. The first attempt may have stored them, so they are of
// unknown outcome, never listed as not written (read back without faults).
func TestFaultsBatchUnprocessedAfterALostAttempt(t *testing.T) {
	e := newEnv(t, &faultRow{})
	c, inj := faultClient(t, e.raw, faults.Config{Seed: 7})
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.ResetLost, Op: "BatchWriteItem", Nth: 1},
		faults.Rule{Kind: faults.Unprocessed, Op: "BatchWriteItem", Nth: 2}))
	sc := sessionFor(c, e)
	sc.BatchRetry = &core.RetryPolicy{MaxRetries: 0}
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	rows := make([]faultRow, 10)
	for i := range rows {
		rows[i] = faultRow{ID: fmt.Sprintf("u%02d", i)}
	}
	err = db.Model(&faultRow{}).BatchCreate(rows)
	failed, unknown := batchOutcomes(t, err, "put")
	require.NotEmpty(t, unknown, "the retry left items unprocessed (%v)", err)
	stored := storedRows(t, e)
	for i, r := range rows {
		_, ok := stored[r.ID]
		assert.False(t, failed[i] && ok, "row %s listed as not written but stored", r.ID)
	}
	assert.Empty(t, failed, "every row was sent in the first attempt, which the server applied")
	assert.Len(t, stored, len(rows))
}
