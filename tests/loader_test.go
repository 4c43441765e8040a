package tests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
)

type loaderUser struct {
	ID   string `dynamorm:"pk"`
	Name string
	Tags []string `dynamorm:"omitempty"`
}

func (loaderUser) TableName() string { return "loader_users" }

// readRecorder records the reads sent: GetItems, and for each BatchGetItem
// the number of keys and whether it was strongly consistent; and the read
// capacity the server reported in all.
type readRecorder struct {
	core.DynamoDBAPI
	mu         sync.Mutex
	gets       int
	batches    []int // keys per BatchGetItem
	consistent int   // strongly consistent BatchGetItems
	units      float64
}

func (r *readRecorder) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := r.DynamoDBAPI.GetItem(ctx, in, o...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gets++
	if out != nil && out.ConsumedCapacity != nil {
		r.units += aws.ToFloat64(out.ConsumedCapacity.CapacityUnits)
	}
	return out, err
}

func (r *readRecorder) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out, err := r.DynamoDBAPI.BatchGetItem(ctx, in, o...)
	r.mu.Lock()
	defer r.mu.Unlock()
	n, consistent := 0, false
	for _, ka := range in.RequestItems {
		n += len(ka.Keys)
		consistent = consistent || aws.ToBool(ka.ConsistentRead)
	}
	r.batches = append(r.batches, n)
	if consistent {
		r.consistent++
	}
	if out != nil {
		for _, cc := range out.ConsumedCapacity {
			r.units += aws.ToFloat64(cc.CapacityUnits)
		}
	}
	return out, err
}

// reads returns the GetItems and the keys of each BatchGetItem sent since
// the last call, and forgets them.
func (r *readRecorder) reads() (int, []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	gets, batches := r.gets, r.batches
	r.gets, r.batches, r.consistent, r.units = 0, nil, 0, 0
	return gets, batches
}

// loaderEnv is a test's users table with n users (u00, u01, ...) and a DB
// whose reads are recorded.
func loaderEnv(t *testing.T, n int) (*env, *dynamorm.DB, *readRecorder) {
	t.Helper()
	e := newEnv(t, &loaderUser{})
	users := make([]loaderUser, n)
	for i := range users {
		users[i] = loaderUser{ID: fmt.Sprintf("u%02d", i), Name: fmt.Sprintf("user %d", i)}
	}
	if n > 0 {
		require.NoError(t, e.db.Model(&loaderUser{}).BatchCreate(users))
	}
	rec := &readRecorder{DynamoDBAPI: e.raw}
	db, err := dynamorm.New(sessionFor(rec, e))
	require.NoError(t, err)
	return e, db, rec
}

func getUser(db core.DB, id string) (loaderUser, error) {
	return dynamorm.Get(db, loaderUser{ID: id})
}

// TestLoaderCoalescesConcurrentReads: 200 goroutines reading 50 distinct
// keys in one scope send one BatchGetItem of the 50 keys (no GetItem), and
// with LoaderMaxKeys(10) one request per chunk of 10 keys; each reader gets
// the item it asked for, as its own copy.
func TestLoaderCoalescesConcurrentReads(t *testing.T) {
	_, db, rec := loaderEnv(t, 50)
	for _, tc := range []struct {
		name    string
		opts    []dynamorm.LoaderOption
		batches []int
	}{
		{"one batch", []dynamorm.LoaderOption{dynamorm.LoaderWindow(300 * time.Millisecond)}, []int{50}},
		{"chunks of 10", []dynamorm.LoaderOption{dynamorm.LoaderWindow(time.Minute), dynamorm.LoaderMaxKeys(10)}, []int{10, 10, 10, 10, 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec.reads()
			ctx, _ := dynamorm.WithLoader(context.Background(), tc.opts...)
			sdb := db.WithContext(ctx)
			got := make([]loaderUser, 200)
			errs := make([]error, 200)
			var start, wg sync.WaitGroup
			start.Add(1)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					start.Wait()
					got[i], errs[i] = getUser(sdb, fmt.Sprintf("u%02d", i%50))
				}()
			}
			start.Done()
			wg.Wait()
			for i := range got {
				require.NoError(t, errs[i], "reader %d", i)
				assert.Equal(t, fmt.Sprintf("user %d", i%50), got[i].Name, "reader %d", i)
			}
			gets, batches := rec.reads()
			assert.Zero(t, gets, "no GetItem in a scope")
			assert.Equal(t, tc.batches, batches, "one BatchGetItem per chunk of distinct keys")

			// The readers of one key got copies: changing one changes
			// neither another reader's value nor what the scope serves.
			got[0].Name, got[0].Tags = "changed", append(got[0].Tags, "x")
			assert.Equal(t, "user 0", got[50].Name)
			again, err := getUser(sdb, "u00")
			require.NoError(t, err)
			assert.Equal(t, "user 0", again.Name)
			assert.Empty(t, again.Tags)
			gets, batches = rec.reads()
			assert.Zero(t, gets+len(batches), "a second read in the scope is served by its cache")
		})
	}
}

