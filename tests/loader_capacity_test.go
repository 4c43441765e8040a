package tests

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
)

// readConcurrently reads ids in one scope's batch, each through its own
// query, and returns the values, errors and what each query was charged.
func readConcurrently(db core.DB, ids []string) ([]loaderUser, []error, []core.ConsumedCapacity) {
	got := make([]loaderUser, len(ids))
	errs := make([]error, len(ids))
	charged := make([]core.ConsumedCapacity, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := db.Model(&loaderUser{ID: id})
			errs[i] = q.First(&got[i])
			charged[i] = q.ConsumedCapacity()
		}()
	}
	wg.Wait()
	return got, errs, charged
}

// TestLoaderUnprocessedKeys: keys a BatchGetItem leaves unprocessed are
// retried; when the retries end, their readers get a *BatchError naming
// the key — never "not found" — and the key is not cached, so a later read
// in the scope reads it.
func TestLoaderUnprocessedKeys(t *testing.T) {
	e, _, _ := loaderEnv(t, 20)
	c, inj := faultClient(t, e.raw, faults.Config{Seed: 15})
	rec := &readRecorder{DynamoDBAPI: c}
	sc := sessionFor(rec, e)
	sc.BatchRetry = &core.RetryPolicy{MaxRetries: 2, InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, BackoffFactor: 2}
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%02d", i)
	}

	// Once: the keys left are retried and every reader is served.
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Unprocessed, Op: "BatchGetItem", Nth: 1}))
	ctx, scope := dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(300*time.Millisecond))
	got, errs, charged := readConcurrently(db.WithContext(ctx), ids)
	var sum float64
	for i := range ids {
		require.NoError(t, errs[i], ids[i])
		assert.Equal(t, fmt.Sprintf("user %d", i), got[i].Name)
		sum += charged[i].ReadUnits
	}
	rec.mu.Lock()
	reported := rec.units
	rec.mu.Unlock()
	_, batches := rec.reads()
	assert.GreaterOrEqual(t, len(batches), 2, "the unprocessed keys were sent again")
	// Unprocessed keys cost nothing: each reader was charged its item, and
	// that is all the server reported; the scope's total is the report.
	assert.Equal(t, 20*0.5, sum)
	assert.Equal(t, reported, scope.Capacity().ReadUnits)
	assert.InDelta(t, reported, sum+scope.Unattributed().ReadUnits, 1e-9)

	// Always: the retries end with keys unread.
	inj.Clear()
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Unprocessed, Op: "BatchGetItem", Nth: 1, Times: faults.Always}))
	ctx, _ = dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(300*time.Millisecond))
	sdb := db.WithContext(ctx)
	got, errs, _ = readConcurrently(sdb, ids)
	var unread []string
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, fmt.Sprintf("user %d", i), got[i].Name)
			continue
		}
		assert.NotErrorIs(t, err, dynamorm.ErrItemNotFound, "an unread key is not a missing item")
		be, ok := errorsAsBatch(err)
		require.True(t, ok, "a *BatchError: %v", err)
		require.Len(t, be.Failures, 1)
		assert.Contains(t, be.Failures[0].Key, ids[i])
		unread = append(unread, ids[i])
	}
	require.NotEmpty(t, unread, "the injector keeps a key back from every request")
	rec.reads()
	inj.Clear()
	got, errs, _ = readConcurrently(sdb, unread)
	for i := range unread {
		require.NoError(t, errs[i])
		assert.Equal(t, fmt.Sprintf("user %d", atoi(t, unread[i][1:])), got[i].Name)
	}
	_, batches = rec.reads()
	assert.Len(t, batches, 1, "the keys left unread are read again, not served as missing")
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s) // not fmt.Sscan, which reads "09" as octal and stops at the 9
	require.NoError(t, err)
	return n
}

// TestLoaderCapacity: what a scope did adds up on it, per table and index —
// batched reads (each reader charged its own item), writes and queries —
// and equals what the server reported for the same requests.
func TestLoaderCapacity(t *testing.T) {
	_, db, rec := loaderEnv(t, 3)
	ctx, scope := dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(300*time.Millisecond))
	sdb := db.WithContext(ctx)
	_, errs, charged := readConcurrently(sdb, []string{"u00", "u01", "u02"})
	for i := range errs {
		require.NoError(t, errs[i])
		assert.Equal(t, 0.5, charged[i].ReadUnits, "one small item, eventually consistent")
	}
	rec.mu.Lock()
	reported := rec.units
	rec.mu.Unlock()
	assert.Equal(t, 1.5, reported, "the server's report of the batch")
	got := scope.Capacity()
	assert.Equal(t, reported, got.ReadUnits)
	assert.Zero(t, scope.Unattributed().ReadUnits)

	// A write and a scan add to the scope, per table.
	w := sdb.Model(&loaderUser{ID: "u00", Name: "x"})
	require.NoError(t, w.Update("Name"))
	var all []loaderUser
	s := sdb.Model(&loaderUser{})
	require.NoError(t, s.Scan(&all))
	require.Len(t, all, 3)
	got = scope.Capacity()
	assert.Equal(t, w.ConsumedCapacity().WriteUnits, got.WriteUnits)
	assert.Greater(t, got.WriteUnits, 0.0)
	assert.InDelta(t, reported+s.ConsumedCapacity().ReadUnits, got.ReadUnits, 1e-9)
	require.Len(t, got.Tables, 1)
	for _, tc := range got.Tables {
		assert.InDelta(t, got.ReadUnits, tc.ReadUnits, 1e-9)
		assert.InDelta(t, got.WriteUnits, tc.WriteUnits, 1e-9)
	}
	assert.Equal(t, got, scope.TenantCapacity(""), "all of it without a tenant")
}

// TestLoaderCapacityPerIndex: a write to an entity with GSIs and a query of
// one, inside a scope, show up per index on it, as each call reported.
func TestLoaderCapacityPerIndex(t *testing.T) {
	e := shopEnv(t)
	ctx, scope := dynamorm.WithLoader(context.Background())
	sdb := e.db.WithContext(ctx)
	w := sdb.Model(&stCustomer{ID: "c1", Email: "c1@example.com", Name: "Ann"})
	require.NoError(t, w.Create())
	var found []stCustomer
	q := sdb.Model(&stCustomer{}).Where("Email", "=", "c1@example.com")
	require.NoError(t, q.All(&found))
	require.Len(t, found, 1)
	want := w.ConsumedCapacity()
	want.Merge(q.ConsumedCapacity())
	got := scope.Capacity()
	assert.Equal(t, want.Tables, got.Tables)
	assert.Equal(t, want.Indexes, got.Indexes)
	assert.NotEmpty(t, got.Indexes, "the GSI's share is reported per index")
	assert.Equal(t, want.Requests, got.Requests)
}
