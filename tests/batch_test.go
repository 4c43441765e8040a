package tests

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Reading has a composite key and lifecycle fields.
type Reading struct {
	Sensor    string    `dynamorm:"pk"`
	Seq       int       `dynamorm:"sk"`
	Value     float64   `json:"value"`
	Note      string    `dynamorm:"omitempty"`
	Version   int64     `dynamorm:"version"`
	CreatedAt time.Time `dynamorm:"created_at"`
	UpdatedAt time.Time `dynamorm:"updated_at"`
}

// Tag has a partition key only.
type Tag struct {
	Name  string `dynamorm:"pk"`
	Count int
}

func readings(sensors, perSensor int) []Reading {
	out := make([]Reading, 0, sensors*perSensor)
	for s := 0; s < sensors; s++ {
		for q := 0; q < perSensor; q++ {
			out = append(out, Reading{Sensor: fmt.Sprintf("s%03d", s), Seq: q, Value: float64(s*1000 + q)})
		}
	}
	return out
}

// batchClient wraps the real client. It counts batch requests and the
// capacity they reported and, when flaky, half of the time moves part of a
// BatchWriteItem or BatchGetItem request into UnprocessedItems or
// UnprocessedKeys without sending it. Items whose partition key is in
// poison are never sent: they always come back unprocessed.
type batchClient struct {
	core.DynamoDBAPI
	flaky  bool
	poison map[string]bool

	mu       sync.Mutex
	rng      *rand.Rand
	writeCap float64
	readCap  float64

	batchWrites, batchGets, deferred, updates atomic.Int64
}

func newBatchClient(real core.DynamoDBAPI, flaky bool, poison ...string) *batchClient {
	c := &batchClient{DynamoDBAPI: real, flaky: flaky, poison: map[string]bool{}, rng: rand.New(rand.NewPCG(1, 2))}
	for _, p := range poison {
		c.poison[p] = true
	}
	return c
}

