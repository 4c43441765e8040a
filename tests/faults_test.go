package tests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// faultItem is the model of the fault-injection tests: a version, both
// timestamps, and fields each write sets to a value of its own.
type faultItem struct {
	ID      string    `dynamorm:"pk"`
	Owner   string    `dynamorm:"attr:owner"`
	Count   int64     `dynamorm:"attr:count"`
	Version int64     `dynamorm:"version"`
	Created time.Time `dynamorm:"created_at"`
	Updated time.Time `dynamorm:"updated_at"`
}

// outcome is what dynamorm reported for one write.
type outcome int

const (
	reportedOK outcome = iota
	reportedFailed
	reportedUnknown
)

func outcomeOf(err error) outcome {
	switch {
	case err == nil:
		return reportedOK
	case errors.Is(err, dynamorm.ErrOutcomeUnknown):
		return reportedUnknown
	}
	return reportedFailed
}

// tally counts the outcomes checked against what was stored, and the
// mismatches (an outcome reported that the stored item contradicts).
type tally struct {
	mu         sync.Mutex
	counts     [3]int
	mismatches []string
}

func (c *tally) add(o outcome) {
	c.mu.Lock()
	c.counts[o]++
	c.mu.Unlock()
}

func (c *tally) mismatch(format string, args ...any) {
	c.mu.Lock()
	c.mismatches = append(c.mismatches, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

func (c *tally) checked() int { return c.counts[0] + c.counts[1] + c.counts[2] }

func (c *tally) report(t *testing.T, what string, inj *faults.Injector) {
	t.Helper()
	t.Logf("%s on %s: %d outcomes checked (%d ok, %d failed, %d unknown); %s",
		what, testenv.Backend(t), c.checked(), c.counts[reportedOK], c.counts[reportedFailed], c.counts[reportedUnknown], inj.Summary())
	for i, m := range c.mismatches {
		if i == 20 {
			t.Errorf("... and %d more mismatches", len(c.mismatches)-20)
			break
		}
		t.Error(m)
	}
	require.Positive(t, inj.Injected(), "no fault was injected")
}

// faultRetry is the batch and transaction retry policy of the fault tests:
// dynamorm's default, with short delays.
var faultRetry = &core.RetryPolicy{MaxRetries: 6, InitialDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, BackoffFactor: 2}

// faultRetryFor is faultRetry, with delays of at most memdbMaxBackoff on
// memdb (see faultClient).
func faultRetryFor(t *testing.T) *core.RetryPolicy {
	if testenv.Backend(t) != testenv.BackendMemDB {
		return faultRetry
	}
	p := *faultRetry
	p.MaxDelay = memdbMaxBackoff
	return &p
}

// memdbMaxBackoff and memdbStall are the longest retry backoff and the
// injected stall of the fault tests on memdb (20 ms and 50 ms on DynamoDB
// Local). memdb answers in microseconds: there those waits only stood for a
// real server's latency, and with them the fault tests spent most of their
// time asleep. The tests send the same requests through the same faults and
// check every outcome as on DynamoDB Local (more of them: see scale).
const (
	memdbMaxBackoff = 2 * time.Millisecond
	memdbStall      = 5 * time.Millisecond
)

// faultClient is faults.Client, with memdb's shorter stalls and backoffs
// on memdb.
func faultClient(t *testing.T, raw *dynamodb.Client, cfg faults.Config) (*dynamodb.Client, *faults.Injector) {
	if testenv.Backend(t) != testenv.BackendMemDB {
		return faults.Client(raw, cfg)
	}
	if cfg.Stall == 0 {
		cfg.Stall = memdbStall
	}
	c, inj := faults.Client(raw, cfg)
	return dynamodb.New(c.Options(), func(o *dynamodb.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, memdbMaxBackoff)
	}), inj
}

// faultEnv is a test's tables, reachable without faults (e.db) and through
// an injector (db).
func faultEnv(t *testing.T, cfg faults.Config, models ...any) (*env, *dynamorm.DB, *faults.Injector) {
	t.Helper()
	e := newEnv(t, models...)
	c, inj := faultClient(t, e.raw, cfg)
	sc := sessionFor(c, e)
	sc.BatchRetry = faultRetryFor(t)
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	return e, db, inj
}

// storedFault reads an item without faults.
func storedFault(t *testing.T, e *env, id string) (faultItem, bool) {
	var got faultItem
	err := e.db.Model(&faultItem{}).Where("ID", "=", id).ConsistentRead().First(&got)
	if errors.Is(err, dynamorm.ErrItemNotFound) {
		return got, false
	}
	require.NoError(t, err)
	return got, true
}

// scale is n on memdb and n/div on DynamoDB Local, which is slower.
func scale(t *testing.T, n, div int) int {
	if testenv.Backend(t) == testenv.BackendLocal {
		return max(n/div, 1)
	}
	return n
}

// opCtx is one operation's context: cancellable by the injector, bounded.
func opCtx() (context.Context, context.CancelFunc) {
	ctx, cancel := faults.WithCancel(context.Background())
	ctx, stop := context.WithTimeout(ctx, 10*time.Second)
	return ctx, func() { stop(); cancel() }
}

// TestFaultsSingleWrites sends creates, versioned updates, upserts, creates
// of existing items and versioned deletes through every fault and checks each
// reported outcome against the item read back without faults: a success is
// stored, a failure left the item as it was (and the Go value too), and no
// write is reported as a condition failure when its own retry failed.
func TestFaultsSingleWrites(t *testing.T) {
	e, db, inj := faultEnv(t, faults.Config{Seed: 19, Rate: 0.3}, &faultItem{})
	workers, items, updates := 8, scale(t, 30, 2), 4
	var c tally
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < items; i++ {
				faultItemLife(t, e, db, &c, fmt.Sprintf("w%d-i%d", w, i), updates)
			}
		}(w)
	}
	wg.Wait()
	c.report(t, "single writes", inj)
}

