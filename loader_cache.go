package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// The loader's cache and batches (loader.go describes the scope).

// cacheKey is one item of the scope's cache: the tenant the read or write
// was made for, the table and the item's key (plan.KeyID).
type cacheKey struct{ tenant, table, key string }

// cacheEntry is what the scope knows of one item: being read (ready open),
// read or written (item; nil when there is none), or stale.
type cacheEntry struct {
	ready chan struct{}                   // closed once item and err are set
	item  map[string]types.AttributeValue // the stored item; nil: none
	err   error                           // the key could not be read
	stale bool                            // written in a way the scope does not know: read again, consistently
	owner *query                          // the reader that asked first: the batch charges it its share
}

// known is the ready channel of entries that need no read.
var known = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// groupKey is one batch being gathered: keys of one model and table, for
// one tenant, read eventually or strongly consistently.
type groupKey struct {
	model      *model.Model
	table      string
	tenant     string
	consistent bool
}

// loadGroup is a batch being gathered, the db whose client sends it and
// the context of the reader that started it (whose values, the tenant
// scope among them, the batch is sent with).
type loadGroup struct {
	gk      groupKey
	db      *DB
	ctx     context.Context
	keys    []batchKey
	cache   []cacheKey
	entries []*cacheEntry
	timer   *time.Timer
}

// loaderFor returns the scope that serves read r of q, or nil: outside a
// scope, and for reads the cache must not answer (strongly consistent,
// projected, retried until an item appears).
func (q *query) loaderFor(r *plan.Read) *Loader {
	if r.Consistent || r.Projection != "" || q.retries > 0 {
		return nil
	}
	return LoaderFrom(q.ctx)
}

// readKey reads the item of a GetItem plan: through the scope's loader
// when one serves it, else with a GetItem. A missing item is (nil, nil).
func (q *query) readKey(r *plan.Read) (map[string]types.AttributeValue, error) {
	if l := q.loaderFor(r); l != nil {
		return l.get(q, r)
	}
	return q.getItem(r)
}