// keep decides whether one request of a flaky round is sent.
func (c *batchClient) keep(flakyRound bool, pk types.AttributeValue) bool {
	if s, ok := pk.(*types.AttributeValueMemberS); ok && c.poison[s.Value] {
		return false
	}
	if !flakyRound {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.IntN(2) == 0
}

func (c *batchClient) round() bool {
	if !c.flaky {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.IntN(2) == 0
}

func (c *batchClient) addCapacity(write bool, ccs []types.ConsumedCapacity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cc := range ccs {
		if write {
			c.writeCap += aws.ToFloat64(cc.CapacityUnits)
		} else {
			c.readCap += aws.ToFloat64(cc.CapacityUnits)
		}
	}
}

func pkOf(m map[string]types.AttributeValue) types.AttributeValue {
	for _, name := range []string{"Sensor", "Name", "ID"} {
		if v, ok := m[name]; ok {
			return v
		}
	}
	return nil
}

func (c *batchClient) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.batchWrites.Add(1)
	flaky := c.round()
	send := map[string][]types.WriteRequest{}
	held := map[string][]types.WriteRequest{}
	for table, reqs := range in.RequestItems {
		for _, r := range reqs {
			item := map[string]types.AttributeValue(nil)
			if r.PutRequest != nil {
				item = r.PutRequest.Item
			} else {
				item = r.DeleteRequest.Key
			}
			if c.keep(flaky, pkOf(item)) {
				send[table] = append(send[table], r)
			} else {
				held[table] = append(held[table], r)
				c.deferred.Add(1)
			}
		}
	}
	out := &dynamodb.BatchWriteItemOutput{}
	if len(send) > 0 {
		in2 := *in
		in2.RequestItems = send
		var err error
		if out, err = c.DynamoDBAPI.BatchWriteItem(ctx, &in2, o...); err != nil {
			return out, err
		}
		c.addCapacity(true, out.ConsumedCapacity)
	}
	if out.UnprocessedItems == nil {
		out.UnprocessedItems = map[string][]types.WriteRequest{}
	}
	for table, reqs := range held {
		out.UnprocessedItems[table] = append(out.UnprocessedItems[table], reqs...)
	}
	return out, nil
}

func (c *batchClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batchGets.Add(1)
	flaky := c.round()
	send := map[string]types.KeysAndAttributes{}
	held := map[string]types.KeysAndAttributes{}
	for table, ka := range in.RequestItems {
		for _, k := range ka.Keys {
			dst := held
			if c.keep(flaky, pkOf(k)) {
				dst = send
			} else {
				c.deferred.Add(1)
			}
			x := ka
			x.Keys = append(dst[table].Keys, k)
			dst[table] = x
		}
	}
	out := &dynamodb.BatchGetItemOutput{}
	if len(send) > 0 {
		in2 := *in
		in2.RequestItems = send
		var err error
		if out, err = c.DynamoDBAPI.BatchGetItem(ctx, &in2, o...); err != nil {
			return out, err
		}
		c.addCapacity(false, out.ConsumedCapacity)
	}
	if out.UnprocessedKeys == nil {
		out.UnprocessedKeys = map[string]types.KeysAndAttributes{}
	}
	for table, ka := range held {
		x := out.UnprocessedKeys[table]
		ka.Keys = append(x.Keys, ka.Keys...)
		out.UnprocessedKeys[table] = ka
	}
	return out, nil
}

func (c *batchClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.updates.Add(1)
	return c.DynamoDBAPI.UpdateItem(ctx, in, o...)
}

// batchDB is a DB on a batchClient around e's client.
func batchDB(t *testing.T, e *env, c core.DynamoDBAPI) *dynamorm.DB {
	cfg := sessionFor(c, e)
	// Retry as often as by default, without the default's seconds of sleep.
	cfg.BatchRetry = &core.RetryPolicy{MaxRetries: 8, InitialDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, BackoffFactor: 2, Jitter: 0.5}
	db, err := dynamorm.New(cfg)
	require.NoError(t, err)
	return db
}

// scanReadings reads the whole table with the SDK, by key.
func scanReadings(t *testing.T, e *env) map[string]Reading {
	t.Helper()
	var all []Reading
	require.NoError(t, e.db.Model(&Reading{}).ConsistentRead().Scan(&all))
	out := make(map[string]Reading, len(all))
	for _, r := range all {
		out[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)] = r
	}
	return out
}

// readingKeys returns the keys of readings, as KeyPairs.
func readingKeys(all map[string]Reading) []any {
	keys := make([]any, 0, len(all))
	for _, r := range all {
		keys = append(keys, core.NewKeyPair(r.Sensor, r.Seq))
	}
	return keys
}

func TestBatchCreate10000ThenBatchGetInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	items := readings(100, 100)
	start := time.Now()
	require.NoError(t, e.db.Model(&Reading{}).AllowOverwrite().BatchCreate(items))
	created := time.Since(start)
	for i := range items {
		require.Equal(t, int64(1), items[i].Version, "lifecycle written back into item %d", i)
		require.True(t, items[i].CreatedAt.Equal(e.clock.Now()))
	}

	// Keys in a shuffled order, with duplicates and keys of missing items.
	perm := rand.New(rand.NewPCG(3, 4)).Perm(len(items))
	keys := make([]any, 0, len(items)+20)
	want := make([]string, 0, len(items))
	for _, i := range perm {
		r := items[i]
		keys = append(keys, core.NewKeyPair(r.Sensor, r.Seq))
		want = append(want, fmt.Sprintf("%s/%d", r.Sensor, r.Seq))
	}
	for i := 0; i < 10; i++ {
		keys = append(keys, core.NewKeyPair("missing", i), keys[i*7]) // a missing key, a duplicate
	}
	start = time.Now()
	var got []Reading
	require.NoError(t, e.db.Model(&Reading{}).BatchGet(keys, &got))
	read := time.Since(start)
	t.Logf("BatchCreate of %d items: %v; BatchGet of %d keys: %v", len(items), created, len(keys), read)

	require.Len(t, got, len(items), "every item once")
	for i, r := range got {
		require.Equal(t, want[i], fmt.Sprintf("%s/%d", r.Sensor, r.Seq), "position %d", i)
	}
	byKey := map[string]Reading{}
	for _, r := range items {
		byKey[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)] = r
	}
	for _, r := range got[:50] {
		orig := byKey[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)]
		assert.Equal(t, orig.Value, r.Value)
		assert.Equal(t, int64(1), r.Version)
	}
	assert.Equal(t, len(items), e.itemCount(t, "readings"))
}

func TestBatchGetKeyFormsAndOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{}, &Tag{})
	tags := []*Tag{{Name: "a", Count: 1}, {Name: "b", Count: 2}, {Name: "c", Count: 3}}
	require.NoError(t, e.db.Model(&Tag{}).BatchCreate(tags))
	rs := readings(3, 50)
	require.NoError(t, e.db.Model(&Reading{}).AllowOverwrite().BatchCreate(rs))

	// Scalars, models and pointers, KeyPairs.
	var gotTags []*Tag
	require.NoError(t, e.db.Model(&Tag{}).BatchGet([]any{"c", Tag{Name: "a"}, &Tag{Name: "zz"}, core.NewKeyPair("b")}, &gotTags))
	require.Len(t, gotTags, 3)
	assert.Equal(t, []string{"c", "a", "b"}, []string{gotTags[0].Name, gotTags[1].Name, gotTags[2].Name})
	assert.Equal(t, 3, gotTags[0].Count)

	// Options: small chunks, sequential, consistent, projection, progress.
	keys := []any{}
	for _, r := range rs {
		keys = append(keys, &Reading{Sensor: r.Sensor, Seq: r.Seq})
	}
	var progress [][2]int
	var got []Reading
	err := e.db.Model(&Reading{}).BatchGetWithOptions(keys, &got, &core.BatchGetOptions{
		ChunkSize: 40, ConsistentRead: true, ProjectionFields: []string{"Value"},
		ProgressCallback: func(retrieved, total int) { progress = append(progress, [2]int{retrieved, total}) },
	})
	require.NoError(t, err)
	require.Len(t, got, len(rs))
	for i, r := range got {
		assert.Equal(t, rs[i].Sensor, r.Sensor)
		assert.Equal(t, rs[i].Seq, r.Seq)
		assert.Equal(t, rs[i].Value, r.Value)
		assert.Zero(t, r.Version, "projected away")
	}
	assert.Equal(t, [][2]int{{40, 150}, {80, 150}, {120, 150}, {150, 150}}, progress)

	// The fluent builder, in parallel.
	var viaBuilder []*Reading
	var calls atomic.Int64
	err = e.db.Model(&Reading{}).BatchGetBuilder().Keys(keys[:120]).ChunkSize(25).Parallel(3).ConsistentRead().
		Select("Note").WithRetry(core.DefaultRetryPolicy()).OnProgress(func(int, int) { calls.Add(1) }).Execute(&viaBuilder)
	require.NoError(t, err)
	require.Len(t, viaBuilder, 120)
	assert.Equal(t, rs[119].Seq, viaBuilder[119].Seq)
	assert.Equal(t, int64(5), calls.Load())

	// Bad keys fail before any request.
	c := newBatchClient(e.db.Client(), false)
	db := batchDB(t, e, c)
	for name, k := range map[string][]any{
		"scalar on a composite key": {"s000"},
		"empty partition key":       {core.NewKeyPair("", 1)},
		"missing sort key":          {core.NewKeyPair("s000")},
		"wrong model":               {&Tag{Name: "a"}},
		"nil":                       {nil},
	} {
		var out []Reading
		err := db.Model(&Reading{}).BatchGet(append([]any{core.NewKeyPair("s000", 1)}, k...), &out)
		assert.ErrorIs(t, err, dynamorm.ErrValidation, name)
		assert.Contains(t, err.Error(), "key 1", name)
	}
	var out []Tag
	assert.ErrorIs(t, db.Model(&Tag{}).BatchGet([]any{core.NewKeyPair("a", 1)}, &out), dynamorm.ErrValidation)
	assert.ErrorIs(t, db.Model(&Reading{}).BatchGetBuilder().ChunkSize(101).Execute(&out), dynamorm.ErrValidation)
	assert.Error(t, db.Model(&Reading{}).BatchGet(keys, out), "destination is not a pointer")
	assert.Equal(t, int64(0), c.batchGets.Load())
}

func TestBatchWriteAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	rs := readings(2, 30)
	require.NoError(t, e.db.Model(&Reading{}).AllowOverwrite().BatchCreate(&rs))

	// Puts (new and overwriting) and deletes in one call.
	puts := []any{&Reading{Sensor: "s000", Seq: 0, Value: -1, Note: "overwritten"}, &Reading{Sensor: "new", Seq: 1, Value: 9}}
	deletes := []any{core.NewKeyPair("s000", 1), &Reading{Sensor: "s001", Seq: 2}, core.NewKeyPair("s001", 99)}
	require.NoError(t, e.db.Model(&Reading{}).AllowOverwrite().BatchWrite(puts, deletes))
	all := scanReadings(t, e)
	assert.Len(t, all, 60+1-2)
	assert.Equal(t, "overwritten", all["s000/0"].Note, "BatchWrite puts overwrite")
	assert.Contains(t, all, "new/1")
	assert.NotContains(t, all, "s000/1")
	assert.NotContains(t, all, "s001/2")
	assert.Equal(t, int64(1), puts[1].(*Reading).Version)

	// BatchDelete the rest.
	keys := readingKeys(all)
	require.NoError(t, e.db.Model(&Reading{}).BatchDelete(keys))
	assert.Equal(t, 0, e.itemCount(t, "readings"))
	require.NoError(t, e.db.Model(&Reading{}).BatchDelete(nil))
}

func TestBatchWriteRejectsBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	c := newBatchClient(e.db.Client(), false)
	db := batchDB(t, e, c)
	m := db.Model(&Reading{}).AllowOverwrite()

	items := readings(1, 30)
	items[27] = items[3]
	err := m.BatchCreate(items)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "put 3 and put 27")
	assert.Zero(t, items[0].Version, "Go values restored")
	assert.True(t, items[5].CreatedAt.IsZero())

	err = m.BatchWrite([]any{&Reading{Sensor: "a", Seq: 1}}, []any{core.NewKeyPair("a", 1)})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "put 0 and delete 0")

	err = m.BatchWrite([]any{Reading{Sensor: "a", Seq: 1}}, nil)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "pass a pointer")

	err = m.BatchCreate([]Reading{{Sensor: "a", Seq: 1}, {Seq: 2}})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "item 1")

	require.ErrorIs(t, m.BatchCreate([]Tag{{Name: "x"}}), dynamorm.ErrValidation)
	require.ErrorIs(t, m.BatchCreate("nope"), dynamorm.ErrValidation)
	require.ErrorIs(t, m.IfNotExists().BatchCreate(readings(1, 2)), dynamorm.ErrValidation, "conditions cannot be batched")
	require.ErrorIs(t, m.BatchDelete([]any{"only-pk"}), dynamorm.ErrValidation)
	err = db.Model(&Reading{}).BatchUpdateWithOptions([]any{&Reading{Sensor: "a", Seq: 1}, &Reading{Sensor: "a", Seq: 1}}, nil)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "items 0 and 1")

	assert.Equal(t, int64(0), c.batchWrites.Load()+c.updates.Load(), "a request was sent")
	assert.Equal(t, 0, e.itemCount(t, "readings"))
}

