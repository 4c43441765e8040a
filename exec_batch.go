package dynamorm

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// firstError returns the error that stopped a batch, preferring a real
// error over the cancellations it caused in other chunks.
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	return first
}

// getChunk reads one chunk of keys, retrying unprocessed keys, and the
// whole request when it was throttled or failed without a 4xx answer. It
// returns the items found (by table and key id), the keys still unread when
// the retries ran out, and the error that ended the chunk, if any.
func (q *query) getChunk(ctx context.Context, keys []batchKey, proj getProjection, o core.BatchGetOptions, r retrier) (map[string]map[string]types.AttributeValue, []batchKey, error) {
	found := make(map[string]map[string]types.AttributeValue, len(keys))
	pending := keys
	for {
		in := &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{},
			ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes}
		for _, k := range pending {
			ka := in.RequestItems[k.table]
			ka.Keys = append(ka.Keys, k.key)
			ka.ConsistentRead = consistent(o.ConsistentRead)
			ka.ProjectionExpression = optional(proj.expr)
			ka.ExpressionAttributeNames = proj.names
			in.RequestItems[k.table] = ka
		}
		out, err := q.db.api("BatchGet", r.retries+1).BatchGetItem(ctx, in)
		next := pending
		switch {
		case err == nil:
			next = q.unreadKeys(pending, out, found)
			if len(next) == 0 {
				return found, nil, nil
			}
		case ctx.Err() != nil:
			return found, pending, ctx.Err()
		case !mayHaveApplied(err) && !isThrottle(err):
			return found, pending, wrapAWS("BatchGet", q.model.Name(), pending[0].table, err)
		}
		progressed := len(next) < len(pending)
		pending = next
		if ok, werr := r.wait(ctx, progressed, retryReason(err, false, "unprocessed keys"), len(pending)); !ok {
			if werr == nil && err != nil {
				werr = wrapAWS("BatchGet", q.model.Name(), pending[0].table, err)
			}
			return found, pending, werr
		}
	}
}

// unreadKeys adds the items of a BatchGetItem response to found and returns
// the keys of pending it left unprocessed.
func (q *query) unreadKeys(pending []batchKey, out *dynamodb.BatchGetItemOutput, found map[string]map[string]types.AttributeValue) []batchKey {
	for i := range out.ConsumedCapacity {
		q.recordRead(&out.ConsumedCapacity[i])
	}
	for table, items := range out.Responses {
		for _, item := range items {
			found[plan.ItemID(table, q.model, item)] = item
		}
	}
	left := make(map[string]bool)
	for table, ka := range out.UnprocessedKeys {
		for _, key := range ka.Keys {
			left[plan.ItemID(table, q.model, key)] = true
		}
	}
	next := pending[:0:0]
	for _, k := range pending {
		if left[k.id] {
			next = append(next, k)
		}
	}
	return next
}

// retrier paces the retries of a batch's unprocessed keys or items: jittered
// exponential delays (the one internal/backoff) that grow with every retry
// and honour the context. It gives up after policy.MaxRetries consecutive
// retries that made no progress, or when the batch's budget is spent.
type retrier struct {
	db      *DB // reports the sleeps
	policy  *core.RetryPolicy
	budget  *budget // shared by the chunks of one batch; nil: none
	retries int     // retries sent so far
	stalls  int     // consecutive retries without progress
	sent    bool
}

// budget bounds the retries of a whole batch: once its chunks have made
// limit retries in a row without progress anywhere (a full outage, every
// item unprocessed), no chunk retries any more; each remaining chunk is
// still sent once.
type budget struct {
	limit  int64
	stalls atomic.Int64
}

// newBudget is the budget of a batch sent with policy and concurrency
// requests in flight: MaxRetries stalled retries for each.
func newBudget(policy *core.RetryPolicy, concurrency int) *budget {
	return &budget{limit: int64(policy.MaxRetries) * int64(max(concurrency, 1))}
}

// spent records a retry's progress and reports whether the budget is spent.
func (b *budget) spent(progressed bool) bool {
	if b == nil {
		return false
	}
	if progressed {
		b.stalls.Store(0)
		return false
	}
	return b.stalls.Add(1) > b.limit
}

