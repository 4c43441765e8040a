package mocks

import (
	"context"
	"iter"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockQuery is a testify mock of core.Query. Its chainable builder methods
// return the mock itself unless Return gives another core.Query, so one
// MockQuery serves a whole chain:
//
//	mockQuery.On("Where", "CustomerID", "=", "c-1").Return()
//	mockQuery.On("Limit", 10).Return()
//	mockQuery.On("All", mock.Anything).Return(nil)
type MockQuery struct {
	mock.Mock
	lenient bool // see NewLenientQuery
}

var _ core.Query = (*MockQuery)(nil)

// Where records the call (adds a condition) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Where(field string, op string, value any) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Where", m, field, op, value)
}

// Index records the call (chooses an index) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Index(name string) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Index", m, name)
}

// Filter records the call (adds an AND filter) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Filter(field string, op string, value any) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Filter", m, field, op, value)
}

// OrFilter records the call (adds an OR filter) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) OrFilter(field string, op string, value any) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "OrFilter", m, field, op, value)
}

// FilterGroup records the call (adds an AND filter group) and returns the
// programmed core.Query, or the mock itself when none was programmed. fn is
// not run (run it with Run) and is matched with mock.Anything or
// mock.AnythingOfType("func(core.Query)").
func (m *MockQuery) FilterGroup(fn func(core.Query)) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "FilterGroup", m, fn)
}

// OrFilterGroup records the call (adds an OR filter group) and returns the
// programmed core.Query, or the mock itself when none was programmed. fn is
// not run (run it with Run) and is matched with mock.Anything or
// mock.AnythingOfType("func(core.Query)").
func (m *MockQuery) OrFilterGroup(fn func(core.Query)) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "OrFilterGroup", m, fn)
}

// OrderBy records the call (orders results) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) OrderBy(field string, order string) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "OrderBy", m, field, order)
}

// Limit records the call (limits results) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Limit(n int) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Limit", m, n)
}

// Offset records the call (skips results) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Offset(n int) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Offset", m, n)
}

// ConsistentRead records the call (asks for strongly consistent reads) and
// returns the programmed core.Query, or the mock itself when none was
// programmed.
func (m *MockQuery) ConsistentRead() core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "ConsistentRead", m)
}

// WithRetry records the call (retries empty reads) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) WithRetry(maxRetries int, initialDelay time.Duration) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "WithRetry", m, maxRetries, initialDelay)
}

// Cursor records the call (resumes after a page) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Cursor(cursor string) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Cursor", m, cursor)
}

// WithContext records the call (sets the context) and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) WithContext(ctx context.Context) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "WithContext", m, ctx)
}

// ParallelScan records the call (restricts a scan to one segment) and returns
// the programmed core.Query, or the mock itself when none was programmed.
func (m *MockQuery) ParallelScan(segment int32, totalSegments int32) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "ParallelScan", m, segment, totalSegments)
}

// IfNotExists records the call (makes the write conditional on absence) and
// returns the programmed core.Query, or the mock itself when none was
// programmed.
func (m *MockQuery) IfNotExists() core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "IfNotExists", m)
}

// AllowOverwrite records the call (lets batch puts overwrite versioned
// items) and returns the programmed core.Query, or the mock itself when
// none was programmed.
func (m *MockQuery) AllowOverwrite() core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "AllowOverwrite", m)
}

// IfExists records the call (makes the write conditional on existence) and
// returns the programmed core.Query, or the mock itself when none was
// programmed.
func (m *MockQuery) IfExists() core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "IfExists", m)
}

// WithCondition records the call (adds a write condition) and returns the
// programmed core.Query, or the mock itself when none was programmed.
func (m *MockQuery) WithCondition(field string, op string, value any) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "WithCondition", m, field, op, value)
}

// WithConditionExpression records the call (adds a raw write condition) and
// returns the programmed core.Query, or the mock itself when none was
// programmed.
func (m *MockQuery) WithConditionExpression(expr string, values map[string]any) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "WithConditionExpression", m, expr, values)
}

