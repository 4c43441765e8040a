package tests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
)

// recorder is an Observer that keeps every event, from any goroutine.
type recorder struct {
	mu     sync.Mutex
	events []dynamorm.Event
}

func (r *recorder) Observe(ctx context.Context, e dynamorm.Event) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return ctx
}

// all returns the events recorded so far, in order.
func (r *recorder) all() []dynamorm.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]dynamorm.Event(nil), r.events...)
}

// of returns the events of kind k.
func of(events []dynamorm.Event, k dynamorm.EventKind) []dynamorm.Event {
	var out []dynamorm.Event
	for _, e := range events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// checkOneCall checks that events are exactly one call of op: a start
// first, an end last, every event in between carrying its id and op.
func checkOneCall(t *testing.T, events []dynamorm.Event, op string) (start, end dynamorm.Event) {
	t.Helper()
	require.GreaterOrEqual(t, len(events), 2)
	start, end = events[0], events[len(events)-1]
	require.Equal(t, dynamorm.EventCallStart, start.Kind)
	require.Equal(t, dynamorm.EventCallEnd, end.Kind)
	require.NotZero(t, start.Call)
	for i, e := range events {
		assert.Equal(t, start.Call, e.Call, "event %d (%s)", i, e.Kind)
		assert.Equal(t, op, e.Op, "event %d (%s)", i, e.Kind)
	}
	return start, end
}

// TestObserverSeesEveryRequestRetryAndSleepOfABatch writes and reads a
// batch through injected unprocessed items and keys and checks that the
// observer saw every request the injector received, every retry with its
// sleep, and every chunk, and that what the requests report adds up to
// what the table holds.
func TestObserverSeesEveryRequestRetryAndSleepOfABatch(t *testing.T) {
	e, db, inj := faultEnv(t, faults.Config{Seed: 2001, Rate: 0.5, Kinds: []faults.Kind{faults.Unprocessed}}, &faultRow{})
	rec := &recorder{}
	odb := db.WithObserver(rec)
	const n = 130 // 6 chunks of 25 and less for writes, 2 of 100 and less for reads
	rows := make([]faultRow, n)
	keys := make([]any, n)
	for i := range rows {
		rows[i] = faultRow{ID: fmt.Sprintf("r%03d", i), Owner: "o"}
		keys[i] = rows[i].ID
	}
	require.NoError(t, odb.Model(&faultRow{}).BatchCreate(rows))
	writes := rec.all()
	checkBatchEvents(t, writes, "BatchCreate", "BatchWriteItem", "unprocessed items", n, 6)
	assert.Equal(t, inj.Requests("BatchWriteItem"), int64(len(of(writes, dynamorm.EventRequest))),
		"the observer saw as many BatchWriteItem requests as reached the server")
	assert.Len(t, storedRows(t, e), n)

	rec.mu.Lock()
	rec.events = nil
	rec.mu.Unlock()
	var got []faultRow
	require.NoError(t, odb.Model(&faultRow{}).BatchGet(keys, &got))
	require.Len(t, got, n)
	reads := rec.all()
	checkBatchEvents(t, reads, "BatchGet", "BatchGetItem", "unprocessed keys", n, 2)
	assert.Equal(t, inj.Requests("BatchGetItem"), int64(len(of(reads, dynamorm.EventRequest))))
	assert.NotZero(t, inj.Count(faults.Unprocessed))
}

// checkBatchEvents checks the events of one batch call of n items in
// chunks: every request is operation, the items its responses processed
// add up to n, every unprocessed item is retried after a sleep and sent
// again, and the chunks report everything done.
func checkBatchEvents(t *testing.T, events []dynamorm.Event, op, operation, reason string, n, chunks int) {
	t.Helper()
	_, end := checkOneCall(t, events, op)
	require.NoError(t, end.Err)
	requests, retries := of(events, dynamorm.EventRequest), of(events, dynamorm.EventRetry)
	processed, unprocessed, firsts := 0, 0, 0
	for _, r := range requests {
		require.Equal(t, operation, r.Operation)
		require.NoError(t, r.Err)
		assert.Equal(t, "fault_rows", r.Table[len(r.Table)-len("fault_rows"):], "table %s", r.Table)
		assert.Positive(t, r.Latency)
		if r.Items > r.Unprocessed { // the injector may keep a whole request back
			assert.NotEmpty(t, r.Consumed, "consumed capacity reported")
		}
		if operation == "BatchWriteItem" {
			processed += r.Items - r.Unprocessed // written
		} else {
			processed += r.Items // read
		}
		unprocessed += r.Unprocessed
		if r.Attempt == 1 {
			firsts++
		}
	}
	assert.Equal(t, n, processed, "items processed by the requests")
	assert.Equal(t, chunks, firsts, "one first attempt per chunk")
	require.NotEmpty(t, retries, "unprocessed work was injected")
	assert.Equal(t, len(requests)-chunks, len(retries), "every request after a chunk's first follows a retry")
	retried := 0
	for _, r := range retries {
		assert.Equal(t, reason, r.Reason)
		assert.Positive(t, r.Delay, "a backoff sleep")
		assert.GreaterOrEqual(t, r.Attempt, 1)
		retried += r.Items
	}
	assert.Equal(t, unprocessed, retried, "every unprocessed item or key is sent again")
	done := of(events, dynamorm.EventBatchChunk)
	require.Len(t, done, chunks)
	total := 0
	for _, c := range done {
		assert.Zero(t, c.Failed+c.Unknown)
		assert.NoError(t, c.Err)
		total += c.Items
	}
	assert.Equal(t, n, total)
}

// TestObserverSeesRetriesRunOutAndTheBatchError: when every request leaves
// work unprocessed, the retries run out; the chunks report what was not
// written and the call ends with the *BatchError.
func TestObserverSeesRetriesRunOutAndTheBatchError(t *testing.T) {
	e, db, _ := faultEnv(t, faults.Config{Seed: 2002, Rate: 1, Kinds: []faults.Kind{faults.Unprocessed}}, &faultRow{})
	rec := &recorder{}
	rows := []faultRow{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	err := db.WithObserver(rec).Model(&faultRow{}).BatchCreate(rows)
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%v", err)
	events := rec.all()
	_, end := checkOneCall(t, events, "BatchCreate")
	assert.Same(t, err, end.Err)
	chunk := of(events, dynamorm.EventBatchChunk)
	require.Len(t, chunk, 1)
	assert.Equal(t, len(be.Failures), chunk[0].Failed)
	assert.Equal(t, 3-len(be.Failures), len(storedRows(t, e)), "the chunk's count of items not written matches the table")
	retries := of(events, dynamorm.EventRetry)
	assert.Len(t, of(events, dynamorm.EventRequest), len(retries)+1)
}

// TestObserverSeesTransactionCancellations: a transaction cancelled by a
// condition reports its reasons and ends with the *TransactionError; one
// cancelled by conflicts is retried, each retry after a sleep.
func TestObserverSeesTransactionCancellations(t *testing.T) {
	e := newEnv(t, &faultRow{})
	rec := &recorder{}
	odb := e.db.WithObserver(rec)
	require.NoError(t, e.db.Model(&faultRow{ID: "taken"}).Create())
	err := odb.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(&faultRow{ID: "new"}).Create(); err != nil {
			return err
		}
		return tx.Model(&faultRow{ID: "taken"}).Create()
	})
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	events := rec.all()
	_, end := checkOneCall(t, events, "Transaction")
	assert.Same(t, err, end.Err)
	canceled := of(events, dynamorm.EventTransactionCanceled)
	require.Len(t, canceled, 1)
	require.Len(t, canceled[0].Reasons, 2)
	assert.Equal(t, "None", canceled[0].Reasons[0])
	assert.Contains(t, canceled[0].Reasons[1], "ConditionalCheckFailed")
	var tce *types.TransactionCanceledException
	assert.True(t, errors.As(canceled[0].Err, &tce))
	req := of(events, dynamorm.EventRequest)
	require.Len(t, req, 1)
	assert.Equal(t, "TransactWriteItems", req[0].Operation)
	assert.Equal(t, 2, req[0].Items)
	assert.Error(t, req[0].Err)
	assert.Empty(t, of(events, dynamorm.EventRetry), "a failed condition is not retried")
	_, found := storedRows(t, e)["new"]
	assert.False(t, found, "nothing of the cancelled transaction was written")

	// Conflicts on every attempt: retried until the policy runs out.
	_, cdb, inj := faultEnv(t, faults.Config{Seed: 2003, Rate: 1, Kinds: []faults.Kind{faults.Conflict}})
	rec = &recorder{}
	err = cdb.WithObserver(rec).Transaction(func(tx *dynamorm.Tx) error {
		return tx.Model(&faultRow{ID: "x"}).Create()
	})
	require.Error(t, err)
	events = rec.all()
	checkOneCall(t, events, "Transaction")
	requests, retries := of(events, dynamorm.EventRequest), of(events, dynamorm.EventRetry)
	require.Len(t, requests, faultRetry.MaxRetries+1)
	assert.Equal(t, inj.Requests("TransactWriteItems"), int64(len(requests)))
	require.Len(t, retries, faultRetry.MaxRetries)
	for i, r := range retries {
		assert.Equal(t, "transaction conflict", r.Reason)
		assert.Equal(t, i+1, r.Attempt)
		assert.Positive(t, r.Delay)
	}
	for i, r := range requests {
		assert.Equal(t, i+1, r.Attempt)
	}
	canceled = of(events, dynamorm.EventTransactionCanceled)
	require.Len(t, canceled, len(requests))
	assert.Contains(t, canceled[0].Reasons[0], "TransactionConflict")
}

