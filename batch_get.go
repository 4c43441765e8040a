package dynamorm

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// DynamoDB's limits on one batch request.
const (
	MaxBatchGetItems   = 100 // keys per BatchGetItem
	MaxBatchWriteItems = 25  // requests per BatchWriteItem
)

// defaultBatchConcurrency is the number of batch requests in flight when
// the caller does not choose.
const defaultBatchConcurrency = 4

// BatchGet reads the items with the given keys into dest, a pointer to a
// slice of the model (or of pointers to it). A key is a scalar (the
// partition key, for models without a sort key), a value of the model (or a
// pointer to one) with its key fields set, or a core.KeyPair.
//
// Keys are validated before any request is sent. Duplicate keys are read
// once. The keys are read in chunks of 100, up to 4 chunks at a time; keys
// DynamoDB leaves unprocessed are retried with jittered exponential backoff
// (core.DefaultRetryPolicy) that honours the query's context, and so is a
// whole request that was throttled or failed without a 4xx answer; a chunk
// that fails does not stop the others, and a batch-wide budget bounds a
// full outage (see BatchCreate). dest receives the items read, in the order
// of the requested keys, each once; keys with no item are simply absent.
// When keys could not be read, dest still receives every item that was,
// and the *BatchError lists the unread keys (never reported as "not
// found") with the reason of each; when the context ended the read, the
// error is the context's own.
func (q *query) BatchGet(keys []any, dest any) error {
	return q.BatchGetWithOptions(keys, dest, nil)
}

// BatchGetWithOptions is BatchGet tuned by opts. A nil opts reads in chunks
// of 100 with 4 in flight; a non-nil opts is taken as given: chunks run one
// after another unless Parallel is set. Zero ChunkSize and MaxConcurrency
// take the defaults (100 and 4), a nil RetryPolicy core.DefaultRetryPolicy.
// RetryPolicy.MaxRetries bounds the consecutive retries that read nothing
// new (a retry that makes progress does not use one up).
// ProgressCallback is called after each chunk (never concurrently) with the
// items retrieved so far and the number of distinct keys requested.
func (q *query) BatchGetWithOptions(keys []any, dest any, opts *core.BatchGetOptions) error {
	q, c := q.begin("BatchGet")
	return c.end(q.batchGet(keys, dest, opts))
}

// batchGet is BatchGetWithOptions without the call's observation.
func (q *query) batchGet(keys []any, dest any, opts *core.BatchGetOptions) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	if q.tx != nil {
		return fmt.Errorf("%w: reads are not part of a transaction; read through the DB before or after it, or use TransactGet", core.ErrValidation)
	}
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	if err := q.requireLoader("BatchGet"); err != nil {
		return err
	}
	o, err := q.batchGetOptions(opts)
	if err != nil {
		return err
	}
	reqs, err := q.batchKeys("BatchGet", keys)
	if err != nil {
		return err
	}
	if len(reqs) == 0 {
		return q.db.decodeAll(nil, dest, nil)
	}
	unique := distinctKeys(reqs)
	proj, err := q.batchProjection(o.ProjectionFields)
	if err != nil {
		return err
	}

	items, err := q.readKeys(unique, proj, o)
	items = ofEntity(q.model, items)
	if derr := q.db.decodeAll(items, dest, proj.read); derr != nil {
		return derr
	}
	if perr := q.db.preloadValues(q.ctx, dest, q.preload, q); perr != nil {
		return errors.Join(err, perr)
	}
	return err
}