func TestBatchLosesNothingWhenHalfTheRequestsComeBackUnprocessed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	c := newBatchClient(e.db.Client(), true)
	collector := &core.CapacityCollector{}
	db := batchDB(t, e, c).WithCapacityCollector(collector)

	items := readings(20, 100)
	require.NoError(t, db.Model(&Reading{}).AllowOverwrite().BatchCreate(items))
	assert.Greater(t, c.deferred.Load(), int64(100), "the double deferred items")
	assert.Greater(t, c.batchWrites.Load(), int64(len(items)/25), "unprocessed items were retried")
	all := scanReadings(t, e)
	require.Len(t, all, len(items))
	for _, r := range items {
		got, ok := all[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)]
		require.True(t, ok)
		require.Equal(t, r.Value, got.Value)
	}

	deferred := c.deferred.Load()
	keys := make([]any, len(items))
	for i, r := range items {
		keys[i] = core.NewKeyPair(r.Sensor, r.Seq)
	}
	var got []Reading
	err := db.Model(&Reading{}).BatchGetWithOptions(keys, &got, &core.BatchGetOptions{Parallel: true, MaxConcurrency: 8,
		RetryPolicy: &core.RetryPolicy{MaxRetries: 10, InitialDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, BackoffFactor: 2, Jitter: 0.5}})
	require.NoError(t, err)
	assert.Greater(t, c.deferred.Load(), deferred, "the double deferred keys")
	require.Len(t, got, len(items))
	for i := range got {
		require.Equal(t, items[i].Sensor, got[i].Sensor)
		require.Equal(t, items[i].Seq, got[i].Seq)
	}

	// The capacity dynamorm recorded is what DynamoDB reported.
	total := collector.Total()
	assert.InDelta(t, c.writeCap, total.WriteUnits, 1e-9)
	assert.InDelta(t, c.readCap, total.ReadUnits, 1e-9)
	assert.Greater(t, total.WriteUnits, 0.0)
	assert.Greater(t, total.ReadUnits, 0.0)
}