// TestObserverConcurrentCalls runs calls from many goroutines through one
// observer (under -race in the test command): every call has its own id,
// its own request, and the errors of the calls that failed.
func TestObserverConcurrentCalls(t *testing.T) {
	e := newEnv(t, &faultRow{})
	rec := &recorder{}
	cfg := sessionFor(e.count, e)
	cfg.Observer = rec // set in the configuration, not on a handle
	db, err := dynamorm.New(cfg)
	require.NoError(t, err)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id := fmt.Sprintf("w%d-%d", w, i%(each/2)) // every id twice: the second Create fails
				err := db.Model(&faultRow{ID: id}).Create()
				assert.Equal(t, i >= each/2, errors.Is(err, dynamorm.ErrConditionFailed), "%s: %v", id, err)
			}
		}(w)
	}
	wg.Wait()
	byCall := map[uint64][]dynamorm.Event{}
	for _, ev := range rec.all() {
		byCall[ev.Call] = append(byCall[ev.Call], ev)
	}
	require.Len(t, byCall, workers*each)
	failed := 0
	for id, events := range byCall {
		require.Len(t, events, 3, "call %d", id)
		_, end := checkOneCall(t, events, "Create")
		req := events[1]
		assert.Equal(t, dynamorm.EventRequest, req.Kind)
		assert.Equal(t, "PutItem", req.Operation)
		assert.Equal(t, "Put", req.Plan)
		assert.Equal(t, e.prefix+"fault_rows", req.Table)
		assert.Equal(t, end.Err != nil, req.Err != nil)
		if end.Err != nil {
			assert.ErrorIs(t, end.Err, core.ErrConditionFailed)
			failed++
		}
	}
	assert.Equal(t, workers*each/2, failed)
	assert.Equal(t, workers*each/2, e.itemCount(t, "fault_rows"))
}

