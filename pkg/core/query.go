package core

import (
	"context"
	"iter"
	"time"
)

// Query builds and runs operations on one model. Every builder method
// returns a new Query and leaves its receiver unchanged, so a shared prefix
// can be branched safely:
//
//	base := db.Model(&Order{}).Where("CustomerID", "=", id)
//	open := base.Filter("Status", "=", "open")   // base is unchanged
//
// Field names are Go field names or attribute names, optionally followed by
// a document path (Home.City, Lines[0].SKU) whose parts below a struct are
// translated through that struct's tags. Values are encoded by the codec of
// the field they compare with; a value of a type the field cannot store is
// ErrValidation before sending. Operators are case-insensitive: =, ==, !=,
// <>, <, <=, >, >=, BETWEEN, IN, BEGINS_WITH, CONTAINS, NOT_CONTAINS, EXISTS,
// NOT_EXISTS, ATTRIBUTE_TYPE, and SIZE comparisons (SIZE=, SIZE>, ...).
//
// Key fields of the model value: reads follow the Go-ORM convention (GORM's)
// that the key fields set to a non-zero value on the value passed to Model
// are conditions, with or without Where, so no read returns an item whose key
// differs from a key field the caller set. First on a model value with no
// key field set and no Where or Filter is an error (it would return an
// arbitrary item): use dynamorm.Get (which takes the full primary key as
// given, numeric zero included), Where, or list with All, Count or Scan.
type Query interface {
	// Where adds a condition. Conditions on the keys of the table or an
	// index become the key condition; the rest become the filter. Where and
	// Filter apply to reads only: a write given them fails before sending
	// (use WithCondition); UpdateBuilder takes its key from Where equalities
	// on the key fields.
	Where(field string, op string, value any) Query
	// Index queries a secondary index instead of choosing one automatically.
	Index(name string) Query
	// Filter adds a filter condition joined with AND.
	Filter(field string, op string, value any) Query
	// OrFilter adds a filter condition joined with OR.
	OrFilter(field string, op string, value any) Query
	// FilterGroup adds a parenthesised group of filters joined with AND.
	// Inside fn only Where, Filter, OrFilter and nested groups are allowed;
	// any other call is an error that the terminal returns.
	FilterGroup(fn func(Query)) Query
	// OrFilterGroup adds a parenthesised group of filters joined with OR.
	OrFilterGroup(fn func(Query)) Query
	// OrderBy orders results by the sort key: "ASC" (default) or "DESC".
	OrderBy(field string, order string) Query
	// Limit returns at most n matching items, paging as needed when a
	// filter drops items.
	Limit(n int) Query
	// Offset skips the first n matching items. The skipped items are still
	// read (and paid for); prefer cursors for deep paging.
	Offset(n int) Query
	// Select reads only the named fields (a projection).
	Select(fields ...string) Query
	// ConsistentRead asks for strongly consistent reads. Global secondary
	// indexes do not support it: the table or a local index is queried, and
	// a query only a global index could serve fails before sending.
	ConsistentRead() Query
	// WithRetry retries a read that finds nothing (First) or fewer items than
	// Limit, for read-after-write on eventually consistent indexes.
	WithRetry(maxRetries int, initialDelay time.Duration) Query
	// Cursor resumes after the page that returned cursor (see AllPaginated).
	Cursor(cursor string) Query
	// SetCursor is Cursor that validates the cursor immediately.
	SetCursor(cursor string) error
	// WithContext returns a Query whose requests honour ctx.
	WithContext(ctx context.Context) Query

	// First reads one item into dest (GetItem when the full key is known).
	// It returns an error wrapping ErrItemNotFound when nothing matches.
	First(dest any) error
	// All reads every matching item into dest, a pointer to a slice.
	All(dest any) error
	// AllPaginated reads one page of at most Limit items.
	AllPaginated(dest any) (*PaginatedResult, error)
	// Count counts matching items across all pages (Select=COUNT); it
	// always equals the number of items All returns.
	Count() (int64, error)
	// Scan reads every item of the table (or index) that passes the filter.
	Scan(dest any) error
	// ParallelScan restricts a scan to one segment of totalSegments.
	ParallelScan(segment int32, totalSegments int32) Query
	// ScanAllSegments scans with totalSegments concurrent segments.
	ScanAllSegments(dest any, totalSegments int32) error
	// Explain returns the request the query would send, without sending it.
	Explain() (*Explanation, error)

	// Collection reads the item collection of a single-table entity's
	// partition (every item under the partition key the Where conditions
	// give, of any entity) into dest: a pointer to a struct with a field per
	// entity (a slice, a pointer or a struct of it), or to a slice of maps
	// for the raw items. An item of an entity dest has no field for is an
	// error wrapping ErrUnknownEntity unless SkipUnknownEntities was called.
	Collection(dest any) error
	// CollectionItems is Collection as an iterator yielding a pointer to a
	// new value of the entity (among entities) each item holds.
	CollectionItems(entities ...any) iter.Seq2[any, error]
	// SkipUnknownEntities makes Collection and CollectionItems skip items
	// of entities they have no type for.
	SkipUnknownEntities() Query
	// Preload makes First, All, AllPaginated, Scan and BatchGet (and the
	// Items and Pages iterators, page by page) load the named relationships
	// (fields tagged rel:...) of what they read, batched across all items;
	// "Posts.Tags" loads level by level. An unknown path is an error the
	// terminal returns before sending. See DB.Preload.
	Preload(paths ...string) Query

	// Create writes the model; it fails with ErrConditionFailed when an
	// item with the same key exists.
	Create() error
	// CreateOrUpdate writes the model whether or not the item exists.
	CreateOrUpdate() error
	// Update writes the named fields (all non-key fields when none are
	// named) of an existing item; ErrItemNotFound when it does not exist.
	Update(fields ...string) error
	// Save writes only what changed since the value was read (a tracked
	// model: an entity, or one embedding dynamorm.Tracked): SET/REMOVE of
	// changed attributes, ADD of counter differences and set members,
	// DELETE of set members; nothing when nothing changed; a create for a
	// value never read.
	Save() error
	// UpdateBuilder starts an update expression on the model's item.
	UpdateBuilder() UpdateBuilder
	// Delete removes the model's item.
	Delete() error

	// AllowOverwrite lets BatchCreate and BatchWrite put items of a model
	// with a version field. BatchWriteItem cannot carry conditions, so such
	// puts overwrite whatever is stored, newer versions included, and can
	// move a version backwards; without AllowOverwrite they fail before
	// sending, naming the field and the conditional alternatives (Create,
	// CreateOrUpdate, a transaction). Other writes refuse it.
	AllowOverwrite() Query
	// IfNotExists makes the write conditional on the item not existing.
	IfNotExists() Query
	// IfExists makes the write conditional on the item existing.
	IfExists() Query
	// WithCondition adds a condition on the item's current value to a write.
	WithCondition(field string, op string, value any) Query
	// WithConditionExpression adds a raw condition expression to a write.
	// Values are referenced as :name and given without the colon or with it.
	WithConditionExpression(expr string, values map[string]any) Query

	// BatchGet reads the items with the given keys into dest, in key order.
	BatchGet(keys []any, dest any) error
	// BatchGetWithOptions is BatchGet with chunking, parallelism, consistency,
	// projection, retries and progress reporting set by opts.
	BatchGetWithOptions(keys []any, dest any, opts *BatchGetOptions) error
	// BatchGetBuilder starts a fluent batch read.
	BatchGetBuilder() BatchGetBuilder
	// BatchCreate writes items (a slice of models) with BatchWriteItem:
	// unconditional puts that overwrite existing items. A model with a
	// version field needs AllowOverwrite.
	BatchCreate(items any) error
	// BatchDelete deletes the items with the given keys.
	BatchDelete(keys []any) error
	// BatchWrite writes puts and deletes with BatchWriteItem (puts of a
	// versioned model need AllowOverwrite, as for BatchCreate).
	BatchWrite(puts []any, deletes []any) error
	// BatchUpdateWithOptions updates fields of many items.
	BatchUpdateWithOptions(items []any, fields []string, opts ...BatchOption) error

	// ConsumedCapacity returns the capacity the requests run by this query
	// have consumed so far.
	ConsumedCapacity() ConsumedCapacity
}