// TestLoaderNothingCachedOutsideAScope: without a scope every read is a
// GetItem of its own; two scopes never share what they read.
func TestLoaderNothingCachedOutsideAScope(t *testing.T) {
	e, db, rec := loaderEnv(t, 2)
	for i := 0; i < 2; i++ {
		_, err := getUser(db, "u00")
		require.NoError(t, err)
	}
	gets, batches := rec.reads()
	assert.Equal(t, 2, gets)
	assert.Empty(t, batches)

	ctxA, _ := dynamorm.WithLoader(context.Background())
	ctxB, _ := dynamorm.WithLoader(context.Background())
	a, b := db.WithContext(ctxA), db.WithContext(ctxB)
	u, err := getUser(a, "u00")
	require.NoError(t, err)
	assert.Equal(t, "user 0", u.Name)
	// A write made through scope B (and one made outside any scope)
	// changes what B and later scopes read, not what A cached.
	require.NoError(t, b.Model(&loaderUser{ID: "u00", Name: "renamed by B"}).Update("Name"))
	require.NoError(t, e.db.Model(&loaderUser{ID: "u01", Name: "renamed outside"}).Update("Name"))
	_, _ = rec.reads()
	u, err = getUser(a, "u00")
	require.NoError(t, err)
	assert.Equal(t, "user 0", u.Name, "scope A keeps what it read")
	gets, batches = rec.reads()
	assert.Zero(t, gets+len(batches))
	u, err = getUser(b, "u00")
	require.NoError(t, err)
	assert.Equal(t, "renamed by B", u.Name, "scope B reads its own write")
	ctxC, _ := dynamorm.WithLoader(context.Background())
	u, err = getUser(db.WithContext(ctxC), "u01")
	require.NoError(t, err)
	assert.Equal(t, "renamed outside", u.Name, "a new scope reads the table")
}

// TestLoaderWriteThrough: writes through the scope keep its cache right —
// a put stores the item (read back without a request), an update makes the
// next read strongly consistent, a delete leaves a tombstone (not found
// without a request), in a transaction and in a batch too; strongly
// consistent reads always send a request.
func TestLoaderWriteThrough(t *testing.T) {
	e, db, rec := loaderEnv(t, 3)
	ctx, _ := dynamorm.WithLoader(context.Background())
	sdb := db.WithContext(ctx)
	expectReads := func(wantGets int, wantBatches []int, what string) {
		t.Helper()
		gets, batches := rec.reads()
		assert.Equal(t, wantGets, gets, "%s: GetItems", what)
		assert.Equal(t, wantBatches, batches, "%s: BatchGetItems", what)
	}

	_, err := getUser(sdb, "u00")
	require.NoError(t, err)
	expectReads(0, []int{1}, "first read")

	// Create: the put's item is cached.
	require.NoError(t, sdb.Model(&loaderUser{ID: "n1", Name: "new"}).Create())
	u, err := getUser(sdb, "n1")
	require.NoError(t, err)
	assert.Equal(t, "new", u.Name)
	expectReads(0, nil, "read after Create")

	// Update: the next read is strongly consistent and sees it.
	require.NoError(t, sdb.Model(&loaderUser{ID: "u00", Name: "updated"}).Update("Name"))
	u, err = getUser(sdb, "u00")
	require.NoError(t, err)
	assert.Equal(t, "updated", u.Name)
	rec.mu.Lock()
	assert.Equal(t, 1, rec.consistent, "the read after an update is strongly consistent")
	rec.mu.Unlock()
	expectReads(0, []int{1}, "read after Update")

	// Delete: a tombstone; the item is gone from the table too.
	require.NoError(t, sdb.Model(&loaderUser{ID: "u00"}).Delete())
	_, err = getUser(sdb, "u00")
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	expectReads(0, nil, "read after Delete")
	_, err = getUser(e.db, "u00")
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)

	// A transaction's writes: put cached, delete tombstoned.
	require.NoError(t, sdb.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(&loaderUser{ID: "t1", Name: "in tx"}); err != nil {
			return err
		}
		return tx.Delete(&loaderUser{ID: "u02"})
	}))
	u, err = getUser(sdb, "t1")
	require.NoError(t, err)
	assert.Equal(t, "in tx", u.Name)
	_, err = getUser(sdb, "u02")
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	expectReads(0, nil, "reads after a transaction")

	// A batch's writes.
	require.NoError(t, sdb.Model(&loaderUser{}).BatchCreate([]loaderUser{{ID: "b1", Name: "batched"}}))
	u, err = getUser(sdb, "b1")
	require.NoError(t, err)
	assert.Equal(t, "batched", u.Name)
	expectReads(0, nil, "read after BatchCreate")

	// Strongly consistent reads bypass the cache.
	var c loaderUser
	for i := 0; i < 2; i++ {
		require.NoError(t, sdb.Model(&loaderUser{ID: "b1"}).ConsistentRead().First(&c))
	}
	assert.Equal(t, "batched", c.Name)
	expectReads(2, nil, "consistent reads")

	// A read that found nothing is remembered too.
	for i := 0; i < 2; i++ {
		_, err = getUser(sdb, "absent")
		assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	}
	expectReads(0, []int{1}, "reads of a missing item")
}