// TestObserverSeesAPanickingTransactionEnd: a transaction whose function
// panics sends nothing, and its call still ends, with the panic as error.
func TestObserverSeesAPanickingTransactionEnd(t *testing.T) {
	e := newEnv(t, &faultRow{})
	rec := &recorder{}
	func() {
		defer func() { assert.Equal(t, "boom", recover()) }()
		_ = e.db.WithObserver(rec).Transaction(func(tx *dynamorm.Tx) error {
			if err := tx.Model(&faultRow{ID: "p"}).Create(); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	events := rec.all()
	_, end := checkOneCall(t, events, "Transaction")
	require.Len(t, events, 2, "no request")
	assert.ErrorContains(t, end.Err, "panic in Transaction: boom")
	assert.Empty(t, storedRows(t, e))
}

// TestObserverSeesSingleTableCalls: Collection, CollectionItems and
// MoveItem are calls of their own, with their requests inside.
func TestObserverSeesSingleTableCalls(t *testing.T) {
	e := shopEnv(t)
	seedCollection(t, e)
	rec := &recorder{}
	db := e.db.WithObserver(rec)
	var c struct {
		Customer *stCustomer
		Orders   []stOrder
		Lines    []*stLine
	}
	require.NoError(t, db.Model(&stCustomer{ID: "c1"}).Collection(&c))
	events := rec.all()
	checkOneCall(t, events, "Collection")
	req := of(events, dynamorm.EventRequest)
	require.Len(t, req, 1)
	assert.Equal(t, "Query", req[0].Operation)
	assert.Equal(t, 9, req[0].Items, "the customer, two orders and six lines")

	rec.mu.Lock()
	rec.events = nil
	rec.mu.Unlock()
	n := 0
	for _, err := range db.Model(&stCustomer{ID: "c1"}).CollectionItems(stCustomer{}, stOrder{}, stLine{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 9, n)
	checkOneCall(t, rec.all(), "CollectionItems")

	rec.mu.Lock()
	rec.events = nil
	rec.mu.Unlock()
	var cur stCustomer
	require.NoError(t, e.db.Model(&stCustomer{ID: "c2"}).First(&cur))
	moved := cur
	moved.ID = "c3"
	require.NoError(t, db.MoveItem(&cur, &moved))
	events = rec.all()
	checkOneCall(t, events, "MoveItem")
	req = of(events, dynamorm.EventRequest)
	require.NotEmpty(t, req)
	assert.Equal(t, "TransactWriteItems", req[len(req)-1].Operation)
}
