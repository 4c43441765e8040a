package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/dynamorm/dynamorm/internal/backoff"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// BatchError reports a batch operation that did not complete. Failures
// lists exactly the items (or keys) that were not written (not read, for
// BatchGet), in input order; every other item was. errors.As finds it;
// Unwrap returns the last error DynamoDB or the context returned, if any,
// and the errors of individual items (BatchUpdateWithOptions), so errors.Is
// works with their sentinels and with context.Canceled.
type BatchError struct {
	Op       string // BatchCreate, BatchWrite, BatchDelete, BatchUpdate or BatchGet
	Model    string
	Table    string
	Total    int            // items (or distinct keys) in the call
	Failures []BatchFailure // in input order: puts before deletes
	Err      error          // the last error returned by DynamoDB or the context, or nil
}

// BatchFailure is one item or key a batch did not write (or read).
type BatchFailure struct {
	Kind  string // "put", "delete", "update" or "get"
	Index int    // position in the caller's slice (puts and deletes are counted separately)
	Item  any    // the caller's item or key
	Key   string // the item's key, as Model{attr=value, ...}
	Err   error  // why: the request's or the item's error, or errUnprocessed
}

// errUnprocessed is the reason of an item DynamoDB kept returning as
// unprocessed until the retries ran out.
var errUnprocessed = errors.New("still unprocessed when the retries ran out")

// errNotSent is the reason of an item whose request was never sent because
// the batch stopped after an earlier error.
var errNotSent = errors.New("not sent: the batch stopped after an earlier error")