func TestBatchErrorListsExactlyTheUnwrittenItems(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	// Sensors s003 and s011 are never written; the rest is flaky.
	c := newBatchClient(e.db.Client(), true, "s003", "s011")
	db := batchDB(t, e, c)
	items := readings(15, 10)
	ptrs := make([]*Reading, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	err := db.Model(&Reading{}).AllowOverwrite().BatchCreate(ptrs)
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%T: %v", err, err)
	assert.Equal(t, "BatchCreate", be.Op)
	assert.Equal(t, len(items), be.Total)
	var want, failed []int
	for i, r := range items {
		if r.Sensor == "s003" || r.Sensor == "s011" {
			want = append(want, i)
		}
	}
	for _, f := range be.Failures {
		failed = append(failed, f.Index)
		assert.Equal(t, "put", f.Kind)
		assert.Same(t, ptrs[f.Index], f.Item)
		assert.Contains(t, f.Key, fmt.Sprintf("Sensor=%q", ptrs[f.Index].Sensor))
	}
	assert.Equal(t, want, failed)
	assert.Contains(t, err.Error(), "20 of 150 items not written")

	// The failed items are absent (and their Go values restored), the others present.
	all := scanReadings(t, e)
	assert.Len(t, all, len(items)-len(want))
	for i, r := range items {
		_, ok := all[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)]
		isFailed := sort.SearchInts(want, i) < len(want) && want[sort.SearchInts(want, i)] == i
		assert.Equal(t, !isFailed, ok, "item %d", i)
		if isFailed {
			assert.Zero(t, r.Version, "item %d restored", i)
			assert.True(t, r.CreatedAt.IsZero())
		} else {
			assert.Equal(t, int64(1), r.Version)
		}
	}

	// BatchGet: the keys never read are listed (a client that is not flaky,
	// so that only the poisoned key stays unread).
	keys := []any{core.NewKeyPair("s000", 1), core.NewKeyPair("s003", 2), core.NewKeyPair("s001", 1)}
	var got []Reading
	err = batchDB(t, e, newBatchClient(e.db.Client(), false, "s003")).Model(&Reading{}).BatchGetWithOptions(keys, &got, &core.BatchGetOptions{RetryPolicy: &core.RetryPolicy{MaxRetries: 2, InitialDelay: time.Millisecond}})
	require.True(t, errors.As(err, &be), "%v", err)
	require.Len(t, be.Failures, 1)
	assert.Equal(t, 1, be.Failures[0].Index)
	assert.Equal(t, "get", be.Failures[0].Kind)
	// What was read is kept, in key order; the unread key is not "not found".
	require.Len(t, got, 2, "dest holds the items that were read")
	assert.Equal(t, [2]string{"s000", "s001"}, [2]string{got[0].Sensor, got[1].Sensor})
	assert.NotErrorIs(t, err, dynamorm.ErrItemNotFound)

	// BatchDelete: the poisoned keys stay, the others are gone.
	dels := readingKeys(all)
	dels = append(dels, core.NewKeyPair("s003", 0))
	err = db.Model(&Reading{}).BatchDelete(dels)
	require.True(t, errors.As(err, &be))
	require.Len(t, be.Failures, 1)
	assert.Equal(t, len(dels)-1, be.Failures[0].Index)
	assert.Equal(t, "delete", be.Failures[0].Kind)
	assert.Equal(t, 0, e.itemCount(t, "readings"))

	// A cancelled context: nothing sent, everything listed, errors.Is works.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	more := readings(1, 30)
	err = db.Model(&Reading{}).AllowOverwrite().WithContext(ctx).BatchCreate(more)
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, errors.As(err, &be))
	assert.Len(t, be.Failures, 30)
	assert.Zero(t, more[0].Version)
}

func TestBatchUpdateWithOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Reading{})
	c := newBatchClient(e.db.Client(), false)
	db := batchDB(t, e, c)
	items := readings(1, 40)
	require.NoError(t, db.Model(&Reading{}).AllowOverwrite().BatchCreate(items))
	e.clock.Advance(time.Minute)

	ups := make([]any, 0, 41)
	for i := range items {
		items[i].Note = fmt.Sprintf("n%d", i)
		items[i].Value = -1 // not in the fields: not written
		ups = append(ups, &items[i])
	}
	ghost := &Reading{Sensor: "ghost", Seq: 1, Note: "x"}
	ups = append(ups, ghost)
	var last atomic.Int64
	err := db.Model(&Reading{}).BatchUpdateWithOptions(ups, []string{"Note"},
		core.WithMaxConcurrency(8), core.WithProgress(func(done, total int) { last.Store(int64(done*1000 + total)) }))
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%v", err)
	require.Len(t, be.Failures, 1)
	assert.Equal(t, 40, be.Failures[0].Index)
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Equal(t, int64(41), c.updates.Load(), "one UpdateItem per item")
	assert.Equal(t, int64(40*1000+41), last.Load())

	all := scanReadings(t, e)
	assert.Len(t, all, 40, "the missing item was not created")
	for i, r := range items {
		got := all[fmt.Sprintf("%s/%d", r.Sensor, r.Seq)]
		assert.Equal(t, fmt.Sprintf("n%d", i), got.Note)
		assert.Equal(t, float64(i), got.Value)
		assert.Equal(t, int64(2), got.Version)
		assert.Equal(t, int64(2), r.Version, "Go value bumped")
		assert.True(t, got.UpdatedAt.Equal(e.clock.Now()))
	}
	assert.Zero(t, ghost.Version, "failed item restored")
	assert.True(t, ghost.UpdatedAt.IsZero())
}
