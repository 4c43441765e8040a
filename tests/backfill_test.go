package tests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// markSeen is the backfill of the tests: it adds 1 to the event's Seen,
// with the job's context, so its writes count against the budget.
func markSeen(db *dynamorm.DB) func(context.Context, itEvent) error {
	return func(ctx context.Context, ev itEvent) error {
		return db.WithContext(ctx).Model(&itEvent{ID: ev.ID}).UpdateBuilder().Add("Seen", 1).Execute()
	}
}

// seenCounts reads every event's Seen, by N.
func seenCounts(t *testing.T, e *env, n int) []int {
	t.Helper()
	out := make([]int, n)
	for ev, err := range dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}).Select("N", "Seen"), dynamorm.IterateOptions{BatchSize: 500}).All() {
		if err != nil {
			t.Fatal(err)
		}
		out[ev.N] = ev.Seen
	}
	return out
}

func checkSeenOnce(t *testing.T, e *env, n int) {
	t.Helper()
	bad := 0
	for i, s := range seenCounts(t, e, n) {
		if s != 1 {
			bad++
			if bad < 5 {
				t.Errorf("event %d processed %d times", i, s)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d events not processed exactly once", bad, n)
	}
}

// TestBackfillCancelAndResume: a backfill cancelled mid-way stops at once
// (no call after the cancellation) with a checkpoint from which a second
// run processes exactly the rest: every item once.
func TestBackfillCancelAndResume(t *testing.T) {
	e := itEnv(t)
	const n = 3000
	seedEvents(t, e, n, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls, afterCancel atomic.Int64
	each := markSeen(e.db)
	var progress []dynamorm.BackfillProgress
	var mu sync.Mutex
	res, err := dynamorm.RunBackfill(e.db.WithContext(ctx).Model(&itEvent{}), dynamorm.Backfill[itEvent]{
		Each: func(ctx context.Context, ev itEvent) error {
			if ctx.Err() != nil {
				afterCancel.Add(1)
			}
			if err := each(ctx, ev); err != nil {
				return err
			}
			if calls.Add(1) == 1234 {
				cancel()
			}
			return nil
		},
		Progress: func(p dynamorm.BackfillProgress) { mu.Lock(); progress = append(progress, p); mu.Unlock() },
		Iterate:  dynamorm.IterateOptions{BatchSize: 100, Concurrency: 4},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled backfill: %v, want context.Canceled", err)
	}
	if afterCancel.Load() != 0 {
		t.Errorf("%d calls after the cancellation", afterCancel.Load())
	}
	if res.Done != 1234 || res.Complete || res.Checkpoint == "" {
		t.Fatalf("cancelled run: done %d complete %v checkpoint %q; want 1234, false, a checkpoint", res.Done, res.Complete, res.Checkpoint)
	}
	if len(progress) == 0 || progress[len(progress)-1].Done > 1234 || progress[len(progress)-1].Rate <= 0 {
		t.Errorf("progress reports: %+v", progress)
	}
	// Once a bucket is read completely, the total is extrapolated from it
	// (the buckets hold 300 items each, give or take 10%).
	last := progress[len(progress)-1]
	if last.Estimated < 2400 || last.Estimated > 3600 || last.Remaining <= 0 {
		t.Errorf("after %d items: estimated %d items, %v remaining; want about %d", last.Done, last.Estimated, last.Remaining, n)
	}
	rest, err := dynamorm.RunBackfill(e.db.Model(&itEvent{}), dynamorm.Backfill[itEvent]{
		Each:    each,
		Iterate: dynamorm.IterateOptions{BatchSize: 100, Concurrency: 4, Checkpoint: res.Checkpoint},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rest.Done != n-1234 || !rest.Complete {
		t.Errorf("resumed run: done %d complete %v; want %d, true", rest.Done, rest.Complete, n-1234)
	}
	checkSeenOnce(t, e, n)
}

// TestBackfillFailures: a call failing once is retried and succeeds; one
// failing every time is reported with its key after its retries, and every
// other item is processed. Batch functions work the same way.
func TestBackfillFailures(t *testing.T) {
	e := itEnv(t)
	const n = 500
	seedEvents(t, e, n, 0, 0)
	var attempts sync.Map // ID -> *atomic.Int64
	each := markSeen(e.db)
	boom := errors.New("boom")
	res, err := dynamorm.RunBackfill(e.db.Model(&itEvent{}), dynamorm.Backfill[itEvent]{
		Each: func(ctx context.Context, ev itEvent) error {
			a, _ := attempts.LoadOrStore(ev.ID, &atomic.Int64{})
			k := a.(*atomic.Int64).Add(1)
			switch {
			case ev.N%100 == 7:
				return fmt.Errorf("event %s: %w", ev.ID, boom)
			case ev.N%100 == 9 && k == 1:
				return errors.New("transient")
			}
			return each(ctx, ev)
		},
		Retries: 2,
	})
	var be *dynamorm.BackfillError
	if !errors.As(err, &be) || !errors.Is(err, boom) || be.Failed != 5 {
		t.Fatalf("err = %v, want a BackfillError of 5 items wrapping boom", err)
	}
	if res.Done != n-5 || !res.Complete || len(res.Failures) != 5 {
		t.Fatalf("done %d complete %v failures %d", res.Done, res.Complete, len(res.Failures))
	}
	failed := map[string]bool{}
	for _, f := range res.Failures {
		if f.Attempts != 3 || f.Item.N%100 != 7 || !errors.Is(f.Err, boom) {
			t.Errorf("failure %+v", f)
		}
		failed[f.Key] = true
	}
	for i := 7; i < n; i += 100 {
		if key := `pk="EVENT#` + eventID(i) + `",sk="EVENT"`; !failed[key] {
			t.Errorf("failure of %s not reported (got %v)", key, failed)
		}
	}
	for i, s := range seenCounts(t, e, n) {
		if want := map[bool]int{true: 0, false: 1}[i%100 == 7]; s != want {
			t.Errorf("event %d processed %d times, want %d", i, s, want)
		}
	}

	// A batch function: a failing batch names each of its items.
	var batches atomic.Int64
	res, err = dynamorm.RunBackfill(e.db.Model(&itEvent{}).Filter("Kind", "=", "view"), dynamorm.Backfill[itEvent]{
		Batch: func(ctx context.Context, evs []itEvent) error {
			if batches.Add(1) == 1 {
				return boom
			}
			return nil
		},
		Retries: -1,
		Iterate: dynamorm.IterateOptions{BatchSize: 10},
	})
	if !errors.As(err, &be) || res.Done+len(res.Failures) != n/2 || len(res.Failures) == 0 || len(res.Failures) > 10 {
		t.Fatalf("batch backfill: %v, done %d, failures %d; want %d items in all, one batch failed", err, res.Done, len(res.Failures), n/2)
	}
	for _, f := range res.Failures {
		if f.Attempts != 1 || f.Item.Kind != "view" {
			t.Errorf("batch failure %+v", f)
		}
	}
}

// TestBackfillBadInput: a job without exactly one function, or with a
// negative budget, is refused before any request.
func TestBackfillBadInput(t *testing.T) {
	e := itEnv(t)
	before := e.count.reads.Load()
	f := func(context.Context, itEvent) error { return nil }
	for name, b := range map[string]dynamorm.Backfill[itEvent]{
		"none":     {},
		"both":     {Each: f, Batch: func(context.Context, []itEvent) error { return nil }},
		"negative": {Each: f, WriteUnits: -1},
		"retries":  {Each: f, Retries: -2},
	} {
		if _, err := dynamorm.RunBackfill(e.db.Model(&itEvent{}), b); !errors.Is(err, core.ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", name, err)
		}
	}
	if _, err := dynamorm.RunBackfill(e.db.Model(&itNote{}), dynamorm.Backfill[itEvent]{Each: f}); !errors.Is(err, core.ErrValidation) {
		t.Errorf("not iterable: %v, want ErrValidation", err)
	}
	if sent := e.count.reads.Load() - before; sent != 0 {
		t.Errorf("refused jobs sent %d reads", sent)
	}
}

// capacityClient sums the capacity the server reported for Query and
// UpdateItem, the requests of the budget test.
type capacityClient struct {
	core.DynamoDBAPI
	mu           sync.Mutex
	read, writes float64
}

func (c *capacityClient) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.DynamoDBAPI.Query(ctx, in, o...)
	if err == nil && out.ConsumedCapacity != nil {
		c.mu.Lock()
		c.read += aws.ToFloat64(out.ConsumedCapacity.CapacityUnits)
		c.mu.Unlock()
	}
	return out, err
}

func (c *capacityClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	out, err := c.DynamoDBAPI.UpdateItem(ctx, in, o...)
	if err == nil && out.ConsumedCapacity != nil {
		c.mu.Lock()
		c.writes += aws.ToFloat64(out.ConsumedCapacity.CapacityUnits)
		c.mu.Unlock()
	}
	return out, err
}

// TestBackfillBudget: over a run, the capacity consumed per second, as the
// server reported it, is within 10% of the budget: writes bound one run,
// reads another. On DynamoDB Local, whose requests are slower, a run may
// also stay below the budget; on memdb the budget is what limits it.
func TestBackfillBudget(t *testing.T) {
	e := itEnv(t)
	const n = 1000
	seedEvents(t, e, n, 1100, 0)
	rec := &capacityClient{DynamoDBAPI: e.raw}
	db, err := dynamorm.New(session.Config{Client: rec, TableNamePrefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	within := func(what string, used, budget float64, elapsed time.Duration) {
		t.Helper()
		rate := used / elapsed.Seconds()
		t.Logf("%s: %.1f units in %v: %.1f/s, budget %.0f/s", what, used, elapsed, rate, budget)
		if rate > budget*1.1 || rate < budget*0.9 && testenv.Backend(t) == testenv.BackendMemDB {
			t.Errorf("%s: %.1f units per second, budget %.0f: not within 10%%", what, rate, budget)
		}
	}

	// Reads: 1.1 MB of items in pages of 25, at 50 units per second.
	res, err := dynamorm.RunBackfill(db.Model(&itEvent{}), dynamorm.Backfill[itEvent]{
		Each:      func(context.Context, itEvent) error { return nil },
		ReadUnits: 50,
		Iterate:   dynamorm.IterateOptions{BatchSize: 25, Concurrency: 1},
	})
	if err != nil || res.Done != n {
		t.Fatalf("read-bound backfill: %v, done %d", err, res.Done)
	}
	if res.Capacity.ReadUnits != rec.read || rec.read == 0 {
		t.Errorf("the job counted %.1f read units, the server reported %.1f", res.Capacity.ReadUnits, rec.read)
	}
	within("reads", rec.read, 50, res.Elapsed)

	// Writes: one update per click, half the items (4 units: the item and
	// its copy in the iteration index), at 500 units per second: 125
	// updates a second, which a loaded machine still sends on time, so that
	// the rate is the budget's and not the machine's.
	rec.read = 0
	res, err = dynamorm.RunBackfill(db.Model(&itEvent{}).Select("ID").Filter("Kind", "=", "click"), dynamorm.Backfill[itEvent]{
		Each:       markSeen(db),
		WriteUnits: 500,
		Iterate:    dynamorm.IterateOptions{BatchSize: 100},
	})
	if err != nil || res.Done != n/2 {
		t.Fatalf("write-bound backfill: %v, done %d", err, res.Done)
	}
	if res.Capacity.WriteUnits != rec.writes || rec.writes < n/2 {
		t.Errorf("the job counted %.1f write units, the server reported %.1f", res.Capacity.WriteUnits, rec.writes)
	}
	within("writes", rec.writes, 500, res.Elapsed)
	for i, seen := range seenCounts(t, e, n) {
		if want := 1 - i%2; seen != want { // seedEvents makes even events clicks
			t.Fatalf("event %d (%s) processed %d times, want %d", i, []string{"click", "view"}[i%2], seen, want)
		}
	}
}