// TestLoaderEntityOfTheCachedItem: a customer and an impostor entity share
// key templates; a customer cached in the scope is not an impostor.
func TestLoaderEntityOfTheCachedItem(t *testing.T) {
	e := shopEnv(t)
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1", Email: "c1@example.com", Name: "Ann"}).Create())
	ctx, _ := dynamorm.WithLoader(context.Background())
	sdb := e.db.WithContext(ctx)
	c, err := dynamorm.Get(sdb, stCustomer{ID: "c1"})
	require.NoError(t, err)
	assert.Equal(t, "Ann", c.Name)
	e.count.reads.Store(0)
	_, err = dynamorm.Get(sdb, stImpostor{ID: "c1"})
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound, "the cached item is a customer")
	c, err = dynamorm.Get(sdb, stCustomer{ID: "c1"})
	require.NoError(t, err)
	assert.Equal(t, "Ann", c.Name)
	assert.Zero(t, e.count.reads.Load(), "both served by the scope")
}

// TestLoaderRequired: on a DB opened with RequireLoader, a read outside a
// scope fails before sending; inside one it is served.
func TestLoaderRequired(t *testing.T) {
	e, _, rec := loaderEnv(t, 1)
	sc := sessionFor(rec, e)
	sc.RequireLoader = true
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	_, err = getUser(db, "u00")
	assert.ErrorIs(t, err, dynamorm.ErrLoaderRequired)
	var all []loaderUser
	assert.ErrorIs(t, db.Model(&loaderUser{}).Scan(&all), dynamorm.ErrLoaderRequired)
	assert.ErrorIs(t, db.Model(&loaderUser{}).BatchGet([]any{"u00"}, &all), dynamorm.ErrLoaderRequired)
	gets, batches := rec.reads()
	assert.Zero(t, gets+len(batches), "nothing sent")

	ctx, _ := dynamorm.WithLoader(context.Background())
	u, err := getUser(db.WithContext(ctx), "u00")
	require.NoError(t, err)
	assert.Equal(t, "user 0", u.Name)
	require.NoError(t, db.WithContext(ctx).Model(&loaderUser{}).Scan(&all))
	assert.Len(t, all, 1)
}

// TestLoaderInvalidOptions: a bad option fails every read of the scope
// before sending.
func TestLoaderInvalidOptions(t *testing.T) {
	_, db, rec := loaderEnv(t, 1)
	for _, o := range []dynamorm.LoaderOption{dynamorm.LoaderMaxKeys(0), dynamorm.LoaderMaxKeys(101), dynamorm.LoaderWindow(-time.Second)} {
		ctx, _ := dynamorm.WithLoader(context.Background(), o)
		_, err := getUser(db.WithContext(ctx), "u00")
		assert.ErrorIs(t, err, dynamorm.ErrValidation)
	}
	gets, batches := rec.reads()
	assert.Zero(t, gets+len(batches), "nothing sent")
}

