package dynamorm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Backfill is a job over every item of a model (see RunBackfill): a
// function per item or per batch, run within a capacity budget.
type Backfill[T any] struct {
	// Each is called for every item; Batch for every batch (the items of
	// one response of one bucket). Set exactly one. The context they get
	// carries the job's capacity collector: writes made with it
	// (db.WithContext(ctx)) count against WriteUnits.
	Each  func(ctx context.Context, item T) error
	Batch func(ctx context.Context, items []T) error
	// ReadUnits and WriteUnits are the capacity budget per second, as
	// DynamoDB reports consumption (ReturnConsumedCapacity): before each
	// request of the iteration and each call of the function the job waits
	// until what it consumed so far is within budget for the time elapsed.
	// 0 is no limit.
	ReadUnits, WriteUnits float64
	// Retries is how many times a failed call is retried (with the DB's
	// backoff) before its items are reported as failed. 0 means 2; -1 none.
	Retries int
	// Progress, when set, is called after each batch.
	Progress func(BackfillProgress)
	// Total, when known, is the number of items the job will see, for the
	// estimate of the time remaining; 0 estimates it from the buckets done.
	Total int
	// Iterate configures the iteration (batch size, concurrency, and the
	// checkpoint of an earlier run to resume).
	Iterate IterateOptions
}

// BackfillProgress is what a backfill did so far in this run.
type BackfillProgress struct {
	Done, Failed int           // items processed, and reported as failed
	Elapsed      time.Duration // since the run started
	Rate         float64       // items (done or failed) per second
	// Estimated is the number of items the job will see (Total, or
	// extrapolated from the buckets done); 0 while unknown. Remaining is
	// the time the rest takes at Rate, 0 while unknown.
	Estimated int
	Remaining time.Duration
	Capacity  core.ConsumedCapacity // consumed by the iteration and the function
}

// BackfillResult is the outcome of RunBackfill.
type BackfillResult[T any] struct {
	Done     int                  // items processed
	Failures []BackfillFailure[T] // items that failed after every retry
	Capacity core.ConsumedCapacity
	Elapsed  time.Duration
	// Checkpoint resumes the job after the items processed or reported as
	// failed (IterateOptions.Checkpoint); Complete is true when no item is
	// left.
	Checkpoint string
	Complete   bool
}

// BackfillFailure names an item the function failed on.
type BackfillFailure[T any] struct {
	Key      string // the item's primary key, as attribute=value pairs
	Item     T
	Err      error // the last attempt's error
	Attempts int
}

// BackfillError is RunBackfill's error when some items failed: every
// other item was processed.
type BackfillError struct {
	Failed int
	Keys   []string // the failed items' keys
	First  error    // the first failure's error
}

// Error lists the failed items.
func (e *BackfillError) Error() string {
	return fmt.Sprintf("dynamorm: backfill: %d items failed: %s (first error: %v)", e.Failed, strings.Join(e.Keys, "; "), e.First)
}

// Unwrap is the first failure's error.
func (e *BackfillError) Unwrap() error { return e.First }

// RunBackfill runs b over every item of q's model (the query's Filter and
// Select apply, as in Iterate) and returns what it did. It stops promptly
// when q's context is cancelled, returning the context's error with a
// result whose Checkpoint resumes the rest; an item whose call was cut by
// the cancellation is not counted and runs again on resuming. Items that
// fail after their retries are in Failures and the error is a
// *BackfillError; a failed request of the iteration stops the job with its
// error (the checkpoint still resumes).
func RunBackfill[T any](q core.Query, b Backfill[T]) (*BackfillResult[T], error) {
	dq, ok := q.(*query)
	if !ok {
		return nil, fmt.Errorf("%w: RunBackfill needs a query of dynamorm's DB, got %T", core.ErrValidation, q)
	}
	if err := b.check(dq); err != nil {
		return nil, err
	}
	policy, err := dq.retryPolicyOrDefault("RunBackfill", nil)
	if err != nil {
		return nil, err
	}
	job := &backfillJob[T]{b: b, policy: policy, res: &BackfillResult[T]{}}
	job.budget = newCapBudget(b.ReadUnits, b.WriteUnits)
	n := dq.snapshot()
	n.ctx, n.capacity = WithCapacityCollector(dq.ctx, job.budget.used), nil
	job.ctx = n.ctx
	o := b.Iterate
	o.before = job.budget.wait
	job.it = Iterate[T](&n, o)
	if job.it.err != nil {
		return nil, job.it.err
	}
	job.counts = make([]int, len(job.it.parts))
	runErr := job.it.run("RunBackfill", job.page)
	return job.finish(runErr)
}

func (b *Backfill[T]) check(q *query) error {
	switch {
	case (b.Each == nil) == (b.Batch == nil):
		return fmt.Errorf("%w: RunBackfill %s: set exactly one of Each and Batch", core.ErrValidation, q.model.Name())
	case b.ReadUnits < 0 || b.WriteUnits < 0:
		return fmt.Errorf("%w: RunBackfill %s: ReadUnits and WriteUnits must not be negative (0 is no limit)", core.ErrValidation, q.model.Name())
	case b.Retries < -1:
		return fmt.Errorf("%w: RunBackfill %s: Retries must be -1 (none), 0 (the default, 2) or more", core.ErrValidation, q.model.Name())
	}
	if b.Retries == 0 {
		b.Retries = 2
	}
	if b.Retries < 0 {
		b.Retries = 0
	}
	return nil
}

