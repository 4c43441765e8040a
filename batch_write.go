package dynamorm

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

func keyFailures(m *model.Model, keys []batchKey, kind string, reason error) []BatchFailure {
	out := make([]BatchFailure, len(keys))
	for i, k := range keys {
		out[i] = BatchFailure{Kind: kind, Index: k.index, Item: k.value, Key: plan.DescribeKey(m, k.key), Err: reason}
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
	write *plan.Write // put: its Go-value changes are undone when it is not written
	err   error       // set when the entry was not written (or its outcome is unknown)
	lost  bool        // a request that carried it may have been applied, and no later response told
}

// BatchCreate writes items — a slice of models or of pointers to models —
// with BatchWriteItem: chunks of 25, up to 4 in flight. Lifecycle fields
// are set as by Create (ULIDs, created_at when zero, updated_at, version
// when zero) and written back into the items.
//
// Unlike Create, BatchCreate overwrites an item that exists: BatchWriteItem
// cannot carry conditions (that is DynamoDB's semantics). Use Create, or a
// transaction, when an existing item must not be replaced. For the same
// reason a model with a version field is refused (its puts would replace
// newer versions and move the version backwards) unless the query opts in
// with AllowOverwrite. Two items with the same key are rejected before
// anything is sent.
//
// Items DynamoDB leaves unprocessed are retried with jittered exponential
// backoff (core.DefaultRetryPolicy), and so is a whole request that was
// throttled or whose response was lost (puts and deletes are idempotent).
// A chunk that fails does not stop the others; a batch-wide budget (the
// policy's MaxRetries for each request in flight, counted in retries that
// made no progress anywhere) bounds a full outage, after which each
// remaining chunk is sent once. When retries run out, or a request fails,
// the call returns a *BatchError listing the items certainly not written
// (Failures; their Go values are restored) apart from those whose outcome
// is unknown (Unknown: a request carrying them was sent and its response
// lost; errors.Is(err, ErrOutcomeUnknown) holds).
func (q *query) BatchCreate(items any) error {
	q, c := q.begin("BatchCreate")
	return c.end(q.batchCreate(items))
}

// batchCreate is BatchCreate without the call's observation.
func (q *query) batchCreate(items any) error {
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
	q, c := q.begin("BatchDelete")
	return c.end(q.batchDelete(keys))
}

// batchDelete is BatchDelete without the call's observation.
func (q *query) batchDelete(keys []any) error {
	return q.batchWrite("BatchDelete", nil, nil, keys, nil)
}

// BatchWrite writes puts (pointers to models; unconditional puts with the
// lifecycle fields of BatchCreate) and deletes (keys, as for BatchDelete)
// with BatchWriteItem. A put and a delete of the same item are rejected
// before anything is sent. Failures are reported as by BatchCreate, with
// puts and deletes indexed by their position in their own slice.
func (q *query) BatchWrite(puts []any, deletes []any) error {
	q, c := q.begin("BatchWrite")
	return c.end(q.batchWriteBoth(puts, deletes))
}

// batchWriteBoth is BatchWrite without the call's observation.
func (q *query) batchWriteBoth(puts []any, deletes []any) error {
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
	c := q.snapshot()
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
	if err := q.checkNoReadClauses(op); err != nil {
		return err
	}
	if q.model != nil && len(q.model.Uniques) > 0 {
		return fmt.Errorf("%w: %s %s: the model has unique constraints (%s), whose guard items BatchWriteItem cannot maintain (it carries no conditions); write the items with Create or Delete, or up to 100 operations in one db.Transaction",
			core.ErrValidation, op, q.model.Name(), q.model.Uniques[0].Name)
	}
	return q.db.checkOpen()
}

// checkUnversionedPuts refuses batch puts of a model with a version field
// unless the query opted in with AllowOverwrite: BatchWriteItem cannot
// check the stored version.
func (q *query) checkUnversionedPuts(op string, puts int) error {
	f := q.model.Version
	if f == nil || puts == 0 || q.overwrite {
		return nil
	}
	return fmt.Errorf("%w: %s %s: %s has a version field (%s), and BatchWriteItem cannot check it: the puts would overwrite newer items and move their version backwards; use Create or CreateOrUpdate per item, a transaction (db.Transaction, up to 100 conditional writes), or opt in to unconditional overwrites with Model(...).AllowOverwrite().%s(...)",
		core.ErrValidation, op, q.model.Name(), q.model.Name(), f.GoName, op)
}

// batchWrite builds every put (lifecycle applied) and delete, rejects bad
// input and duplicate keys before sending anything, then sends them.
func (q *query) batchWrite(op string, puts []any, vals []reflect.Value, deletes []any, opts []core.BatchOption) error {
	if err := q.checkBatchable(op); err != nil {
		return err
	}
	if err := q.checkUnversionedPuts(op, len(vals)); err != nil {
		return err
	}
	o, err := q.batchOptions(op, opts)
	if err != nil {
		return err
	}
	entries := make([]*batchEntry, 0, len(puts)+len(deletes))
	var written plan.Writes
	for i, v := range vals {
		t := q.forItem(v).target()
		t.OpName = op
		w, err := plan.PlanWrite(t, plan.WriteSpec{Op: plan.OpBatchPut})
		if err != nil {
			written.Undo()
			return errs.At(op+" "+q.model.Name(), fmt.Sprintf("item %d", i), err)
		}
		written = append(written, w)
		entries = append(entries, &batchEntry{kind: "put", index: i, value: puts[i], table: w.Table,
			id: w.ID(), key: w.Item, write: w,
			req: types.WriteRequest{PutRequest: &types.PutRequest{Item: w.Item}}})
	}
	keys, err := q.batchKeys(op, deletes)
	if err != nil {
		written.Undo()
		return err
	}
	for _, k := range keys {
		entries = append(entries, &batchEntry{kind: "delete", index: k.index, value: k.value, table: k.table,
			id: k.id, key: k.key,
			req: types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k.key}}})
	}
	seen := make(map[string]*batchEntry, len(entries))
	for _, e := range entries {
		if d, dup := seen[e.id]; dup {
			written.Undo()
			return fmt.Errorf("%w: %s %s: %s %d and %s %d both write %s; DynamoDB rejects a batch that writes one item twice",
				core.ErrValidation, op, q.model.Name(), d.kind, d.index, e.kind, e.index, plan.DescribeKey(q.model, e.key))
		}
		seen[e.id] = e
	}
	if len(entries) == 0 {
		return nil
	}
	return q.sendBatch(op, entries, o)
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
	q, c := q.begin("BatchUpdateWithOptions")
	return c.end(q.batchUpdateWithOptions(items, fields, opts...))
}

