package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// ErrLoaderRequired is returned, before anything is sent, by a read made
// outside a loader scope on a DB opened with session.Config.RequireLoader.
var ErrLoaderRequired = errors.New("dynamorm: read outside a loader scope")

// Defaults of a Loader.
const (
	DefaultLoaderWindow  = 2 * time.Millisecond // how long the first read of a batch waits for others
	DefaultLoaderMaxKeys = MaxBatchGetItems     // keys that make a batch leave before its window ends
)

// Loader is a request scope (see WithLoader). Inside it, reads of one item
// by its full primary key (First, Get, Count and All when they plan a
// GetItem, FindBy's read of the owner, ...) from any number of goroutines
// are coalesced into BatchGetItem requests: the first read of a batch waits
// up to the window for others, and a batch leaves at once when it holds the
// maximum number of keys. Identical keys share one read. What was read
// stays cached in the scope, per table, tenant and key; a hit is served only
// to reads of the entity the stored item belongs to, and each reader
// decodes its own copy.
//
// Writes made through the scope (alone, in a transaction or in a batch)
// keep the cache right: a put stores the item written, a delete leaves a
// tombstone (later reads find nothing without a request), and an update or
// a write whose outcome is unknown marks the item stale, so the next read
// of it is strongly consistent. Strongly consistent reads, reads with a
// projection and reads with WithRetry bypass the cache. Writes made
// elsewhere are not seen: a scope is meant to last one request.
//
// A key that could not be read (unprocessed until the retries ran out, or
// a failed request) is an error for the readers waiting for it, never "not
// found", and is not cached. Everything done in the scope adds up in
// Capacity, per table and index.
type Loader struct {
	ctx     context.Context // the scope's context: batches are sent under it
	window  time.Duration
	maxKeys int
	err     error // an invalid option: every read in the scope returns it

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	pending map[groupKey]*loadGroup // batches waiting for their window

	capMu        sync.Mutex
	capacity     map[string]*core.CapacityCollector // by tenant: everything done in the scope
	unattributed map[string]*core.CapacityCollector // by tenant: batch capacity charged to no reader
}

// LoaderOption configures a Loader.
type LoaderOption func(*Loader)

// LoaderWindow sets how long the first read of a batch waits for others to
// join it (default 2ms). Zero sends each batch as soon as the goroutine
// that started it yields; negative values are invalid.
func LoaderWindow(d time.Duration) LoaderOption {
	return func(l *Loader) {
		if d < 0 && l.err == nil {
			l.err = fmt.Errorf("%w: LoaderWindow(%v): must not be negative", core.ErrValidation, d)
		}
		l.window = d
	}
}

// LoaderMaxKeys sets the number of distinct keys that makes a batch leave
// before its window ends, 1 to 100 (default 100, BatchGetItem's limit).
func LoaderMaxKeys(n int) LoaderOption {
	return func(l *Loader) {
		if (n < 1 || n > MaxBatchGetItems) && l.err == nil {
			l.err = fmt.Errorf("%w: LoaderMaxKeys(%d): must be between 1 and %d", core.ErrValidation, n, MaxBatchGetItems)
		}
		l.maxKeys = n
	}
}

type loaderKey struct{}

// WithLoader returns a context carrying a new loader scope, and the scope.
// Reads and writes made with the context (db.WithContext(ctx)) use it; it
// ends with the request: nothing outlives it but what the caller keeps.
// An invalid option makes every read in the scope fail with ErrValidation.
//
//	ctx, scope := dynamorm.WithLoader(r.Context())
//	user, err := dynamorm.Get(db.WithContext(ctx), User{ID: id})
//	log.Print(scope.Capacity().ReadUnits)
func WithLoader(ctx context.Context, opts ...LoaderOption) (context.Context, *Loader) {
	if ctx == nil {
		ctx = context.Background()
	}
	l := &Loader{window: DefaultLoaderWindow, maxKeys: DefaultLoaderMaxKeys,
		entries: map[cacheKey]*cacheEntry{}, pending: map[groupKey]*loadGroup{}}
	for _, o := range opts {
		o(l)
	}
	l.ctx = context.WithValue(ctx, loaderKey{}, l)
	return l.ctx, l
}

// LoaderFrom returns the loader scope of ctx, or nil when there is none.
func LoaderFrom(ctx context.Context) *Loader {
	l, _ := ctx.Value(loaderKey{}).(*Loader)
	return l
}

// Capacity returns what everything done in the scope consumed so far —
// reads (batched or not), queries, scans, writes and transactions — in
// total and per table, index and tenant (Tenants), as DynamoDB reported it.
func (l *Loader) Capacity() core.ConsumedCapacity {
	return l.sum(l.capacity, nil)
}

// TenantCapacity is Capacity for the requests made for one tenant ("":
// those made without one).
func (l *Loader) TenantCapacity(tenant string) core.ConsumedCapacity {
	return l.sum(l.capacity, &tenant)
}

// Unattributed returns the part of the scope's batched reads that was
// charged to no reader: a reader of a batch is charged what its own key
// cost (DynamoDB's rule for one item of a BatchGetItem: its size rounded up
// to 4 KB, at least one unit, halved when eventually consistent), and what
// DynamoDB reported beyond that (retries of unprocessed keys, rounding) is
// reported here. It is part of Capacity.
func (l *Loader) Unattributed() core.ConsumedCapacity {
	return l.sum(l.unattributed, nil)
}

func (l *Loader) sum(by map[string]*core.CapacityCollector, tenant *string) core.ConsumedCapacity {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	var total core.ConsumedCapacity
	for t, c := range by {
		if tenant == nil || *tenant == t {
			total.Merge(c.Total())
		}
	}
	return total
}

// record adds one request's report to the scope's total.
func (l *Loader) record(tenant string, cc types.ConsumedCapacity, write bool) {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	l.capacity = recordFor(l.capacity, tenant, cc, write)
}

// leftOver records the part of a batch's report charged to no reader.
func (l *Loader) leftOver(tenant string, cc types.ConsumedCapacity) {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	l.unattributed = recordFor(l.unattributed, tenant, cc, false)
}

// recordFor adds cc to the tenant's collector of by, creating what is
// missing, and returns by.
func recordFor(by map[string]*core.CapacityCollector, tenant string, cc types.ConsumedCapacity, write bool) map[string]*core.CapacityCollector {
	if by == nil {
		by = map[string]*core.CapacityCollector{}
	}
	c := by[tenant]
	if c == nil {
		c = &core.CapacityCollector{}
		by[tenant] = c
	}
	if write {
		c.RecordTenantWrite(tenant, cc)
	} else {
		c.RecordTenantRead(tenant, cc)
	}
	return by
}