// wait is called after a response that left work unprocessed; progressed
// says whether it processed anything, reason why the items left are sent
// again. It sleeps before the next retry and reports false when the
// retries have run out (err is the context's error when it ended the wait).
func (r *retrier) wait(ctx context.Context, progressed bool, reason string, items int) (bool, error) {
	if r.sent {
		if progressed {
			r.stalls = 0
		} else {
			r.stalls++
		}
	}
	if r.stalls >= r.policy.MaxRetries || r.budget.spent(progressed) {
		return false, nil
	}
	if err := r.db.sleep(ctx, r.policy, min(r.retries, 16), Event{Reason: reason, Attempt: r.retries + 1, Items: items}); err != nil {
		return false, err
	}
	r.retries++
	r.sent = true
	return true, nil
}

// runBounded calls fn(0..n-1) with at most limit calls running at once and
// returns when all have returned.
func runBounded(n, limit int, fn func(i int)) {
	if limit < 1 {
		limit = 1
	}
	if limit == 1 || n == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, limit)
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}(i)
	}
	wg.Wait()
}

func chunk[T any](s []T, size int) [][]T {
	out := make([][]T, 0, (len(s)+size-1)/size)
	for len(s) > size {
		out = append(out, s[:size:size])
		s = s[size:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// sendBatch sends entries in chunks of 25 with at most o.MaxConcurrency
// requests in flight, and reports the entries not written and those whose
// outcome is unknown. A chunk that fails does not stop the others; the
// batch's retry budget bounds them all.
func (q *query) sendBatch(op string, entries []*batchEntry, o core.BatchOptions) error {
	q.initCapacity()
	var (
		done    atomic.Int64
		mu      sync.Mutex // guards lastErr and the progress callback
		lastErr error
	)
	b := newBudget(o.RetryPolicy, o.MaxConcurrency)
	chunks := chunk(entries, MaxBatchWriteItems)
	runBounded(len(chunks), o.MaxConcurrency, func(i int) {
		c := chunks[i]
		var err error
		if err = q.ctx.Err(); err != nil {
			for _, e := range c {
				e.err = err
			}
		} else {
			err = q.writeChunk(op, c, retrier{db: q.db, policy: o.RetryPolicy, budget: b})
		}
		written, unknown := 0, 0
		for _, e := range c {
			switch {
			case e.err == nil:
				written++
			case e.lost:
				unknown++
			}
		}
		q.db.chunkDone(q.ctx, c[0].table, len(c), len(c)-written-unknown, unknown, err)
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
	wroteBatch(q.ctx, q.model, entries)
	be := &BatchError{Op: op, Model: q.model.Name(), Table: entries[0].table, Total: len(entries), Err: lastErr}
	for _, e := range entries {
		if e.err == nil {
			if e.write != nil {
				_ = e.write.Done(nil) // a tracked value remembers the item put (a put returns nothing to decode)
			}
			continue
		}
		f := BatchFailure{Kind: e.kind, Index: e.index, Item: e.value, Key: plan.DescribeKey(q.model, e.key), Err: e.err}
		if e.lost {
			be.Unknown = append(be.Unknown, f) // its Go value keeps what was sent
			continue
		}
		if e.write != nil {
			e.write.Undo()
		}
		be.Failures = append(be.Failures, f)
	}
	if len(be.Failures)+len(be.Unknown) == 0 {
		return nil
	}
	sortFailures(be.Failures)
	sortFailures(be.Unknown)
	return be
}

// sortFailures orders failures as the caller's input: puts, then deletes.
func sortFailures(failures []BatchFailure) {
	sort.SliceStable(failures, func(i, j int) bool {
		if failures[i].Kind != failures[j].Kind {
			return failures[i].Kind == "put"
		}
		return failures[i].Index < failures[j].Index
	})
}

// writeChunk sends one BatchWriteItem and retries what comes back
// unprocessed, and the whole request when it was throttled or its response
// was lost (puts and deletes are idempotent). Entries not written get their
// err set, and lost when a request that carried them may have been applied
// and no later response told; the returned error is the request's error,
// if one ended the chunk.
func (q *query) writeChunk(op string, entries []*batchEntry, r retrier) error {
	pending := entries
	for {
		in := &dynamodb.BatchWriteItemInput{RequestItems: make(map[string][]types.WriteRequest, 1),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes}
		for _, e := range pending {
			in.RequestItems[e.table] = append(in.RequestItems[e.table], e.req)
		}
		var a attempts
		out, err := q.db.api("BatchWrite", r.retries+1).BatchWriteItem(q.ctx, in, a.option)
		next := pending
		if err == nil {
			for i := range out.ConsumedCapacity {
				q.recordWrite(&out.ConsumedCapacity[i])
			}
			next = unprocessedEntries(q.model, pending, out.UnprocessedItems)
			if len(next) == 0 {
				return nil
			}
			// What this answer left unprocessed, an earlier attempt of the
			// same request whose response was lost may have written.
			for _, e := range next {
				e.lost = e.lost || a.lost
			}
		} else if lost := a.uncertain(err); lost || isThrottle(err) {
			for _, e := range pending {
				e.lost = e.lost || lost
			}
		} else {
			return failEntries(pending, wrapAWS(op, q.model.Name(), pending[0].table, err))
		}
		progressed := len(next) < len(pending)
		pending = next
		ok, werr := r.wait(q.ctx, progressed, retryReason(err, a.uncertain(err), "unprocessed items"), len(pending))
		if ok {
			continue
		}
		switch {
		case werr != nil:
			err = werr
		case err == nil:
			err = errUnprocessed
		case q.ctx.Err() == nil:
			err = wrapAWS(op, q.model.Name(), pending[0].table, err)
		}
		failEntries(pending, err)
		if err == errUnprocessed {
			return nil
		}
		return err
	}
}

// unprocessedEntries returns the entries of pending that a response left
// unprocessed; the others are written, whatever earlier responses said.
func unprocessedEntries(m *model.Model, pending []*batchEntry, unprocessed map[string][]types.WriteRequest) []*batchEntry {
	left := make(map[string]bool)
	for table, reqs := range unprocessed {
		for _, wr := range reqs {
			switch {
			case wr.PutRequest != nil:
				left[plan.ItemID(table, m, wr.PutRequest.Item)] = true
			case wr.DeleteRequest != nil:
				left[plan.ItemID(table, m, wr.DeleteRequest.Key)] = true
			}
		}
	}
	next := pending[:0:0]
	for _, e := range pending {
		if left[e.id] {
			next = append(next, e)
		} else {
			e.lost = false
		}
	}
	return next
}

// failEntries marks entries not written (or of unknown outcome, when lost)
// for reason, and returns it.
func failEntries(entries []*batchEntry, reason error) error {
	for _, e := range entries {
		e.err = reason
	}
	return reason
}

// sendRetryingThrottles sends an update and, while DynamoDB throttles it,
// waits with the one backoff and sends it again, rebuilt (a failed send
// restores the Go value, so the next attempt stamps it afresh).
func (q *query) sendRetryingThrottles(w *plan.Write, fields []string, policy *core.RetryPolicy) error {
	for attempt := 0; ; attempt++ {
		err := q.send(w)
		if err == nil || !isThrottle(err) || attempt >= policy.MaxRetries {
			return err
		}
		if err := q.db.sleep(q.ctx, policy, attempt, Event{Reason: "throttled", Attempt: attempt + 1, Items: 1, Table: w.Table}); err != nil {
			return err
		}
		if w, err = q.planUpdate(fields); err != nil {
			return err
		}
	}
}

// retryReason says why a batch request that ended with err (nil: with
// work left unprocessed, which unprocessed names) is sent again; lost says
// its response may have been lost after the server applied it.
func retryReason(err error, lost bool, unprocessed string) string {
	switch {
	case err == nil:
		return unprocessed
	case isThrottle(err):
		return "throttled"
	case lost:
		return "response lost"
	}
	return "server error"
}

// isThrottle reports whether DynamoDB refused a request for its rate.
func isThrottle(err error) bool {
	var pte *types.ProvisionedThroughputExceededException
	var rle *types.RequestLimitExceeded
	var ae smithy.APIError
	return errors.As(err, &pte) || errors.As(err, &rle) ||
		errors.As(err, &ae) && (ae.ErrorCode() == "ThrottlingException" || ae.ErrorCode() == "ThrottlingError")
}
