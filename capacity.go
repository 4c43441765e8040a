package dynamorm

import (
	"context"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/core"
)

type capacityKey struct{}

// WithCapacityCollector returns a context that makes every dynamorm request
// run with it add its consumed capacity to c.
func WithCapacityCollector(ctx context.Context, c *core.CapacityCollector) context.Context {
	return context.WithValue(ctx, capacityKey{}, c)
}

// WithCapacityCollector returns a handle that adds the consumed capacity of
// every request made through it (and the queries it starts) to c.
func (db *DB) WithCapacityCollector(c *core.CapacityCollector) *DB {
	d := *db
	d.collector = c
	return &d
}

// capacityLocks guard the lazy creation of queries' usage totals, so that
// terminals run concurrently on one query value (documented as safe) agree
// on one total and a copy of the value never reads the pointer while it is
// set. A query's lock is picked by its address; each is held only to read
// or set the pointer, or to copy the query.
var capacityLocks [64]sync.Mutex

func capacityLock(q *query) *sync.Mutex {
	return &capacityLocks[(uintptr(unsafe.Pointer(q))>>4)%uintptr(len(capacityLocks))]
}

// initCapacity returns the query's usage total, creating it on first use.
func (q *query) initCapacity() *usage {
	mu := capacityLock(q)
	mu.Lock()
	defer mu.Unlock()
	if q.capacity == nil {
		q.capacity = &usage{}
	}
	return q.capacity
}

// usageTotal returns what the query's terminals consumed so far.
func (q *query) usageTotal() core.ConsumedCapacity {
	mu := capacityLock(q)
	mu.Lock()
	u := q.capacity
	mu.Unlock()
	return u.Total()
}

// snapshot copies the query value (its usage pointer included) under its
// capacity lock: every copy of a query goes through it.
func (q *query) snapshot() query {
	mu := capacityLock(q)
	mu.Lock()
	defer mu.Unlock()
	return *q
}

// usage totals what one query's requests consumed. A request only keeps
// DynamoDB's report; reports are added up (per table and index, in maps) in
// batches and when the total is asked for, so that the common
// single-request query never builds the maps.
type usage struct {
	mu      sync.Mutex
	pending [4]*types.ConsumedCapacity
	writes  [4]bool
	n       int // reports in pending
	folded  core.CapacityCollector
}

func (u *usage) add(cc *types.ConsumedCapacity, write bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.n == len(u.pending) {
		u.fold()
	}
	u.pending[u.n], u.writes[u.n] = cc, write
	u.n++
}

// Total returns everything recorded so far; a nil usage has recorded nothing.
func (u *usage) Total() core.ConsumedCapacity {
	if u == nil {
		return core.ConsumedCapacity{}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.fold()
	return u.folded.Total()
}

// fold adds the pending reports to the folded total.
func (u *usage) fold() {
	for i, cc := range u.pending[:u.n] {
		if u.writes[i] {
			u.folded.RecordWrite(*cc)
		} else {
			u.folded.RecordRead(*cc)
		}
		u.pending[i] = nil
	}
	u.n = 0
}

func (q *query) recordRead(ccs ...*types.ConsumedCapacity) { q.record(false, ccs) }

func (q *query) recordWrite(ccs ...*types.ConsumedCapacity) { q.record(true, ccs) }

// record adds what a request consumed to the query's own total, the DB
// handle's collector, the context's and the loader scope's (a loader's
// batch: to the scope's only, see recordShare).
func (q *query) record(write bool, ccs []*types.ConsumedCapacity) {
	scope := LoaderFrom(q.ctx)
	for _, cc := range ccs {
		if cc == nil {
			continue
		}
		if scope != nil {
			scope.record(scopeTenant(q.ctx), *cc, write)
		}
		if q.loaderBatch {
			q.initCapacity().add(cc, write)
			continue
		}
		q.charge(cc, write)
	}
}

// recordShare charges q its share of a loader's batch read (the scope
// recorded the whole batch).
func (q *query) recordShare(cc *types.ConsumedCapacity) { q.charge(cc, false) }

// charge adds cc to the query's own total, the DB handle's collector and
// the context's (each also totals it for the scope's tenant).
func (q *query) charge(cc *types.ConsumedCapacity, write bool) {
	ctxCollector, _ := q.ctx.Value(capacityKey{}).(*core.CapacityCollector)
	q.initCapacity().add(cc, write)
	if q.db.collector == nil && ctxCollector == nil {
		return
	}
	var tenantID string
	if s := tenant.FromContext(q.ctx); s.Err == nil {
		tenantID = s.ID
	}
	for _, c := range [...]*core.CapacityCollector{q.db.collector, ctxCollector} {
		switch {
		case c == nil:
		case write:
			c.RecordTenantWrite(tenantID, *cc)
		default:
			c.RecordTenantRead(tenantID, *cc)
		}
	}
}
