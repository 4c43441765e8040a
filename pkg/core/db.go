package core

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DB is the entry point of dynamorm: it starts operations on models and runs
// transactions. *dynamorm.DB implements it; pkg/mocks.MockDB mocks it.
type DB interface {
	// Model starts an operation on a model: a pointer to a struct for item
	// operations (db.Model(user).Create()), or a pointer to a zero value or a
	// slice for queries (db.Model(&User{}).Where(...).All(&users)).
	Model(model any) Query

	// Transaction runs fn and commits the writes it made through tx as one
	// atomic TransactWriteItems request when fn returns nil. When fn returns
	// an error or panics, nothing is written.
	Transaction(fn func(tx *Tx) error) error

	// Migrate creates or updates the tables of every model registered with
	// the DB (see AutoMigrate).
	Migrate() error

	// AutoMigrate creates the tables of the given models when they are
	// missing and adds missing global secondary indexes to existing tables.
	// The models are registered with the DB for later Migrate calls.
	AutoMigrate(models ...any) error

	// Close releases the DB. Operations after Close fail.
	Close() error

	// WithContext returns a DB whose every request, retry and wait honours ctx.
	WithContext(ctx context.Context) DB
}

// ExtendedDB is DB plus table management, fluent transactions and
// transactional reads.
type ExtendedDB interface {
	DB

	// AutoMigrateWithOptions is AutoMigrate for one model with table options
	// applied when the table is created.
	AutoMigrateWithOptions(model any, opts ...TableOption) error

	// CreateTable creates the model's table from its tags (key schema, every
	// GSI and LSI, TTL, billing) and waits until it is ACTIVE.
	CreateTable(model any, opts ...TableOption) error

	// EnsureTable creates the model's table when it does not exist.
	EnsureTable(model any) error

	// DeleteTable deletes the model's table and waits until it is gone.
	DeleteTable(model any) error

	// DescribeTable returns DynamoDB's description of the model's table.
	DescribeTable(model any) (*types.TableDescription, error)

	// Transact starts a fluent transaction (see TransactionBuilder).
	Transact() TransactionBuilder

	// TransactWrite builds a transaction with fn and executes it with ctx
	// when fn returns nil.
	TransactWrite(ctx context.Context, fn func(TransactionBuilder) error) error

	// TransactGet reads items atomically (TransactGetItems). Each destination
	// is a pointer to a model whose key fields are set; they are filled in
	// place. A missing item leaves its destination untouched and is reported
	// by an error wrapping ErrItemNotFound after all found items are filled.
	TransactGet(ctx context.Context, dests ...any) error
}