// get returns the item of r from the cache, or joins (or starts) the batch
// that reads it and waits for it, as long as q's context allows. The reader
// that asked for a key first is charged what reading it cost (by the
// batch, also when it stopped waiting).
func (l *Loader) get(q *query, r *plan.Read) (map[string]types.AttributeValue, error) {
	if l.err != nil {
		return nil, l.err
	}
	ck := cacheKey{tenant: cacheTenant(q.ctx), table: r.Table, key: plan.KeyID(q.model, r.Key)}
	l.mu.Lock()
	e := l.entries[ck]
	first := e == nil || e.stale
	if first {
		e = l.enqueue(q, r, ck, e != nil)
	}
	l.mu.Unlock()
	select {
	case <-e.ready:
	case <-q.ctx.Done():
		return nil, q.ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	if e.item == nil || !r.OfEntity(e.item) {
		return nil, nil
	}
	return maps.Clone(e.item), nil
}

// enqueue adds a new entry for ck to the batch of its group (a strongly
// consistent one when the entry was stale), starting the group's window or
// sending it when it is full. l.mu is held.
func (l *Loader) enqueue(q *query, r *plan.Read, ck cacheKey, stale bool) *cacheEntry {
	e := &cacheEntry{ready: make(chan struct{}), owner: q}
	l.entries[ck] = e
	gk := groupKey{model: q.model, table: r.Table, tenant: ck.tenant, consistent: stale}
	g := l.pending[gk]
	if g == nil {
		g = &loadGroup{gk: gk, db: q.db, ctx: q.ctx}
		l.pending[gk] = g
		g.timer = time.AfterFunc(l.window, func() { l.flushPending(g) })
	}
	g.keys = append(g.keys, batchKey{index: len(g.keys), table: r.Table, key: r.Key, id: plan.ItemID(r.Table, q.model, r.Key)})
	g.cache = append(g.cache, ck)
	g.entries = append(g.entries, e)
	if len(g.keys) >= l.maxKeys {
		g.timer.Stop()
		delete(l.pending, gk)
		go l.flush(g)
	}
	return e
}

// flushPending sends g when its window ends, unless it was sent full.
func (l *Loader) flushPending(g *loadGroup) {
	l.mu.Lock()
	if l.pending[g.gk] != g {
		l.mu.Unlock()
		return
	}
	delete(l.pending, g.gk)
	l.mu.Unlock()
	l.flush(g)
}

// flush reads g's keys through the one batch-read path (readKeys: chunks,
// unprocessed keys retried with the one backoff) until the scope's context
// ends (batchContext), then hands each entry its item, or the error that
// kept it unread.
func (l *Loader) flush(g *loadGroup) {
	ctx, cancel := l.batchContext(g.ctx)
	defer cancel()
	bq := &query{db: g.db, ctx: ctx, model: g.gk.model, options: &noOptions, loaderBatch: true}
	o := core.BatchGetOptions{Parallel: true, ChunkSize: min(l.maxKeys, MaxBatchGetItems), MaxConcurrency: defaultBatchConcurrency, ConsistentRead: g.gk.consistent}
	var err error
	if o.RetryPolicy, err = bq.retryPolicyOrDefault("Load", nil); err == nil {
		var items []map[string]types.AttributeValue
		items, err = bq.readKeys(g.keys, getProjection{}, o)
		byID := make(map[string]map[string]types.AttributeValue, len(items))
		for _, item := range items {
			byID[plan.ItemID(g.gk.table, g.gk.model, item)] = item
		}
		for i, k := range g.keys {
			g.entries[i].item = byID[k.id]
		}
	}
	l.failUnread(g, err)
	l.charge(g, bq.usageTotal())
	l.mu.Lock()
	for i, e := range g.entries {
		e.owner = nil // (the query is its reader's)
		if e.err != nil && l.entries[g.cache[i]] == e {
			delete(l.entries, g.cache[i]) // an unread key is not cached
		}
	}
	l.mu.Unlock()
	for _, e := range g.entries {
		close(e.ready)
	}
}

// batchContext is the context a batch started by a reader with context
// reader is sent under: the reader's values (its tenant scope), and the
// scope's end — not the reader's, whose end must not fail the others.
func (l *Loader) batchContext(reader context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(reader))
	stop := context.AfterFunc(l.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// failUnread gives the entries of g that err kept unread their error: the
// keys a *BatchError lists, or every entry without an item for any other
// error (the context's, an invalid retry policy).
func (l *Loader) failUnread(g *loadGroup, err error) {
	if err == nil {
		return
	}
	var be *BatchError
	if !errors.As(err, &be) {
		for _, e := range g.entries {
			if e.item == nil {
				e.err = err
			}
		}
		return
	}
	for _, f := range be.Failures {
		g.entries[f.Index].err = &BatchError{Op: "Load", Model: be.Model, Table: be.Table, Total: 1,
			Failures: []BatchFailure{f}, Err: f.Err}
	}
}

// charge splits what g's batch consumed (total) between its readers: each
// key read is charged what DynamoDB charges for one item of a BatchGetItem,
// never more than was reported in all; the rest is the scope's
// unattributed capacity.
func (l *Loader) charge(g *loadGroup, total core.ConsumedCapacity) {
	left := total.ReadUnits
	for _, e := range g.entries {
		if e.err != nil || left <= 0 {
			continue
		}
		u := min(itemReadUnits(e.item, g.gk.consistent), left)
		left -= u
		e.owner.recordShare(readCapacity(g.gk.table, u))
	}
	if left > 0 {
		l.leftOver(g.gk.tenant, *readCapacity(g.gk.table, left))
	}
}

// itemReadUnits is what reading item (nil: none) costs in a BatchGetItem:
// its size rounded up to 4 KB, at least one unit, half when eventually
// consistent.
func itemReadUnits(item map[string]types.AttributeValue, consistent bool) float64 {
	u := float64(max((attr.ItemSize(item)+4095)/4096, 1))
	if !consistent {
		u /= 2
	}
	return u
}

// readCapacity is a report of u read units on table.
func readCapacity(table string, u float64) *types.ConsumedCapacity {
	return &types.ConsumedCapacity{TableName: aws.String(table), CapacityUnits: aws.Float64(u), ReadCapacityUnits: aws.Float64(u),
		Table: &types.Capacity{CapacityUnits: aws.Float64(u), ReadCapacityUnits: aws.Float64(u)}}
}

// wrote updates the cache of the scope of ctx, if any, after writes were
// sent: written tells whether they succeeded (false: their outcome is
// unknown). A put leaves the item written, a delete a tombstone; an update,
// and any write of unknown outcome, leave the item stale. Guard items and
// condition checks change nothing the cache holds.
func wrote(ctx context.Context, written bool, ws ...*plan.Write) {
	withCache(ctx, func(l *Loader, tenant string) {
		for _, w := range ws {
			if w.Guard != nil || w.Kind == plan.WriteCheck {
				continue
			}
			l.set(cacheKey{tenant: tenant, table: w.Table, key: plan.KeyID(w.Model, w.KeyMap())}, w.Kind, w.Item, written)
		}
	})
}

// withCache calls fn with the scope of ctx locked and the tenant of ctx;
// without a scope it does nothing.
func withCache(ctx context.Context, fn func(l *Loader, tenant string)) {
	l := LoaderFrom(ctx)
	if l == nil {
		return
	}
	tenant := cacheTenant(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(l, tenant)
}

// set records in the cache what a write of kind did to the item of ck
// (item: what a put wrote). l.mu is held.
func (l *Loader) set(ck cacheKey, kind plan.WriteKind, item map[string]types.AttributeValue, written bool) {
	switch {
	case written && kind == plan.WritePut:
		l.entries[ck] = &cacheEntry{ready: known, item: maps.Clone(item)}
	case written && kind == plan.WriteDelete:
		l.entries[ck] = &cacheEntry{ready: known}
	default:
		l.entries[ck] = &cacheEntry{ready: known, stale: true}
	}
}

// wroteBatch is wrote for the entries of a BatchWriteItem: those written,
// those whose outcome is unknown (stale); those certainly not written
// change nothing.
func wroteBatch(ctx context.Context, m *model.Model, entries []*batchEntry) {
	withCache(ctx, func(l *Loader, tenant string) {
		for _, e := range entries {
			if e.err != nil && !e.lost {
				continue
			}
			kind, item := plan.WriteDelete, map[string]types.AttributeValue(nil)
			if e.req.PutRequest != nil {
				kind, item = plan.WritePut, e.req.PutRequest.Item
			}
			l.set(cacheKey{tenant: tenant, table: e.table, key: plan.KeyID(m, e.key)}, kind, item, e.err == nil)
		}
	})
}

// scopeTenant is the tenant a request made with ctx is for ("" for none,
// and in the system scope), which splits the scope's capacity.
func scopeTenant(ctx context.Context) string {
	return tenant.FromContext(ctx).ID
}

// cacheTenant is the tenant scope that keys the cache entries of reads and
// writes made with ctx: the tenant, or the system scope (which no tenant
// id can spell), or "" for none.
func cacheTenant(ctx context.Context) string {
	s := tenant.FromContext(ctx)
	if s.System {
		return "$system"
	}
	return s.ID
}

// requireLoader is the error of a read outside a loader scope on a DB that
// requires one (session.Config.RequireLoader).
func (q *query) requireLoader(op string) error {
	if !q.db.shared.requireLoader || LoaderFrom(q.ctx) != nil {
		return nil
	}
	return fmt.Errorf("%w: %s %s: this DB requires reads inside a request scope (session.Config.RequireLoader); run it with a context from dynamorm.WithLoader",
		ErrLoaderRequired, op, q.model.Name())
}