// faultItemLife creates one item, updates it, tries to create it again and
// deletes it, checking every outcome.
func faultItemLife(t *testing.T, e *env, db *dynamorm.DB, c *tally, id string, updates int) {
	item := &faultItem{ID: id, Owner: "creator " + id}
	for created := false; !created; {
		ctx, cancel := opCtx()
		err := db.WithContext(ctx).Model(item).Create()
		cancel()
		o := outcomeOf(err)
		c.add(o)
		got, ok := storedFault(t, e, id)
		switch {
		case o == reportedOK && (!ok || got.Owner != item.Owner || got.Version != 1 || item.Version != 1):
			c.mismatch("Create %s reported ok; stored %v (present %v), Go value version %d", id, got, ok, item.Version)
		case o == reportedFailed && ok:
			c.mismatch("Create %s reported failed (%v) but the item is stored", id, err)
		case o == reportedFailed && errors.Is(err, dynamorm.ErrConditionFailed):
			c.mismatch("Create %s of a new item reported a condition failure: %v", id, err)
		}
		if ok {
			*item, created = got, true
		}
	}
	for u := 1; u <= updates; u++ {
		before := *item
		item.Count = int64(u)
		ctx, cancel := opCtx()
		err := db.WithContext(ctx).Model(item).Update("Count")
		cancel()
		o := outcomeOf(err)
		c.add(o)
		got, _ := storedFault(t, e, id)
		switch {
		case o == reportedOK && (got.Count != int64(u) || got.Version != before.Version+1 || item.Version != got.Version):
			c.mismatch("Update %s #%d reported ok; stored count %d version %d, Go version %d", id, u, got.Count, got.Version, item.Version)
		case o == reportedFailed && (got.Version != before.Version || item.Version != before.Version):
			c.mismatch("Update %s #%d reported failed (%v); stored version %d, Go version %d, was %d", id, u, err, got.Version, item.Version, before.Version)
		}
		*item = got // continue from what is stored
	}
	// CreateOrUpdate of the existing item: an UpdateItem that keeps
	// created_at (if_not_exists) and checks the version.
	before := *item
	item.Owner = "upserted " + id
	ctx, cancel := opCtx()
	err := db.WithContext(ctx).Model(item).CreateOrUpdate()
	cancel()
	o := outcomeOf(err)
	c.add(o)
	got, _ := storedFault(t, e, id)
	switch {
	case o == reportedOK && (got.Owner != item.Owner || got.Version != before.Version+1 || item.Version != got.Version || !item.Created.Equal(got.Created)):
		c.mismatch("CreateOrUpdate %s reported ok; stored owner %q version %d, Go version %d", id, got.Owner, got.Version, item.Version)
	case o == reportedFailed && (got.Version != before.Version || item.Version != before.Version):
		c.mismatch("CreateOrUpdate %s reported failed (%v); stored version %d, Go version %d, was %d", id, err, got.Version, item.Version, before.Version)
	}
	*item = got
	dup := &faultItem{ID: id, Owner: "intruder"}
	ctx, cancel = opCtx()
	err = db.WithContext(ctx).Model(dup).Create()
	cancel()
	o = outcomeOf(err)
	c.add(o)
	if got, _ := storedFault(t, e, id); o == reportedOK || got.Owner == "intruder" {
		c.mismatch("Create of existing %s: reported %v (%v), stored owner %q", id, o, err, got.Owner)
	}
	for deleted := false; !deleted; {
		ctx, cancel := opCtx()
		err := db.WithContext(ctx).Model(item).Delete()
		cancel()
		o := outcomeOf(err)
		c.add(o)
		_, ok := storedFault(t, e, id)
		switch {
		case o == reportedOK && ok:
			c.mismatch("Delete %s reported ok but the item is stored", id)
		case o == reportedFailed && !ok:
			c.mismatch("Delete %s reported failed (%v) but the item is gone", id, err)
		}
		deleted = !ok
	}
}

