// Package dynamorm is a struct-tag ORM for Amazon DynamoDB on aws-sdk-go-v2.
//
// Describe items as Go structs with `dynamorm:"..."` tags, then work with
// them through a fluent builder:
//
//	type Payment struct {
//		ID         string    `dynamorm:"pk" json:"id"`
//		Timestamp  string    `dynamorm:"sk" json:"timestamp"`
//		CustomerID string    `dynamorm:"index:customer-index,pk" json:"customer_id"`
//		Status     string    `dynamorm:"index:customer-index,sk" json:"status"`
//		Amount     int64     `json:"amount"`
//	}
//
//	db, err := dynamorm.New(session.Config{Region: "us-east-1"})
//	err = db.Model(&Payment{ID: "p1", Timestamp: "2024-01-01"}).Create()
//	var payments []Payment
//	err = db.Model(&Payment{}).Where("CustomerID", "=", "c1").All(&payments)
//
// # Tags
//
// pk and sk mark the table keys; index:NAME,pk and index:NAME,sk the keys of
// a global secondary index; lsi:NAME the sort key of a local secondary index.
// attr:NAME names the attribute (otherwise the json tag name, otherwise the
// Go field name). omitempty, set, unixtime, version, ttl, created_at,
// updated_at and ulid are described in the README; "-" skips a field.
// Options combine with commas: `dynamorm:"sk,index:by-date,pk"`.
//
// # Errors
//
// Errors wrap the sentinels of pkg/core (re-exported here) for errors.Is, and
// keep the AWS error wrapped for errors.As.
package dynamorm

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// DB is a dynamorm database handle. It is safe for concurrent use; derive
// handles with WithContext rather than copying it.
type DB struct {
	shared    *shared
	ctx       context.Context
	collector *core.CapacityCollector // see WithCapacityCollector
	observer  core.Observer           // see WithObserver; nil: nothing observed
	call      *call                   // the library call this handle runs, when observed
	bound     string                  // the tenant of a ForTenant handle
}

// shared is the state every handle derived from one New shares.
type shared struct {
	client       core.DynamoDBAPI
	clock        func() time.Time
	cursorKey    []byte
	noScans      bool // session.Config.ForbidImplicitScans
	prefix       string
	tenantTables map[string]bool   // session.Config.TenantTables
	retry        *core.RetryPolicy // default batch retry policy, nil for core.DefaultRetryPolicy
	closed       atomic.Bool
	// requireLoader: session.Config.RequireLoader
	requireLoader bool

	codecs *marshal.Codecs // the process-wide converters and the DB's own
	keys   *envelope.Keys  // field encryption (nil: no KMS configuration)

	mu       sync.Mutex
	registry []reflect.Type // models registered for Migrate
}

var _ core.ExtendedDB = (*DB)(nil)

// New returns a DB configured by cfg. It makes no network call: the client
// is built, credentials are resolved on the first request.
func New(cfg session.Config) (*DB, error) {
	client, err := cfg.NewClient(context.Background())
	if err != nil {
		return nil, err
	}
	keys, err := newKeys(cfg)
	if err != nil {
		return nil, err
	}
	return &DB{
		shared:   &shared{client: client, keys: keys, codecs: marshal.NewCodecs(), clock: cfg.Now, cursorKey: cfg.CursorKey, noScans: cfg.ForbidImplicitScans, prefix: cfg.TableNamePrefix, retry: cfg.BatchRetry, tenantTables: tableSet(cfg.TenantTables), requireLoader: cfg.RequireLoader},
		ctx:      context.Background(),
		observer: cfg.Observer,
	}, nil
}

// Client returns the DynamoDB client the DB uses, for requests dynamorm does
// not cover.
func (db *DB) Client() core.DynamoDBAPI { return db.shared.client }

// Model starts an operation on model; see core.Query.
func (db *DB) Model(m any) core.Query {
	return newQuery(db, m)
}

// WithContext returns a handle whose every request, retry and wait honours
// ctx. It returns core.DB to satisfy the interface; the value is a *DB.
func (db *DB) WithContext(ctx context.Context) core.DB {
	return db.withContext(ctx)
}

func (db *DB) withContext(ctx context.Context) *DB {
	if ctx == nil {
		ctx = context.Background()
	}
	return &DB{shared: db.shared, ctx: db.scoped(ctx), collector: db.collector, observer: db.observer, bound: db.bound}
}

// Close marks the DB closed: later item operations, queries and
// transactions fail before sending anything (table management still works,
// for cleanup). The client holds no resources that need releasing.
func (db *DB) Close() error {
	db.shared.closed.Store(true)
	return nil
}

// Register records models for Migrate and compiles their metadata and codecs
// now, so that invalid models fail at start-up rather than on first use;
// relationships (rel:... tags) are checked against the related models.
func (db *DB) Register(models ...any) error {
	for _, m := range models {
		md, err := model.OfValue(m)
		if err != nil {
			return err
		}
		if _, err := db.codecOf(md.Type); err != nil {
			return err
		}
		if err := db.checkTenantTable(md, modelValue(m)); err != nil {
			return err
		}
		if _, err := md.Relations(); err != nil {
			return err
		}
		db.shared.mu.Lock()
		found := false
		for _, t := range db.shared.registry {
			if t == md.Type {
				found = true
				break
			}
		}
		if !found {
			db.shared.registry = append(db.shared.registry, md.Type)
		}
		db.shared.mu.Unlock()
	}
	return nil
}

func (db *DB) now() time.Time { return db.shared.clock() }

func (db *DB) checkOpen() error {
	if db.shared.closed.Load() {
		return fmt.Errorf("dynamorm: DB is closed")
	}
	return nil
}
