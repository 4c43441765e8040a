package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/backoff"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Observer receives every library call, DynamoDB request, retry, backoff
// sleep, batch chunk outcome and transaction cancellation; see core.Observer.
type Observer = core.Observer

// ObserverFunc adapts a function to an Observer; see core.ObserverFunc.
type ObserverFunc = core.ObserverFunc

// Event is what an Observer receives; see core.Event.
type Event = core.Event

// EventKind says what an Event reports; see core.EventKind.
type EventKind = core.EventKind

// The event kinds; see core.EventKind.
const (
	EventCallStart           = core.EventCallStart
	EventCallEnd             = core.EventCallEnd
	EventRequest             = core.EventRequest
	EventRetry               = core.EventRetry
	EventBatchChunk          = core.EventBatchChunk
	EventTransactionCanceled = core.EventTransactionCanceled
)

// WithObserver returns a handle that reports everything done through it
// (and the queries it starts) to o instead of the observer of
// session.Config; nil turns observation off for the handle.
func (db *DB) WithObserver(o Observer) *DB {
	d := *db
	d.observer, d.call = o, nil
	return &d
}

// callIDs numbers library calls.
var callIDs atomic.Uint64

// call is one library call under observation.
type call struct {
	obs Observer
	ctx context.Context // the context the observer returned for the start
	e   Event           // the start event: the call's identity
}

// begin starts library call op on db with ctx (beginObserved names the
// model and table of query calls). Without an observer, or
// inside another call (a call made by a call joins it), it returns db
// itself and no call, and costs nothing more. Otherwise it reports the
// start and returns a handle carrying the call and the observer's context.
func (db *DB) begin(ctx context.Context, op string) (*DB, *call) {
	if db.observer == nil {
		return db, nil // inlined: this is all an unobserved call costs
	}
	return db.beginObserved(ctx, op, "", "")
}

// beginObserved is begin with an observer.
func (db *DB) beginObserved(ctx context.Context, op, model, table string) (*DB, *call) {
	if db.call != nil {
		return db, nil
	}
	c := &call{obs: db.observer, e: Event{Kind: EventCallStart, Call: callIDs.Add(1), Op: op, Model: model, Table: table, Start: time.Now()}}
	if c.ctx = c.obs.Observe(ctx, c.e); c.ctx == nil {
		c.ctx = ctx
	}
	d := *db
	d.ctx, d.call = c.ctx, c
	return &d, c
}

// end reports the end of the call and returns err; on a nil call it only
// returns err.
func (c *call) end(err error) error {
	if c == nil {
		return err // inlined: this is all an unobserved call costs
	}
	return c.finish(err)
}

// finish reports the end of the call and returns err.
func (c *call) finish(err error) error {
	e := c.e
	e.Kind, e.Latency, e.Err = EventCallEnd, time.Since(e.Start), err
	c.obs.Observe(c.ctx, e)
	return err
}

// endOnPanic, deferred, ends the call when its function panics (the
// panic goes on).
func (c *call) endOnPanic() {
	if p := recover(); p != nil {
		c.end(fmt.Errorf("dynamorm: panic in %s: %v", c.e.Op, p))
		panic(p)
	}
}

// begin starts library call op on q: a copy of q on the call's handle and
// context, sharing q's capacity total, or q itself when nothing observes
// it. Writes collected by a transaction belong to the transaction's call.
func (q *query) begin(op string) (*query, *call) {
	if q.db.observer == nil {
		return q, nil // inlined: this is all an unobserved call costs
	}
	return q.beginObserved(op)
}

// beginObserved is begin with an observer.
func (q *query) beginObserved(op string) (*query, *call) {
	if q.db.call != nil || q.tx != nil {
		return q, nil
	}
	var model, table string
	if q.model != nil {
		model, table = q.model.Name(), q.table()
	}
	db, c := q.db.beginObserved(q.ctx, op, model, table)
	q.initCapacity() // the copy shares the total
	n := q.snapshot()
	n.db, n.ctx = db, db.ctx
	return &n, c
}

// emit reports e, as part of db's call, when db has an observer.
func (db *DB) emit(ctx context.Context, e Event) {
	if db.observer == nil {
		return
	}
	if c := db.call; c != nil {
		e.Call, e.Op = c.e.Call, c.e.Op
		if e.Model == "" {
			e.Model = c.e.Model
		}
	}
	db.observer.Observe(ctx, e)
}

// sleep is every backoff sleep of the library: it waits the delay of
// backoff exponent exp under p, or until ctx ends (returning its error),
// after reporting the retry it precedes (Reason, Attempt, Items set by the
// caller).
func (db *DB) sleep(ctx context.Context, p *core.RetryPolicy, exp int, retry Event) error {
	d := backoff.Delay((*backoff.Policy)(p), exp)
	if db.observer != nil {
		retry.Kind, retry.Delay = EventRetry, d
		db.emit(ctx, retry)
	}
	return backoff.Wait(ctx, d)
}

// canceled reports a transaction DynamoDB cancelled, with its reasons.
func (db *DB) canceled(ctx context.Context, table string, err error) {
	if db.observer == nil {
		return
	}
	tce, ok := asCanceled(err)
	if !ok {
		return
	}
	reasons := make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		reasons[i] = aws.ToString(r.Code)
		if m := aws.ToString(r.Message); m != "" {
			reasons[i] += ": " + m
		}
	}
	db.emit(ctx, Event{Kind: EventTransactionCanceled, Table: table, Reasons: reasons, Err: err})
}

// chunkDone reports the outcome of one chunk of a batch.
func (db *DB) chunkDone(ctx context.Context, table string, items, failed, unknown int, err error) {
	db.emit(ctx, Event{Kind: EventBatchChunk, Table: table, Items: items, Failed: failed, Unknown: unknown, Err: err})
}

func asCanceled(err error) (*types.TransactionCanceledException, bool) {
	var tce *types.TransactionCanceledException
	ok := errors.As(err, &tce)
	return tce, ok
}