// SetCursor records the call (validates and sets a cursor) and returns the
// programmed error.
func (m *MockQuery) SetCursor(cursor string) error {
	args := m.Called(cursor)
	return errorResult("MockQuery.SetCursor", args, 0)
}

// First records the call (reads one item; fill dest with Run) and returns the
// programmed error.
func (m *MockQuery) First(dest any) error {
	args := m.Called(dest)
	return errorResult("MockQuery.First", args, 0)
}

// All records the call (reads every matching item; fill dest with Run) and
// returns the programmed error.
func (m *MockQuery) All(dest any) error {
	args := m.Called(dest)
	return errorResult("MockQuery.All", args, 0)
}

// Scan records the call (scans; fill dest with Run) and returns the
// programmed error.
func (m *MockQuery) Scan(dest any) error {
	args := m.Called(dest)
	return errorResult("MockQuery.Scan", args, 0)
}

// ScanAllSegments records the call (scans in parallel segments; fill dest
// with Run) and returns the programmed error.
func (m *MockQuery) ScanAllSegments(dest any, totalSegments int32) error {
	args := m.Called(dest, totalSegments)
	return errorResult("MockQuery.ScanAllSegments", args, 0)
}

// Create records the call (creates the model's item) and returns the
// programmed error.
func (m *MockQuery) Create() error {
	args := m.Called()
	return errorResult("MockQuery.Create", args, 0)
}

// CreateOrUpdate records the call (upserts the model's item) and returns the
// programmed error.
func (m *MockQuery) CreateOrUpdate() error {
	args := m.Called()
	return errorResult("MockQuery.CreateOrUpdate", args, 0)
}

// Save records the call (saves what changed in the model value) and
// returns the programmed error.
func (m *MockQuery) Save() error {
	args := m.Called()
	return errorResult("MockQuery.Save", args, 0)
}

// Delete records the call (deletes the model's item) and returns the
// programmed error.
func (m *MockQuery) Delete() error {
	args := m.Called()
	return errorResult("MockQuery.Delete", args, 0)
}

// BatchGet records the call (reads items by key; fill dest with Run) and
// returns the programmed error.
func (m *MockQuery) BatchGet(keys []any, dest any) error {
	args := m.Called(keys, dest)
	return errorResult("MockQuery.BatchGet", args, 0)
}

// BatchGetWithOptions records the call (reads items by key with options; fill
// dest with Run) and returns the programmed error.
func (m *MockQuery) BatchGetWithOptions(keys []any, dest any, opts *core.BatchGetOptions) error {
	args := m.Called(keys, dest, opts)
	return errorResult("MockQuery.BatchGetWithOptions", args, 0)
}

// BatchCreate records the call (writes items) and returns the programmed
// error.
func (m *MockQuery) BatchCreate(items any) error {
	args := m.Called(items)
	return errorResult("MockQuery.BatchCreate", args, 0)
}

// BatchDelete records the call (deletes items by key) and returns the
// programmed error.
func (m *MockQuery) BatchDelete(keys []any) error {
	args := m.Called(keys)
	return errorResult("MockQuery.BatchDelete", args, 0)
}

// BatchWrite records the call (writes puts and deletes) and returns the
// programmed error.
func (m *MockQuery) BatchWrite(puts []any, deletes []any) error {
	args := m.Called(puts, deletes)
	return errorResult("MockQuery.BatchWrite", args, 0)
}

// Select records the call and returns the programmed core.Query, or the mock
// itself when none was programmed. The fields are one []string argument,
// absent when there are none: mockQuery.On("Select", []string{"ID", "Name"}).
func (m *MockQuery) Select(fields ...string) core.Query {
	return pass[core.Query](&m.Mock, m.lenient, "Select", m, callArgs(fields)...)
}

// Update records the call and returns the programmed error. The fields are
// one []string argument, absent when there are none: mockQuery.On("Update")
// matches q.Update() and mockQuery.On("Update", []string{"Name"}) matches
// q.Update("Name").
func (m *MockQuery) Update(fields ...string) error {
	args := m.Called(callArgs(fields)...)
	return errorResult("MockQuery.Update", args, 0)
}