// TestLoaderReaderContext: a reader whose context ends stops waiting with
// its context's error; the batch still serves the others.
func TestLoaderReaderContext(t *testing.T) {
	_, db, rec := loaderEnv(t, 2)
	ctx, scope := dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(200*time.Millisecond))
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	var other loaderUser
	var otherErr error
	go func() {
		defer wg.Done()
		other, otherErr = getUser(db.WithContext(ctx), "u01")
	}()
	gone := db.WithContext(short).Model(&loaderUser{ID: "u00"})
	var u0 loaderUser
	assert.ErrorIs(t, gone.First(&u0), context.DeadlineExceeded)
	wg.Wait()
	require.NoError(t, otherErr)
	assert.Equal(t, "user 1", other.Name)
	_, batches := rec.reads()
	assert.Equal(t, []int{2}, batches, "the waiting reader's key was read with the other")
	// The reader that left is still charged the read it asked for, so the
	// scope's unattributed capacity is only what no reader asked for.
	assert.Equal(t, 0.5, gone.ConsumedCapacity().ReadUnits)
	assert.Zero(t, scope.Unattributed().ReadUnits)
	assert.Equal(t, 1.0, scope.Capacity().ReadUnits)
	u, err := getUser(db.WithContext(ctx), "u00")
	require.NoError(t, err)
	assert.Equal(t, "user 0", u.Name)
	gets, batches := rec.reads()
	assert.Zero(t, gets+len(batches), "and cached")
}

// errorsAsBatch is errors.As for *dynamorm.BatchError.
func errorsAsBatch(err error) (*dynamorm.BatchError, bool) {
	var be *dynamorm.BatchError
	ok := errors.As(err, &be)
	return be, ok
}

// TestLoaderUnknownOutcomeMakesStale: a write through the scope whose
// response was lost may have been applied, so what the scope held for the
// item (here: that there is none) is not served again; the next read is
// strongly consistent and finds the item the write stored.
func TestLoaderUnknownOutcomeMakesStale(t *testing.T) {
	e, _, _ := loaderEnv(t, 0)
	c, inj := faultClient(t, e.raw, faults.Config{Seed: 3})
	rec := &readRecorder{DynamoDBAPI: c}
	sc := sessionFor(rec, e)
	sc.MaxAttempts = 1
	db, err := dynamorm.New(sc)
	require.NoError(t, err)
	ctx, _ := dynamorm.WithLoader(context.Background())
	sdb := db.WithContext(ctx)
	_, err = getUser(sdb, "n1")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	require.NoError(t, inj.Add(faults.Rule{Kind: faults.Error500Lost, Op: "PutItem", Nth: 1, Times: faults.Always}))
	err = sdb.Model(&loaderUser{ID: "n1", Name: "maybe"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrOutcomeUnknown)
	inj.Clear()
	rec.reads()
	u, err := getUser(sdb, "n1")
	require.NoError(t, err, "the cached absence is not served after a write of unknown outcome")
	assert.Equal(t, "maybe", u.Name)
	rec.mu.Lock()
	assert.Equal(t, 1, rec.consistent, "read strongly consistently")
	rec.mu.Unlock()
}

// TestLoaderFindByOwner: FindBy in a scope reads the guard with a GetItem
// each time and the owner through the loader, once.
func TestLoaderFindByOwner(t *testing.T) {
	e := newEnv(t, &uqUser{})
	require.NoError(t, e.db.Model(&uqUser{ID: "u1", Email: "ann@example.com", Name: "Ann"}).Create())
	rec := &readRecorder{DynamoDBAPI: e.raw}
	db, err := dynamorm.New(sessionFor(rec, e))
	require.NoError(t, err)
	ctx, _ := dynamorm.WithLoader(context.Background())
	sdb := db.WithContext(ctx)
	for i := 0; i < 2; i++ {
		u, err := dynamorm.FindBy[uqUser](sdb, "Email", "ANN@example.com")
		require.NoError(t, err)
		assert.Equal(t, "Ann", u.Name)
	}
	gets, batches := rec.reads()
	assert.Equal(t, 2, gets, "the guard, each time")
	assert.Equal(t, []int{1}, batches, "the owner, once")
}