// readKeys reads the items of the distinct keys unique, in their order
// (keys with no item are absent), chunked and retried as o says. A chunk
// that fails does not stop the others; the items read are returned even
// when some keys were not, and the *BatchError lists those keys.
func (q *query) readKeys(unique []batchKey, proj getProjection, o core.BatchGetOptions) ([]map[string]types.AttributeValue, error) {
	q.initCapacity()
	chunks := chunk(unique, o.ChunkSize)
	found := make([]map[string]map[string]types.AttributeValue, len(chunks))
	unread := make([][]batchKey, len(chunks))
	errs := make([]error, len(chunks))
	var retrieved atomic.Int64
	var progressMu sync.Mutex
	limit := 1
	if o.Parallel {
		limit = o.MaxConcurrency
	}
	b := newBudget(o.RetryPolicy, limit)
	runBounded(len(chunks), limit, func(i int) {
		if err := q.ctx.Err(); err != nil {
			errs[i], unread[i] = err, chunks[i]
			return
		}
		found[i], unread[i], errs[i] = q.getChunk(q.ctx, chunks[i], proj, o, retrier{db: q.db, policy: o.RetryPolicy, budget: b})
		q.db.chunkDone(q.ctx, chunks[i][0].table, len(chunks[i]), len(unread[i]), 0, errs[i])
		n := retrieved.Add(int64(len(found[i])))
		if o.ProgressCallback != nil {
			progressMu.Lock()
			o.ProgressCallback(int(n), len(unique))
			progressMu.Unlock()
		}
	})
	items := inKeyOrder(unique, found, int(retrieved.Load()))
	if q.model.Tenant {
		id, err := q.tenantID()
		if err == nil {
			err = plan.CheckTenants(q.model, id, items)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := firstError(errs); isContextError(err) {
		return items, err // the context's own error, as every read returns it
	}
	var failures []BatchFailure
	for i, u := range unread {
		reason := errs[i]
		if reason == nil {
			reason = errUnprocessed
		}
		failures = append(failures, keyFailures(q.model, u, "get", reason)...)
	}
	if len(failures) > 0 {
		slices.SortStableFunc(failures, func(a, b BatchFailure) int { return a.Index - b.Index })
		return items, &BatchError{Op: "BatchGet", Model: q.model.Name(), Table: q.table(), Total: len(unique),
			Failures: failures, Err: firstError(errs)}
	}
	return items, nil
}

// distinctKeys drops repeated keys; the first position of each counts.
func distinctKeys(keys []batchKey) []batchKey {
	unique := make([]batchKey, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if !seen[k.id] {
			seen[k.id] = true
			unique = append(unique, k)
		}
	}
	return unique
}

// inKeyOrder returns the items found by the chunks in the order of keys.
func inKeyOrder(keys []batchKey, found []map[string]map[string]types.AttributeValue, n int) []map[string]types.AttributeValue {
	all := make(map[string]map[string]types.AttributeValue, n)
	for _, f := range found {
		for id, item := range f {
			all[id] = item
		}
	}
	items := make([]map[string]types.AttributeValue, 0, len(all))
	for _, k := range keys {
		if item, ok := all[k.id]; ok {
			items = append(items, item)
		}
	}
	return items
}

func (q *query) batchGetOptions(opts *core.BatchGetOptions) (core.BatchGetOptions, error) {
	var o core.BatchGetOptions
	if opts == nil {
		o.Parallel = true
	} else {
		o = *opts
	}
	switch {
	case o.ChunkSize == 0:
		o.ChunkSize = MaxBatchGetItems
	case o.ChunkSize < 0 || o.ChunkSize > MaxBatchGetItems:
		return o, fmt.Errorf("%w: BatchGet %s: ChunkSize %d: must be between 1 and %d", core.ErrValidation, q.model.Name(), o.ChunkSize, MaxBatchGetItems)
	}
	switch {
	case o.MaxConcurrency == 0:
		o.MaxConcurrency = defaultBatchConcurrency
	case o.MaxConcurrency < 0:
		return o, fmt.Errorf("%w: BatchGet %s: MaxConcurrency %d is negative", core.ErrValidation, q.model.Name(), o.MaxConcurrency)
	}
	var err error
	o.RetryPolicy, err = q.retryPolicyOrDefault("BatchGet", o.RetryPolicy)
	return o, err
}

// retryPolicyOrDefault returns p, or the DB's batch retry policy
// (session.Config.BatchRetry, else core.DefaultRetryPolicy) when p is nil.
func (q *query) retryPolicyOrDefault(op string, p *core.RetryPolicy) (*core.RetryPolicy, error) {
	if p == nil {
		p = q.db.shared.retry
	}
	if p == nil {
		return core.DefaultRetryPolicy(), nil
	}
	if p.MaxRetries < 0 || p.InitialDelay < 0 || p.MaxDelay < 0 || p.Jitter < 0 {
		return nil, fmt.Errorf("%w: %s: retry policy %+v has negative values", core.ErrValidation, op, *p)
	}
	return p, nil
}

// batchProjection renders the projection of a batch read; the key
// attributes are always read so that items can be matched to their keys.
type getProjection struct {
	expr  string
	names map[string]string
	read  map[string]bool // the attributes read whole (readAttrs)
}

func (q *query) batchProjection(fields []string) (getProjection, error) {
	if len(fields) == 0 {
		return getProjection{}, nil
	}
	paths, err := q.projection(fields)
	if err != nil {
		return getProjection{}, fmt.Errorf("BatchGet projection: %w", err)
	}
	// The keys (and an entity's type) first, then the other paths.
	all := plan.WithKeys(nil, plan.KeyAttrs(q.model))
	if e := q.model.Entity; e != nil {
		all = append(all, []string{e.TypeAttr})
	}
	for _, p := range paths {
		if len(p) != 1 || !slices.Contains(plan.KeyAttrs(q.model), p[0]) {
			all = append(all, p)
		}
	}
	var b expr.Builder
	return getProjection{expr: b.Projection(all), names: b.Names(), read: readAttrs(all)}, nil
}

// batchKey is one key given to BatchGet or BatchDelete.
type batchKey struct {
	index int // position in the caller's keys
	value any // as the caller gave it
	table string
	key   map[string]types.AttributeValue
	id    string // plan.ItemID of table and key
}

// batchKeys encodes and validates keys; nothing is sent when one is bad.
func (q *query) batchKeys(op string, keys []any) ([]batchKey, error) {
	if q.err != nil {
		return nil, q.err
	}
	out := make([]batchKey, len(keys))
	for i, k := range keys {
		table, key, err := q.keyFromValue(op, k)
		if err != nil {
			return nil, fmt.Errorf("%s %s: key %d: %w", op, q.model.Name(), i, err)
		}
		out[i] = batchKey{index: i, value: k, table: table, key: key, id: plan.ItemID(table, q.model, key)}
	}
	return out, nil
}

// keyFromValue encodes one key: a core.KeyPair, a value of the model (or a
// pointer to one) with its key fields set, or a scalar partition key. It
// returns the table the key belongs to (a model value may name its own).
func (q *query) keyFromValue(op string, k any) (string, map[string]types.AttributeValue, error) {
	m := q.model
	var pk, sk any
	switch kv := k.(type) {
	case core.KeyPair:
		pk, sk = kv.PartitionKey, kv.SortKey
	case *core.KeyPair:
		if kv == nil {
			return "", nil, fmt.Errorf("%w: nil *core.KeyPair", core.ErrValidation)
		}
		pk, sk = kv.PartitionKey, kv.SortKey
	default:
		v := reflect.ValueOf(k)
		if v.IsValid() && (v.Type() == m.Type || v.Type().Kind() == reflect.Pointer && v.Type().Elem() == m.Type) {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return "", nil, fmt.Errorf("%w: nil *%s", core.ErrValidation, m.Name())
			}
			c := q.snapshot()
			c.item = reflect.Indirect(v)
			key, err := c.key(op)
			return c.table(), key, err
		}
		if m.SK != nil {
			return "", nil, fmt.Errorf("%w: %s has a sort key (%s), so a key must be core.NewKeyPair(%s, %s) or a %s value, not %T",
				core.ErrValidation, m.Name(), m.SK.GoName, m.PK.GoName, m.SK.GoName, m.Name(), k)
		}
		pk = k
	}
	key := make(map[string]types.AttributeValue, 2)
	if err := q.encodeKeyPart(key, op, true, pk); err != nil {
		return "", nil, err
	}
	if m.SK != nil {
		if err := q.encodeKeyPart(key, op, false, sk); err != nil {
			return "", nil, err
		}
	} else if sk != nil {
		return "", nil, fmt.Errorf("%w: %s has no sort key, but the KeyPair gives one (%v)", core.ErrValidation, m.Name(), sk)
	}
	return q.table(), key, nil
}

func (q *query) encodeKeyPart(key map[string]types.AttributeValue, op string, partition bool, v any) error {
	f := q.model.PK
	if !partition {
		f = q.model.SK
	}
	av, err := q.codec.EncodeAttrValue(f.Attr, v)
	if err != nil {
		return fmt.Errorf("%s %s: %w", f.GoName, q.model.Name(), err)
	}
	if err := plan.CheckKeyValue(q.model, f, av, op); err != nil {
		return err
	}
	if err := checkOperand(q.fieldTarget(f), expr.Eq, av); err != nil {
		return fmt.Errorf("%s %s: key %w", op, q.model.Name(), err)
	}
	switch av.(type) {
	case *types.AttributeValueMemberS, *types.AttributeValueMemberN, *types.AttributeValueMemberB:
	default:
		return fmt.Errorf("%w: %s %s: %T is not a key value for %s (a string, number or binary)", core.ErrValidation, op, q.model.Name(), v, f.GoName)
	}
	key[f.Attr] = av
	return nil
}

// batchGet is dynamorm's core.BatchGetBuilder.
type batchGet struct {
	q    *query
	keys []any
	opts core.BatchGetOptions
	err  error
}

var _ core.BatchGetBuilder = (*batchGet)(nil)

// BatchGetBuilder starts a fluent batch read: chunks of 100 run one after
// another unless Parallel is called; see BatchGetWithOptions.
func (q *query) BatchGetBuilder() core.BatchGetBuilder {
	return &batchGet{q: q}
}

func (b *batchGet) fail(err error) *batchGet {
	if b.err == nil {
		b.err = err
	}
	return b
}

// Keys sets the keys to read (scalars, models or core.KeyPairs).
func (b *batchGet) Keys(keys []any) core.BatchGetBuilder {
	b.keys = keys
	return b
}

// ChunkSize sets the keys per request, 1 to 100.
func (b *batchGet) ChunkSize(n int) core.BatchGetBuilder {
	if n < 1 || n > MaxBatchGetItems {
		return b.fail(fmt.Errorf("%w: BatchGetBuilder.ChunkSize(%d): must be between 1 and %d", core.ErrValidation, n, MaxBatchGetItems))
	}
	b.opts.ChunkSize = n
	return b
}

// ConsistentRead asks for strongly consistent reads.
func (b *batchGet) ConsistentRead() core.BatchGetBuilder {
	b.opts.ConsistentRead = true
	return b
}

// Parallel runs up to maxConcurrency chunks at once (0: 4).
func (b *batchGet) Parallel(maxConcurrency int) core.BatchGetBuilder {
	if maxConcurrency < 0 {
		return b.fail(fmt.Errorf("%w: BatchGetBuilder.Parallel(%d): must not be negative", core.ErrValidation, maxConcurrency))
	}
	b.opts.Parallel = true
	b.opts.MaxConcurrency = maxConcurrency
	return b
}

// WithRetry sets the retry policy for unprocessed keys.
func (b *batchGet) WithRetry(policy *core.RetryPolicy) core.BatchGetBuilder {
	b.opts.RetryPolicy = policy
	return b
}

// Select reads only the named fields (the keys are always read).
func (b *batchGet) Select(fields ...string) core.BatchGetBuilder {
	b.opts.ProjectionFields = append(b.opts.ProjectionFields, fields...)
	return b
}

// OnProgress registers a progress callback.
func (b *batchGet) OnProgress(fn func(retrieved, total int)) core.BatchGetBuilder {
	b.opts.ProgressCallback = fn
	return b
}

// Execute reads the items into dest, a pointer to a slice, in key order.
func (b *batchGet) Execute(dest any) error {
	if b.err != nil {
		return b.err
	}
	opts := b.opts
	return b.q.BatchGetWithOptions(b.keys, dest, &opts)
}