// batchUpdateWithOptions is BatchUpdateWithOptions without the call's observation.
func (q *query) batchUpdateWithOptions(items []any, fields []string, opts ...core.BatchOption) error {
	const op = "BatchUpdate"
	if q.err != nil {
		return q.err
	}
	if q.tx != nil {
		return fmt.Errorf("%w: %s is not part of a transaction", core.ErrValidation, op)
	}
	if err := q.checkNoReadClauses(op); err != nil {
		return err
	}
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	o, err := q.batchOptions(op, opts)
	if err != nil {
		return err
	}
	q.initCapacity()
	ups, err := q.planBatchUpdates(op, items, fields)
	if err != nil {
		return err
	}
	var done atomic.Int64
	var mu sync.Mutex
	runBounded(len(ups), o.MaxConcurrency, func(i int) {
		u := ups[i]
		if err := q.ctx.Err(); err != nil {
			u.w.Undo()
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
	return q.batchUpdateError(op, items, ups)
}

// batchUpdate is one item of BatchUpdateWithOptions: its query, its
// planned write and, once sent, its error.
type batchUpdate struct {
	q   *query
	w   *plan.Write
	err error
}

// planBatchUpdates plans an Update of each item, refusing bad items and
// duplicate keys before anything is sent (and restoring the Go values).
func (q *query) planBatchUpdates(op string, items []any, fields []string) ([]*batchUpdate, error) {
	ups := make([]*batchUpdate, 0, len(items))
	var planned plan.Writes
	seen := make(map[string]int, len(items))
	for i, item := range items {
		v, err := q.modelValue(op, i, item, true)
		if err != nil {
			planned.Undo()
			return nil, err
		}
		iq := q.forItem(v)
		w, err := iq.planUpdate(fields)
		if err != nil {
			planned.Undo()
			return nil, errs.At(op+" "+q.model.Name(), fmt.Sprintf("item %d", i), err)
		}
		if j, dup := seen[w.ID()]; dup {
			w.Undo()
			planned.Undo()
			return nil, fmt.Errorf("%w: %s %s: items %d and %d both update %s; update each item once", core.ErrValidation, op, q.model.Name(), j, i, w.Describe())
		}
		seen[w.ID()] = i
		planned = append(planned, w)
		ups = append(ups, &batchUpdate{q: iq, w: w})
	}
	return ups, nil
}

// batchUpdateError reports the updates that failed (restored) and those
// whose outcome is unknown; nil when every update was written.
func (q *query) batchUpdateError(op string, items []any, ups []*batchUpdate) error {
	be := &BatchError{Op: op, Model: q.model.Name(), Table: q.table(), Total: len(ups)}
	for i, u := range ups {
		if u.err == nil {
			continue
		}
		f := BatchFailure{Kind: "update", Index: i, Item: items[i], Key: u.w.Describe(), Err: u.err}
		if errors.Is(u.err, core.ErrOutcomeUnknown) {
			be.Unknown = append(be.Unknown, f)
		} else {
			be.Failures = append(be.Failures, f)
		}
		be.Err = u.err
	}
	if len(be.Failures)+len(be.Unknown) == 0 {
		return nil
	}
	return be
}
