package core

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Observer receives what dynamorm does: every library call, every request
// it sends to DynamoDB, and its own retries, backoff sleeps, batch chunk
// outcomes and transaction cancellations. Set one in session.Config or on a
// handle (dynamorm's DB.WithObserver); with none set, nothing is built or
// timed for it.
//
// It is one method taking an event value, as slog.Handler's Handle takes a
// Record, rather than a struct of callbacks (net/http/httptrace's
// ClientTrace): an adapter (logger, tracer, metrics, a test recorder) is one
// switch on Event.Kind, observers compose by calling each other, and new
// kinds or fields can be added without breaking implementations.
//
// Observe returns the context the event's work continues with. Only the
// context returned for EventCallStart is used: every request of the call is
// sent with it, and the call's later events receive it, so an adapter can
// attach a span (or any value) there and find it again, and the AWS SDK's
// own instrumentation, which reads the request's context, nests under it.
// Return ctx itself for every other kind (nil is taken as ctx).
//
// Observe is called synchronously, from as many goroutines as run requests
// (batches run chunks concurrently), so it must be safe for concurrent use
// and quick. It must not retain e.Consumed or e.Reasons past the call
// unless it copies them.
type Observer interface {
	Observe(ctx context.Context, e Event) context.Context
}

// ObserverFunc adapts a function to an Observer that returns the context
// unchanged.
type ObserverFunc func(ctx context.Context, e Event)

// Observe calls f and returns ctx.
func (f ObserverFunc) Observe(ctx context.Context, e Event) context.Context {
	f(ctx, e)
	return ctx
}

// EventKind says what an Event reports.
type EventKind uint8

// The event kinds. Every request of a call, and every retry, chunk and
// cancellation, comes between the call's start and its end, with the
// call's Call id.
const (
	// EventCallStart: a library call begins (Op, Model, Table, Start).
	EventCallStart EventKind = iota + 1
	// EventCallEnd: the call returned (Latency is the whole call, Err its
	// error). For Items and Pages the call lasts as long as the iteration.
	EventCallEnd
	// EventRequest: DynamoDB (or the injected client) answered one request:
	// Operation, Table, Index, Plan, Attempt, Items, Unprocessed, Consumed,
	// Start, Latency, Throttled, Err.
	EventRequest
	// EventRetry: dynamorm will send a request again after a backoff sleep
	// of Delay: Reason says why, Attempt is the retry's number (1 for the
	// first), Items how many items or keys it carries again.
	EventRetry
	// EventBatchChunk: one chunk of a batch write or read is done: Items in
	// the chunk, Failed certainly not written (or keys not read), Unknown
	// of unknown outcome, Err the error that ended it.
	EventBatchChunk
	// EventTransactionCanceled: DynamoDB cancelled a transaction: Reasons
	// has one entry per operation ("None" for those that did not fail);
	// it is retried when every reason is a TransactionConflict.
	EventTransactionCanceled
)

var eventKindNames = [...]string{"", "call-start", "call-end", "request", "retry", "batch-chunk", "transaction-canceled"}

// String returns the kind's name ("request", "retry", ...).
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// Event is one thing dynamorm did; which fields are set depends on Kind.
type Event struct {
	Kind EventKind
	// Call identifies the library call (unique in the process); 0 for
	// requests made outside one.
	Call uint64
	// Op is the library call: "Create", "All", "BatchCreate",
	// "Transaction", "CreateTable", ...
	Op string
	// Model is the model's Go type name ("" for calls on several models).
	Model string
	// Operation is the DynamoDB operation of a request ("PutItem", "Query").
	Operation string
	// Table is the table of the call or request; a request on several
	// tables (a batch or transaction) lists them sorted, separated by
	// commas (table names cannot contain one).
	Table string
	// Index is the index a Query or Scan read ("" for the table).
	Index string
	// Plan is what the planner made of the call for this request: "GetItem",
	// "Query" or "Scan" for reads; "Put", "Update", "Delete" for writes;
	// "BatchGet", "BatchWrite", "Transaction", "TransactGet" for batch and
	// transaction requests; "" for table requests.
	Plan string
	// Attempt is, for a request, 1 when dynamorm sends it the first time
	// and n+1 for its n-th resend of the same request (a batch chunk's
	// unprocessed items, a transaction, a GetItem under WithRetry; the
	// SDK's own retries happen inside one attempt). A write sent again
	// after a throttle or a NULL list is a new request (attempt 1) after
	// an EventRetry. For a retry, Attempt is the retry's number.
	Attempt int
	// Items is, for a request, the items returned (reads) or carried
	// (writes); for a retry, the items or keys sent again; for a chunk, its
	// size.
	Items int
	// Unprocessed is the items or keys a batch request's response left
	// unprocessed.
	Unprocessed int
	// Failed and Unknown count a chunk's items certainly not written (keys
	// not read) and those whose outcome is unknown.
	Failed, Unknown int
	// Consumed is the capacity DynamoDB reported for the request.
	Consumed []types.ConsumedCapacity
	// Start is when the call or request started.
	Start time.Time
	// Latency is how long the request (or, at EventCallEnd, the call) took.
	Latency time.Duration
	// Delay is the backoff sleep before a retry.
	Delay time.Duration
	// Reason says why a retry is made: "unprocessed items", "unprocessed
	// keys", "throttled", "response lost", "transaction conflict",
	// "transaction in progress", "item not found", "table not ready".
	Reason string
	// Reasons are the cancellation reasons of a transaction, one per
	// operation, "Code" or "Code: message".
	Reasons []string
	// Throttled says the request was refused for its rate.
	Throttled bool
	// Err is the request's, chunk's or call's error.
	Err error
}

// Units returns the read and write units of e.Consumed. Units reported only
// as CapacityUnits count as writes for write operations, reads otherwise.
func (e Event) Units() Capacity {
	write := e.Operation == "PutItem" || e.Operation == "UpdateItem" || e.Operation == "DeleteItem" ||
		e.Operation == "BatchWriteItem" || e.Operation == "TransactWriteItems"
	var c Capacity
	for _, cc := range e.Consumed {
		r, w := units(cc.ReadCapacityUnits, cc.WriteCapacityUnits, cc.CapacityUnits, write)
		c.ReadUnits += r
		c.WriteUnits += w
	}
	return c
}

// Tables returns e.Table split into its table names (nil when empty).
func (e Event) Tables() []string {
	if e.Table == "" {
		return nil
	}
	return strings.Split(e.Table, ",")
}