func (e *BatchError) Error() string {
	what, verb := "items", "written"
	if e.Op == "BatchGet" {
		what, verb = "keys", "read"
	}
	where := e.Op
	if e.Model != "" {
		where += " " + e.Model
	}
	if e.Table != "" {
		where += " (table " + e.Table + ")"
	}
	const shown = 10
	parts := make([]string, 0, min(len(e.Failures), shown))
	for i, f := range e.Failures {
		if i == shown {
			break
		}
		s := fmt.Sprintf("%s %d %s", f.Kind, f.Index, f.Key)
		if f.Err != nil {
			s += ": " + f.Err.Error()
		}
		parts = append(parts, s)
	}
	list := strings.Join(parts, "; ")
	if len(e.Failures) > shown {
		list += fmt.Sprintf("; and %d more", len(e.Failures)-shown)
	}
	msg := fmt.Sprintf("dynamorm: %s: %d of %d %s not %s: %s", where, len(e.Failures), e.Total, what, verb, list)
	if e.Err != nil {
		msg += "; last error: " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the last error and the distinct errors of the failed items.
func (e *BatchError) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	for _, f := range e.Failures {
		if f.Err == nil || f.Err == e.Err || f.Err == errUnprocessed || f.Err == errNotSent {
			continue
		}
		out = append(out, f.Err)
	}
	return out
}

func keyFailures(m *model.Model, keys []batchKey, kind string, reason error) []BatchFailure {
	out := make([]BatchFailure, len(keys))
	for i, k := range keys {
		out[i] = BatchFailure{Kind: kind, Index: k.index, Item: k.value, Key: describeKey(m, k.key), Err: reason}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// batchEntry is one put or delete of a BatchWriteItem.
type batchEntry struct {
	kind  string // "put" or "delete"
	index int
	value any
	table string
	id    string // keyID
	key   map[string]types.AttributeValue
	req   types.WriteRequest
	life  *lifecycle // put: the Go-value changes to undo when it is not written
	err   error      // set when the entry was not written
}

// BatchCreate writes items — a slice of models or of pointers to models —
// with BatchWriteItem: chunks of 25, up to 4 in flight. Lifecycle fields
// are set as by Create (ULIDs, created_at when zero, updated_at, version
// when zero) and written back into the items.
//
// Unlike Create, BatchCreate overwrites an item that exists: BatchWriteItem
// cannot carry conditions (that is DynamoDB's semantics). Use Create, or a
// transaction, when an existing item must not be replaced. Two items with
// the same key are rejected before anything is sent.
//
// Items DynamoDB leaves unprocessed are retried with jittered exponential
// backoff (core.DefaultRetryPolicy). When retries run out, or a request
// fails, the call returns a *BatchError listing exactly the items not
// written; their Go values are restored.
func (q *query) BatchCreate(items any) error {
	vals, err := q.modelValues("BatchCreate", items)
	if err != nil {
		return err
	}
	puts := make([]any, len(vals))
	for i, v := range vals {
		puts[i] = v.Addr().Interface()
	}
	return q.batchWrite("BatchCreate", puts, vals, nil, nil)
}

// BatchDelete deletes the items with the given keys (scalars, models or
// core.KeyPairs, as for BatchGet) with BatchWriteItem. The deletes are
// unconditional (a version field is not checked); deleting a missing item
// succeeds. Failures are reported as by BatchCreate.
func (q *query) BatchDelete(keys []any) error {
	return q.batchWrite("BatchDelete", nil, nil, keys, nil)
}

// BatchWrite writes puts (pointers to models; unconditional puts with the
// lifecycle fields of BatchCreate) and deletes (keys, as for BatchDelete)
// with BatchWriteItem. A put and a delete of the same item are rejected
// before anything is sent. Failures are reported as by BatchCreate, with
// puts and deletes indexed by their position in their own slice.
func (q *query) BatchWrite(puts []any, deletes []any) error {
	vals := make([]reflect.Value, len(puts))
	for i, p := range puts {
		v, err := q.modelValue("BatchWrite", i, p, true)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	return q.batchWrite("BatchWrite", puts, vals, deletes, nil)
}

// modelValues returns the addressable model values of a slice of models
// or of pointers to models.
func (q *query) modelValues(op string, items any) ([]reflect.Value, error) {
	if q.err != nil {
		return nil, q.err
	}
	sv := reflect.ValueOf(items)
	if sv.Kind() == reflect.Pointer && !sv.IsNil() && sv.Elem().Kind() == reflect.Slice {
		sv = sv.Elem()
	}
	if sv.Kind() != reflect.Slice {
		return nil, fmt.Errorf("%w: %s %s: items must be a slice of %s or *%s, got %T", core.ErrValidation, op, q.model.Name(), q.model.Name(), q.model.Name(), items)
	}
	m := q.model
	out := make([]reflect.Value, sv.Len())
	switch et := sv.Type().Elem(); {
	case et == m.Type:
		for i := range out {
			out[i] = sv.Index(i) // addressable: lifecycle fields are written back
		}
	case et == reflect.PointerTo(m.Type) || et.Kind() == reflect.Interface:
		for i := range out {
			v, err := q.modelValue(op, i, sv.Index(i).Interface(), true)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
	default:
		return nil, fmt.Errorf("%w: %s %s: items must be a slice of %s or *%s, got %T", core.ErrValidation, op, m.Name(), m.Name(), m.Name(), items)
	}
	return out, nil
}

// modelValue checks that item i is a model value (a pointer to one when
// needPointer) and returns the struct it holds.
func (q *query) modelValue(op string, i int, item any, needPointer bool) (reflect.Value, error) {
	v := reflect.ValueOf(item)
	m := q.model
	switch {
	case v.IsValid() && v.Type() == reflect.PointerTo(m.Type):
		if v.IsNil() {
			return reflect.Value{}, fmt.Errorf("%w: %s %s: item %d is a nil *%s", core.ErrValidation, op, m.Name(), i, m.Name())
		}
		return v.Elem(), nil
	case v.IsValid() && v.Type() == m.Type && !needPointer:
		return v, nil
	case v.IsValid() && v.Type() == m.Type:
		return reflect.Value{}, fmt.Errorf("%w: %s %s: item %d is a %s value; pass a pointer (&%s{...}) so that generated values can be written back", core.ErrValidation, op, m.Name(), i, m.Name(), m.Name())
	}
	return reflect.Value{}, fmt.Errorf("%w: %s %s: item %d is a %T, not a *%s", core.ErrValidation, op, m.Name(), i, item, m.Name())
}

// forItem is q working on the model value v.
func (q *query) forItem(v reflect.Value) *query {
	c := *q
	c.item = v
	return &c
}

func (q *query) batchOptions(op string, opts []core.BatchOption) (core.BatchOptions, error) {
	o := core.BatchOptions{}
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	switch {
	case o.MaxConcurrency == 0:
		o.MaxConcurrency = defaultBatchConcurrency
	case o.MaxConcurrency < 0:
		return o, fmt.Errorf("%w: %s: MaxConcurrency %d is negative", core.ErrValidation, op, o.MaxConcurrency)
	}
	var err error
	o.RetryPolicy, err = q.retryPolicyOrDefault(op, o.RetryPolicy)
	return o, err
}

func (q *query) checkBatchable(op string) error {
	if q.err != nil {
		return q.err
	}
	if q.tx != nil {
		return fmt.Errorf("%w: %s is not part of a transaction; use the transaction's writes, or batch outside it", core.ErrValidation, op)
	}
	if len(q.conds) > 0 {
		return fmt.Errorf("%w: %s %s: BatchWriteItem cannot carry conditions (IfExists, IfNotExists, WithCondition, ...); use single writes or a transaction", core.ErrValidation, op, q.model.Name())
	}
	return q.db.checkOpen()
}

// batchWrite builds every put (lifecycle applied) and delete, rejects bad
// input and duplicate keys before sending anything, then sends them.
func (q *query) batchWrite(op string, puts []any, vals []reflect.Value, deletes []any, opts []core.BatchOption) error {
	if err := q.checkBatchable(op); err != nil {
		return err
	}
	o, err := q.batchOptions(op, opts)
	if err != nil {
		return err
	}
	entries := make([]*batchEntry, 0, len(puts)+len(deletes))
	undo := func() {
		for i := len(entries) - 1; i >= 0; i-- {
			entries[i].life.undo()
		}
	}
	for i, v := range vals {
		w, err := q.forItem(v).buildCreateAs(op, false)
		if err != nil {
			undo()
			return fmt.Errorf("%s: item %d: %w", op, i, err)
		}
		entries = append(entries, &batchEntry{kind: "put", index: i, value: puts[i], table: w.table,
			id: keyID(q.model, w.item), key: w.item, life: w.life,
			req: types.WriteRequest{PutRequest: &types.PutRequest{Item: w.item}}})
	}
	keys, err := q.batchKeys(op, deletes)
	if err != nil {
		undo()
		return err
	}
	for _, k := range keys {
		entries = append(entries, &batchEntry{kind: "delete", index: k.index, value: k.value, table: k.table,
			id: k.id, key: k.key,
			req: types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k.key}}})
	}
	seen := make(map[string]*batchEntry, len(entries))
	for _, e := range entries {
		if d, dup := seen[e.table+"\x00"+e.id]; dup {
			undo()
			return fmt.Errorf("%w: %s %s: %s %d and %s %d both write %s; DynamoDB rejects a batch that writes one item twice",
				core.ErrValidation, op, q.model.Name(), d.kind, d.index, e.kind, e.index, describeKey(q.model, e.key))
		}
		seen[e.table+"\x00"+e.id] = e
	}
	if len(entries) == 0 {
		return nil
	}
	return q.sendBatch(op, entries, o)
}

// sendBatch sends entries in chunks of 25 with at most o.MaxConcurrency
// requests in flight, and reports the entries not written.
func (q *query) sendBatch(op string, entries []*batchEntry, o core.BatchOptions) error {
	q.initCapacity()
	var (
		stop    atomic.Bool // a request failed: start no more chunks
		done    atomic.Int64
		mu      sync.Mutex // guards lastErr and the progress callback
		lastErr error
	)
	chunks := chunk(entries, MaxBatchWriteItems)
	runBounded(len(chunks), o.MaxConcurrency, func(i int) {
		c := chunks[i]
		var err error
		switch {
		case q.ctx.Err() != nil:
			err = q.ctx.Err()
			for _, e := range c {
				e.err = err
			}
		case stop.Load():
			for _, e := range c {
				e.err = errNotSent
			}
		default:
			err = q.writeChunk(op, c, o.RetryPolicy)
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				stop.Store(true)
			}
		}
		written := 0
		for _, e := range c {
			if e.err == nil {
				written++
			}
		}
		n := done.Add(int64(written))
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			lastErr = err
		}
		if o.ProgressCallback != nil {
			o.ProgressCallback(int(n), len(entries))
		}
	})
	var failures []BatchFailure
	for _, e := range entries {
		if e.err != nil {
			e.life.undo()
			failures = append(failures, BatchFailure{Kind: e.kind, Index: e.index, Item: e.value, Key: describeKey(q.model, e.key), Err: e.err})
		}
	}
	if len(failures) == 0 {
		return nil
	}
	sort.SliceStable(failures, func(i, j int) bool {
		if failures[i].Kind != failures[j].Kind {
			return failures[i].Kind == "put"
		}
		return failures[i].Index < failures[j].Index
	})
	return &BatchError{Op: op, Model: q.model.Name(), Table: entries[0].table, Total: len(entries), Failures: failures, Err: lastErr}
}

// writeChunk sends one BatchWriteItem and retries what comes back
// unprocessed. Entries not written get their err set; the returned error
// is the request's error, if one ended the chunk.
func (q *query) writeChunk(op string, entries []*batchEntry, policy *core.RetryPolicy) error {
	pending := entries
	r := retrier{policy: policy}
	for {
		in := &dynamodb.BatchWriteItemInput{RequestItems: make(map[string][]types.WriteRequest, 1),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes}
		for _, e := range pending {
			in.RequestItems[e.table] = append(in.RequestItems[e.table], e.req)
		}
		out, err := q.db.shared.client.BatchWriteItem(q.ctx, in)
		if err != nil {
			if ctx := q.ctx.Err(); ctx != nil {
				err = ctx
			} else {
				err = wrapAWS(op, q.model.Name(), pending[0].table, err)
			}
			for _, e := range pending {
				e.err = err
			}
			return err
		}
		for i := range out.ConsumedCapacity {
			q.recordWrite(&out.ConsumedCapacity[i])
		}
		left := make(map[string]bool)
		for table, reqs := range out.UnprocessedItems {
			for _, wr := range reqs {
				switch {
				case wr.PutRequest != nil:
					left[table+"\x00"+keyID(q.model, wr.PutRequest.Item)] = true
				case wr.DeleteRequest != nil:
					left[table+"\x00"+keyID(q.model, wr.DeleteRequest.Key)] = true
				}
			}
		}
		if len(left) == 0 {
			return nil
		}
		next := pending[:0:0]
		for _, e := range pending {
			if left[e.table+"\x00"+e.id] {
				next = append(next, e)
			}
		}
		if len(next) == 0 {
			// Only keys this chunk did not send came back: nothing is left.
			return nil
		}
		progressed := len(next) < len(pending)
		pending = next
		if ok, err := r.wait(q.ctx, progressed); !ok {
			reason := errUnprocessed
			if err != nil {
				reason = err
			}
			for _, e := range pending {
				e.err = reason
			}
			return err
		}
	}
}

// BatchUpdateWithOptions updates fields (all non-key fields when empty) of
// each item — pointers to models — as Update does: lifecycle fields,
// version check and write conditions included. BatchWriteItem cannot
// update, so each item is one UpdateItem; at most MaxConcurrency (default 4)
// run at once. Input is validated and duplicate keys rejected before any
// request is sent. Items that fail are restored and listed in a
// *BatchError with their own errors (errors.Is(err, ErrItemNotFound) holds
// when one did not exist); the others are written. The SDK retries
// throttled requests itself; an update still throttled after that is
// retried under the RetryPolicy option (default: the DB's batch policy),
// rebuilt each time so that its lifecycle values stay right.
func (q *query) BatchUpdateWithOptions(items []any, fields []string, opts ...core.BatchOption) error {
	const op = "BatchUpdate"
	if q.err != nil {
		return q.err
	}
	if q.tx != nil {
		return fmt.Errorf("%w: %s is not part of a transaction", core.ErrValidation, op)
	}
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	o, err := q.batchOptions(op, opts)
	if err != nil {
		return err
	}
	q.initCapacity()
	type update struct {
		q   *query
		w   *writeOp
		id  string
		err error
	}
	ups := make([]*update, 0, len(items))
	undo := func() {
		for i := len(ups) - 1; i >= 0; i-- {
			ups[i].w.life.undo()
		}
	}
	seen := make(map[string]int, len(items))
	for i, item := range items {
		v, err := q.modelValue(op, i, item, true)
		if err != nil {
			undo()
			return err
		}
		iq := q.forItem(v)
		w, err := iq.buildUpdate(fields)
		if err != nil {
			undo()
			return fmt.Errorf("%s: item %d: %w", op, i, err)
		}
		id := w.table + "\x00" + keyID(q.model, w.key)
		if j, dup := seen[id]; dup {
			w.life.undo()
			undo()
			return fmt.Errorf("%w: %s %s: items %d and %d both update %s; update each item once", core.ErrValidation, op, q.model.Name(), j, i, w.describe())
		}
		seen[id] = i
		ups = append(ups, &update{q: iq, w: w, id: id})
	}
	var done atomic.Int64
	var mu sync.Mutex
	runBounded(len(ups), o.MaxConcurrency, func(i int) {
		u := ups[i]
		if err := q.ctx.Err(); err != nil {
			u.w.life.undo()
			u.err = err
		} else if u.err = u.q.sendRetryingThrottles(u.w, fields, o.RetryPolicy); u.err == nil {
			done.Add(1)
		}
		if o.ProgressCallback != nil {
			mu.Lock()
			o.ProgressCallback(int(done.Load()), len(ups))
			mu.Unlock()
		}
	})
	be := &BatchError{Op: op, Model: q.model.Name(), Table: q.table(), Total: len(ups)}
	for i, u := range ups {
		if u.err != nil {
			be.Failures = append(be.Failures, BatchFailure{Kind: "update", Index: i, Item: items[i], Key: u.w.describe(), Err: u.err})
			be.Err = u.err
		}
	}
	if len(be.Failures) == 0 {
		return nil
	}
	return be
}

// sendRetryingThrottles sends an update and, while DynamoDB throttles it,
// waits with the one backoff and sends it again, rebuilt (a failed send
// restores the Go value, so the next attempt stamps it afresh).
func (q *query) sendRetryingThrottles(w *writeOp, fields []string, policy *core.RetryPolicy) error {
	for attempt := 0; ; attempt++ {
		err := q.send(w)
		if err == nil || !isThrottle(err) || attempt >= policy.MaxRetries {
			return err
		}
		if err := backoff.Sleep(q.ctx, (*backoff.Policy)(policy), attempt); err != nil {
			return err
		}
		if w, err = q.buildUpdate(fields); err != nil {
			return err
		}
	}
}

// isThrottle reports whether DynamoDB refused a request for its rate.
func isThrottle(err error) bool {
	var pte *types.ProvisionedThroughputExceededException
	var rle *types.RequestLimitExceeded
	var ae smithy.APIError
	return errors.As(err, &pte) || errors.As(err, &rle) ||
		errors.As(err, &ae) && (ae.ErrorCode() == "ThrottlingException" || ae.ErrorCode() == "ThrottlingError")
}