// TestFaultsTransactions commits transactions (create a record, update a
// versioned account) through every fault and checks each reported outcome
// against the items read back: a commit whose response was lost is retried
// with its idempotency token and reported as what happened, a conflict is
// retried, and an outcome that stays unknown is ErrOutcomeUnknown.
func TestFaultsTransactions(t *testing.T) {
	e, db, inj := faultEnv(t, faults.Config{Seed: 1902, Rate: 0.3}, &faultItem{})
	workers, txs := 6, scale(t, 40, 2)
	var c tally
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		acct := &faultItem{ID: fmt.Sprintf("acct-%d", w), Owner: "account"}
		require.NoError(t, e.db.Model(acct).Create())
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := 0; j < txs; j++ {
				faultTransfer(t, e, db, &c, acct, fmt.Sprintf("rec-%d-%d", w, j), int64(j+1))
			}
		}(w)
	}
	wg.Wait()
	c.report(t, "transactions", inj)
}

func faultTransfer(t *testing.T, e *env, db *dynamorm.DB, c *tally, acct *faultItem, recID string, count int64) {
	before := *acct
	rec := &faultItem{ID: recID, Owner: acct.ID}
	acct.Count = count
	ctx, cancel := opCtx()
	err := db.WithContext(ctx).Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(rec).Create(); err != nil {
			return err
		}
		return tx.Model(acct).Update("Count")
	})
	cancel()
	o := outcomeOf(err)
	c.add(o)
	got, _ := storedFault(t, e, acct.ID)
	_, recorded := storedFault(t, e, recID)
	switch {
	case o == reportedOK && (!recorded || got.Count != count || got.Version != before.Version+1 || acct.Version != got.Version || rec.Version != 1):
		c.mismatch("transaction %s reported ok; record stored %v, account count %d version %d (Go %d, was %d)", recID, recorded, got.Count, got.Version, acct.Version, before.Version)
	case o == reportedFailed && (recorded || got.Version != before.Version || acct.Version != before.Version || rec.Version != 0):
		c.mismatch("transaction %s reported failed (%v); record stored %v, account version %d (Go %d, was %d)", recID, err, recorded, got.Version, acct.Version, before.Version)
	case o == reportedFailed && errors.Is(err, dynamorm.ErrConditionFailed):
		c.mismatch("transaction %s without a competing writer reported a condition failure: %v", recID, err)
	case o == reportedUnknown && recorded != (got.Version == before.Version+1):
		c.mismatch("transaction %s (unknown outcome) applied in part: record %v, account version %d, was %d", recID, recorded, got.Version, before.Version)
	}
	*acct = got
}