// backfillJob is one run of a Backfill.
type backfillJob[T any] struct {
	b      Backfill[T]
	ctx    context.Context
	it     *Iterator[T]
	budget *capBudget
	policy *core.RetryPolicy
	res    *BackfillResult[T]
	counts []int // items seen per part, for the estimate
	stop   error // why the job stopped before the end
}

// page runs the function over one page and records its progress; false
// stops the iteration.
func (j *backfillJob[T]) page(p iterPage, items []T) bool {
	if len(items) == 0 {
		j.it.advance(p, -1)
		return true
	}
	if j.b.Batch != nil {
		if !j.call(p, items, 0, len(items), func() error { return j.b.Batch(j.ctx, items) }) {
			return false
		}
	} else {
		for i := range items {
			if !j.call(p, items, i, i+1, func() error { return j.b.Each(j.ctx, items[i]) }) {
				return false
			}
		}
	}
	j.counts[p.part] += len(items)
	if j.b.Progress != nil {
		j.b.Progress(j.progress())
	}
	return true
}

// call runs fn for items[from:to] (decoded from p) within the budget,
// with retries, and records the outcome. It returns false when the job
// must stop.
func (j *backfillJob[T]) call(p iterPage, items []T, from, to int, fn func() error) bool {
	var err error
	attempts := 0
	for attempts <= j.b.Retries {
		if attempts > 0 {
			if j.stop = j.it.q.db.sleep(j.ctx, j.policy, attempts-1, Event{Reason: "backfill call failed", Attempt: attempts + 1, Items: to - from}); j.stop != nil {
				return false
			}
		}
		if j.stop = j.budget.wait(j.ctx); j.stop != nil {
			return false
		}
		attempts++
		if err = fn(); err == nil {
			break
		}
		if j.ctx.Err() != nil {
			j.stop = j.ctx.Err() // cut by the cancellation: runs again on resuming
			return false
		}
	}
	if err != nil {
		for i := from; i < to; i++ {
			j.res.Failures = append(j.res.Failures, BackfillFailure[T]{Key: itemKey(p.items[i], j.it.q), Item: items[i], Err: err, Attempts: attempts})
		}
	} else {
		j.res.Done += to - from
	}
	j.it.advance(p, to-1)
	return true
}

// itemKey names an item by its primary key.
func itemKey(item map[string]types.AttributeValue, q *query) string {
	parts := make([]string, 0, 2)
	for _, k := range []*model.Field{q.model.PK, q.model.SK} {
		if k != nil {
			parts = append(parts, k.Attr+"="+core.FormatValue(item[k.Attr]))
		}
	}
	return strings.Join(parts, ",")
}

// finish completes the result after the iteration ended with runErr.
func (j *backfillJob[T]) finish(runErr error) (*BackfillResult[T], error) {
	res := j.res
	p := j.progress()
	res.Capacity, res.Elapsed = p.Capacity, p.Elapsed
	res.Complete = j.it.Done()
	cp, err := j.it.Checkpoint()
	if err != nil {
		return res, err
	}
	res.Checkpoint = cp
	switch {
	case j.stop != nil:
		return res, j.stop
	case runErr != nil:
		return res, runErr
	case len(res.Failures) > 0:
		be := &BackfillError{Failed: len(res.Failures), First: res.Failures[0].Err}
		for _, f := range res.Failures {
			be.Keys = append(be.Keys, f.Key)
		}
		return res, be
	}
	return res, nil
}

// progress is the job's progress now.
func (j *backfillJob[T]) progress() BackfillProgress {
	p := BackfillProgress{Done: j.res.Done, Failed: len(j.res.Failures), Elapsed: time.Since(j.budget.start), Capacity: j.budget.used.Total()}
	seen := p.Done + p.Failed
	if p.Elapsed > 0 {
		p.Rate = float64(seen) / p.Elapsed.Seconds()
	}
	p.Estimated = j.b.Total
	if p.Estimated == 0 {
		p.Estimated = j.extrapolate()
	}
	if p.Estimated > 0 && p.Rate > 0 {
		p.Estimated = max(p.Estimated, seen)
		p.Remaining = time.Duration(float64(p.Estimated-seen) / p.Rate * float64(time.Second))
	}
	return p
}

// extrapolate estimates the items of every part from those of the parts
// this run read completely (items spread evenly over buckets); 0 when no
// part is complete yet.
func (j *backfillJob[T]) extrapolate() int {
	j.it.mu.Lock()
	defer j.it.mu.Unlock()
	complete, items := 0, 0
	for i, part := range j.it.parts {
		if part.done && j.counts[i] > 0 {
			complete++
			items += j.counts[i]
		}
	}
	if complete == 0 {
		return 0
	}
	return items * len(j.it.parts) / complete
}
