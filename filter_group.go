package dynamorm

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// group is the core.Query a FilterGroup or OrFilterGroup function receives.
// It collects filter conditions (Where, Filter, OrFilter and nested groups)
// into the group; any other call is a mistake that would otherwise be
// dropped silently, so it records an error that the terminal of the
// enclosing query returns (and a terminal called on the group returns it
// at once, sending nothing).
type group struct{ q *query } // q collects in place (q.inGroup)

var _ core.Query = (*group)(nil)

// misuse records that call is not allowed in a group and returns the error.
func (g *group) misuse(call string) error {
	if g.q.err == nil {
		g.q.err = fmt.Errorf("%w: %s called inside FilterGroup/OrFilterGroup on %s: a group holds filter conditions only (Where, Filter, OrFilter, FilterGroup, OrFilterGroup); call %s on the query outside the group",
			core.ErrValidation, call, g.q.model.Name(), call)
	}
	return g.q.err
}

func (g *group) misused(call string) core.Query { g.misuse(call); return g }

// Where adds a condition to the group (as Filter does).
func (g *group) Where(field, op string, value any) core.Query { g.q.Where(field, op, value); return g }

// Filter adds a condition joined with AND.
func (g *group) Filter(field, op string, value any) core.Query {
	g.q.Filter(field, op, value)
	return g
}

// OrFilter adds a condition joined with OR.
func (g *group) OrFilter(field, op string, value any) core.Query {
	g.q.OrFilter(field, op, value)
	return g
}

// FilterGroup adds a nested group joined with AND.
func (g *group) FilterGroup(fn func(core.Query)) core.Query { g.q.FilterGroup(fn); return g }

// OrFilterGroup adds a nested group joined with OR.
func (g *group) OrFilterGroup(fn func(core.Query)) core.Query { g.q.OrFilterGroup(fn); return g }

// The rest are not filter conditions: each is an error.

// Index is an error in a group.
func (g *group) Index(string) core.Query { return g.misused("Index") }

// OrderBy is an error in a group.
func (g *group) OrderBy(string, string) core.Query { return g.misused("OrderBy") }

// Limit is an error in a group.
func (g *group) Limit(int) core.Query { return g.misused("Limit") }

// Offset is an error in a group.
func (g *group) Offset(int) core.Query { return g.misused("Offset") }

// Select is an error in a group.
func (g *group) Select(...string) core.Query { return g.misused("Select") }

// ConsistentRead is an error in a group.
func (g *group) ConsistentRead() core.Query { return g.misused("ConsistentRead") }

// Preload is an error in a group.
func (g *group) Preload(...string) core.Query { return g.misused("Preload") }

// WithRetry is an error in a group.
func (g *group) WithRetry(int, time.Duration) core.Query { return g.misused("WithRetry") }

// Cursor is an error in a group.
func (g *group) Cursor(string) core.Query { return g.misused("Cursor") }

// SetCursor is an error in a group.
func (g *group) SetCursor(string) error { return g.misuse("SetCursor") }

// WithContext is an error in a group.
func (g *group) WithContext(context.Context) core.Query { return g.misused("WithContext") }

// ParallelScan is an error in a group.
func (g *group) ParallelScan(int32, int32) core.Query { return g.misused("ParallelScan") }

// IfNotExists is an error in a group.
func (g *group) IfNotExists() core.Query { return g.misused("IfNotExists") }

// IfExists is an error in a group.
func (g *group) IfExists() core.Query { return g.misused("IfExists") }

// WithCondition is an error in a group.
func (g *group) WithCondition(string, string, any) core.Query { return g.misused("WithCondition") }

// WithConditionExpression is an error in a group.
func (g *group) WithConditionExpression(string, map[string]any) core.Query {
	return g.misused("WithConditionExpression")
}

// AllowOverwrite is an error in a group.
func (g *group) AllowOverwrite() core.Query { return g.misused("AllowOverwrite") }

// First is an error in a group.
func (g *group) First(any) error { return g.misuse("First") }

// All is an error in a group.
func (g *group) All(any) error { return g.misuse("All") }

// AllPaginated is an error in a group.
func (g *group) AllPaginated(any) (*core.PaginatedResult, error) {
	return nil, g.misuse("AllPaginated")
}

// Count is an error in a group.
func (g *group) Count() (int64, error) { return 0, g.misuse("Count") }

// Scan is an error in a group.
func (g *group) Scan(any) error { return g.misuse("Scan") }

// ScanAllSegments is an error in a group.
func (g *group) ScanAllSegments(any, int32) error { return g.misuse("ScanAllSegments") }

// Explain is an error in a group.
func (g *group) Explain() (*core.Explanation, error) { return nil, g.misuse("Explain") }

// Collection is an error in a group.
func (g *group) Collection(any) error { return g.misuse("Collection") }

// CollectionItems yields an error in a group.
func (g *group) CollectionItems(...any) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) { yield(nil, g.misuse("CollectionItems")) }
}

// SkipUnknownEntities is an error in a group.
func (g *group) SkipUnknownEntities() core.Query { return g.misused("SkipUnknownEntities") }

// Create is an error in a group.
func (g *group) Create() error { return g.misuse("Create") }

// CreateOrUpdate is an error in a group.
func (g *group) CreateOrUpdate() error { return g.misuse("CreateOrUpdate") }

// Update is an error in a group.
func (g *group) Update(...string) error { return g.misuse("Update") }

// Save is an error in a group.
func (g *group) Save() error { return g.misuse("Save") }

// UpdateBuilder is an error in a group: the builder it returns fails.
func (g *group) UpdateBuilder() core.UpdateBuilder {
	g.misuse("UpdateBuilder")
	return g.q.UpdateBuilder()
}

// Delete is an error in a group.
func (g *group) Delete() error { return g.misuse("Delete") }

// BatchGet is an error in a group.
func (g *group) BatchGet([]any, any) error { return g.misuse("BatchGet") }

// BatchGetWithOptions is an error in a group.
func (g *group) BatchGetWithOptions([]any, any, *core.BatchGetOptions) error {
	return g.misuse("BatchGetWithOptions")
}

// BatchGetBuilder is an error in a group: the builder it returns fails.
func (g *group) BatchGetBuilder() core.BatchGetBuilder {
	g.misuse("BatchGetBuilder")
	return g.q.BatchGetBuilder()
}

// BatchCreate is an error in a group.
func (g *group) BatchCreate(any) error { return g.misuse("BatchCreate") }

// BatchDelete is an error in a group.
func (g *group) BatchDelete([]any) error { return g.misuse("BatchDelete") }

// BatchWrite is an error in a group.
func (g *group) BatchWrite([]any, []any) error { return g.misuse("BatchWrite") }

// BatchUpdateWithOptions is an error in a group.
func (g *group) BatchUpdateWithOptions([]any, []string, ...core.BatchOption) error {
	return g.misuse("BatchUpdateWithOptions")
}

// ConsumedCapacity is an error in a group (it reports nothing).
func (g *group) ConsumedCapacity() core.ConsumedCapacity {
	g.misuse("ConsumedCapacity")
	return core.ConsumedCapacity{}
}
