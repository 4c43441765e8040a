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
	"github.com/dynamorm/dynamorm/internal/backoff"
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

// getChunk reads one chunk of keys, retrying unprocessed keys. It returns
// the items found (by table and key id) and the keys still unread when the
// retries ran out.
func (q *query) getChunk(ctx context.Context, keys []batchKey, proj getProjection, o core.BatchGetOptions) (map[string]map[string]types.AttributeValue, []batchKey, error) {
	found := make(map[string]map[string]types.AttributeValue, len(keys))
	pending := keys
	r := retrier{policy: o.RetryPolicy}
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
		out, err := q.db.shared.client.BatchGetItem(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return found, pending, ctx.Err()
			}
			return found, pending, wrapAWS("BatchGet", q.model.Name(), pending[0].table, err)
		}
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
		if len(left) == 0 {
			return found, nil, nil
		}
		next := pending[:0:0]
		for _, k := range pending {
			if left[k.id] {
				next = append(next, k)
			}
		}
		if len(next) == 0 {
			// Only keys this chunk did not send came back: nothing is left.
			return found, nil, nil
		}
		progressed := len(next) < len(pending)
		pending = next
		if ok, err := r.wait(ctx, progressed); !ok {
			return found, pending, err
		}
	}
}

// retrier paces the retries of a batch's unprocessed keys or items: jittered
// exponential delays (the one internal/backoff) that grow with every retry
// and honour the context. It gives up after policy.MaxRetries consecutive
// retries that made no progress.
type retrier struct {
	policy  *core.RetryPolicy
	retries int // retries sent so far
	stalls  int // consecutive retries without progress
	sent    bool
}

// wait is called after a response that left work unprocessed; progressed
// says whether it processed anything. It sleeps before the next retry and
// reports false when the retries have run out (err is the context's error
// when it ended the wait).
func (r *retrier) wait(ctx context.Context, progressed bool) (bool, error) {
	if r.sent {
		if progressed {
			r.stalls = 0
		} else {
			r.stalls++
		}
	}
	if r.stalls >= r.policy.MaxRetries {
		return false, nil
	}
	if err := backoff.Sleep(ctx, (*backoff.Policy)(r.policy), min(r.retries, 16)); err != nil {
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
			if e.write != nil {
				e.write.Undo()
			}
			failures = append(failures, BatchFailure{Kind: e.kind, Index: e.index, Item: e.value, Key: plan.DescribeKey(q.model, e.key), Err: e.err})
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
					left[plan.ItemID(table, q.model, wr.PutRequest.Item)] = true
				case wr.DeleteRequest != nil:
					left[plan.ItemID(table, q.model, wr.DeleteRequest.Key)] = true
				}
			}
		}
		if len(left) == 0 {
			return nil
		}
		next := pending[:0:0]
		for _, e := range pending {
			if left[e.id] {
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

// sendRetryingThrottles sends an update and, while DynamoDB throttles it,
// waits with the one backoff and sends it again, rebuilt (a failed send
// restores the Go value, so the next attempt stamps it afresh).
func (q *query) sendRetryingThrottles(w *plan.Write, fields []string, policy *core.RetryPolicy) error {
	for attempt := 0; ; attempt++ {
		err := q.send(w)
		if err == nil || !isThrottle(err) || attempt >= policy.MaxRetries {
			return err
		}
		if err := backoff.Sleep(q.ctx, (*backoff.Policy)(policy), attempt); err != nil {
			return err
		}
		if w, err = q.planUpdate(fields); err != nil {
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