// BatchUpdateWithOptions records the call and returns the programmed error.
// The options are one []core.BatchOption argument, absent when there are
// none: On("BatchUpdateWithOptions", mock.Anything, mock.Anything).
func (m *MockQuery) BatchUpdateWithOptions(items []any, fields []string, opts ...core.BatchOption) error {
	args := m.Called(callArgs(opts, items, fields)...)
	return errorResult("MockQuery.BatchUpdateWithOptions", args, 0)
}

// AllPaginated records the call and returns the programmed
// *core.PaginatedResult (nil when missing or nil) and error. Fill dest with
// Run.
func (m *MockQuery) AllPaginated(dest any) (*core.PaginatedResult, error) {
	args := m.Called(dest)
	return result[*core.PaginatedResult]("MockQuery.AllPaginated", args, 0),
		errorResult("MockQuery.AllPaginated", args, 1)
}

// Count records the call and returns the programmed count (0 when missing;
// any Go integer type is accepted) and error.
func (m *MockQuery) Count() (int64, error) {
	args := m.Called()
	return intResult("MockQuery.Count", args, 0), errorResult("MockQuery.Count", args, 1)
}

// Collection records the call and returns the programmed error (nil when
// none was programmed).
func (m *MockQuery) Collection(dest any) error {
	args := m.Called(dest)
	return errorResult("MockQuery.Collection", args, 0)
}

// CollectionItems records the call (the entities as one slice) and returns
// the programmed iterator, or an empty one when none was programmed.
func (m *MockQuery) CollectionItems(entities ...any) iter.Seq2[any, error] {
	args := m.Called(callArgs(entities)...)
	if seq := result[iter.Seq2[any, error]]("MockQuery.CollectionItems", args, 0); seq != nil {
		return seq
	}
	return func(func(any, error) bool) {}
}

// SkipUnknownEntities records the call and returns the programmed
// core.Query, or the mock itself when none was programmed.
func (m *MockQuery) SkipUnknownEntities() core.Query {
	args := m.Called()
	return chain[core.Query]("MockQuery.SkipUnknownEntities", args, m)
}

// Preload records the call (the paths as one slice) and returns the
// programmed core.Query, or the mock itself when none was programmed.
func (m *MockQuery) Preload(paths ...string) core.Query {
	args := m.Called(callArgs(paths)...)
	return chain[core.Query]("MockQuery.Preload", args, m)
}

// Explain records the call and returns the programmed *core.Explanation (nil
// when missing or nil) and error.
func (m *MockQuery) Explain() (*core.Explanation, error) {
	args := m.Called()
	return result[*core.Explanation]("MockQuery.Explain", args, 0),
		errorResult("MockQuery.Explain", args, 1)
}

// UpdateBuilder records the call and returns the programmed
// core.UpdateBuilder (nil when none was programmed):
// mockQuery.On("UpdateBuilder").Return(mockUpdate).
func (m *MockQuery) UpdateBuilder() core.UpdateBuilder {
	args := m.Called()
	return result[core.UpdateBuilder]("MockQuery.UpdateBuilder", args, 0)
}

// BatchGetBuilder records the call and returns the programmed
// core.BatchGetBuilder (nil when none was programmed).
func (m *MockQuery) BatchGetBuilder() core.BatchGetBuilder {
	args := m.Called()
	return result[core.BatchGetBuilder]("MockQuery.BatchGetBuilder", args, 0)
}

// ConsumedCapacity records the call and returns the programmed
// core.ConsumedCapacity, or the zero value when none was programmed:
// mockQuery.On("ConsumedCapacity").Return() reports nothing consumed.
func (m *MockQuery) ConsumedCapacity() core.ConsumedCapacity {
	args := m.Called()
	return result[core.ConsumedCapacity]("MockQuery.ConsumedCapacity", args, 0)
}
