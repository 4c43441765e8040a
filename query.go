package dynamorm

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// query is dynamorm's core.Query. Builder methods copy the receiver, so a
// query can be branched; terminals run it.
type query struct {
	db  *DB
	ctx context.Context
	err error // the first builder error; terminals return it before sending

	model *model.Model
	codec *marshal.StructCodec
	item  reflect.Value // the model struct when Model got a pointer to one (addressable)

	where []plan.Condition
	// options are the settings most queries leave alone. Copies of a query
	// share them: they are changed only through set, which gives the query
	// a copy of its own first. Never nil (noOptions when none are set).
	*options
	tx *txCollector
	// transact: the query's write joins a Transact() builder's
	// transaction (as tx does a db.Transaction's), so it is not sent alone.
	transact bool

	// collect makes builder methods modify the receiver instead of copying
	// it: FilterGroup hands such a query to its function.
	inGroup bool
	// capacity totals what this query's terminals consumed; created by the
	// first terminal, never shared with copies.
	capacity *usage
	// loaderBatch marks a loader's batch read: its capacity goes to the
	// scope's total only, its readers are charged their shares.
	loaderBatch bool
}

// options are a query's settings other than its model, context and key
// conditions; see query.options.
type options struct {
	filter     expr.Node
	index      string
	orderBy    *model.Field
	desc       bool
	limit      int
	offset     int
	fields     [][]string // attribute paths to project
	consistent bool
	exactKey   bool // Get: the model value's full primary key, zero values included
	retries    int
	retryDelay time.Duration
	cursor     string
	segment    *int32
	total      *int32
	bucket     *int // Iterate: the bucket of the iteration index read

	conds     []plan.Cond // conditions on writes
	overwrite bool        // AllowOverwrite: batch puts of a versioned model

	// anyEntity reads an entity's item collection (Collection);
	// skipUnknown skips items of entities a collection has no type for.
	anyEntity, skipUnknown bool
	// preload are the relationship paths the read terminals load (Preload).
	preload []string
}

// noOptions are the options of a query that sets none; never written.
var noOptions options

// set gives q a copy of its options, for q alone to change, and returns it.
// The copy's slices are clipped so that appending to them never writes into
// storage another query shares.
func (q *query) set() *options {
	o := *q.options
	o.filter.Children = slices.Clip(o.filter.Children)
	o.fields = slices.Clip(o.fields)
	o.conds = slices.Clip(o.conds)
	o.preload = slices.Clip(o.preload)
	q.options = &o
	return &o
}

var _ core.Query = (*query)(nil)

func newQuery(db *DB, m any) *query {
	q := &query{db: db, ctx: db.ctx, options: &noOptions}
	if err := db.checkOpen(); err != nil {
		q.err = err
		return q
	}
	if m == nil {
		q.err = fmt.Errorf("%w: Model(nil): pass a pointer to a model struct, e.g. Model(&User{})", core.ErrInvalidModel)
		return q
	}
	md, err := model.OfValue(m)
	if err != nil {
		q.err = err
		return q
	}
	codec, err := db.codecOf(md.Type)
	if err != nil {
		q.err = err
		return q
	}
	q.model, q.codec = md, codec
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		q.item = v.Elem()
	} else if v.Kind() == reflect.Struct {
		q.err = fmt.Errorf("%w: Model(%s): pass a pointer (&%s{...}) so that generated values can be written back", core.ErrInvalidModel, md.Name(), md.Name())
	}
	if q.err == nil {
		q.err = db.checkTenantTable(md, q.item)
	}
	return q
}

func (db *DB) codecOf(t reflect.Type) (*marshal.StructCodec, error) {
	c, err := db.shared.codecs.StructCodecOf(t)
	if err != nil {
		return nil, errs.Marked(core.ErrInvalidModel, err)
	}
	return c, nil
}

func (q *query) clone() *query {
	if q.inGroup {
		return q
	}
	c := q.snapshot()
	c.where = slices.Clip(c.where)
	c.capacity = nil
	return &c
}

func (q *query) fail(err error) *query {
	c := q.clone()
	if c.err == nil {
		c.err = err
	}
	return c
}

// table is the table the query's model maps to.
func (q *query) table() string {
	return q.db.shared.prefix + q.model.TableName(q.item)
}

// condition resolves a field, parses the operator and encodes the values.
func (q *query) condition(field, op string, value any) (plan.Condition, error) {
	if q.model == nil {
		return plan.Condition{}, q.err
	}
	t, err := q.resolveTarget(field)
	if err != nil {
		return plan.Condition{}, err
	}
	o, err := expr.ParseOp(op)
	if err != nil {
		return plan.Condition{}, fmt.Errorf("%w (on %s of %s)", err, field, q.model.Name())
	}
	if f, ok := q.model.FieldByAttr(t.path[0]); ok && f.Encrypted && (o.Arity() != 0 || t.field == nil) {
		return plan.Condition{}, fmt.Errorf("%w: %s %s of %s: %s is encrypted, and DynamoDB would compare the stored envelope, never the value; only exists and not_exists apply to it (filter in Go after reading)", core.ErrValidation, field, o, q.model.Name(), f.GoName)
	}
	vals, err := encodeOperands(t, o, value)
	if err != nil {
		return plan.Condition{}, fmt.Errorf("%s %s of %s: %w", field, o, q.model.Name(), err)
	}
	return plan.Condition{Field: t.field, Path: t.path, Op: o, Values: vals}, nil
}

// encodeOperands encodes the operands of op on t (see operand.go).
func encodeOperands(t target, op expr.Op, value any) ([]types.AttributeValue, error) {
	one := func(v any) (types.AttributeValue, error) {
		av, err := t.encode(v)
		if err == nil {
			err = checkOperand(t, op, av)
		}
		return av, err
	}
	switch op.Arity() {
	case 0:
		return nil, nil
	case 2, -1:
		rv := reflect.ValueOf(value)
		isList := rv.IsValid() && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8
		if !isList {
			if op == expr.Between {
				return nil, fmt.Errorf("%w: BETWEEN takes a slice or array of two values, got %T", core.ErrValidation, value)
			}
			av, err := one(value)
			return []types.AttributeValue{av}, err
		}
		out := make([]types.AttributeValue, rv.Len())
		for i := range out {
			av, err := one(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = av
		}
		return out, nil
	}
	switch op {
	case expr.AttributeType:
		s, ok := value.(string)
		if !ok {
			return nil, fmt.Errorf("%w: ATTRIBUTE_TYPE takes a type name such as \"S\", \"N\" or \"SS\", got %T", core.ErrValidation, value)
		}
		return []types.AttributeValue{&types.AttributeValueMemberS{Value: strings.ToUpper(s)}}, nil
	case expr.SizeEq, expr.SizeNe, expr.SizeLt, expr.SizeLe, expr.SizeGt, expr.SizeGe:
		av, err := t.codecs.MarshalValue(value)
		if err == nil {
			if _, isN := av.(*types.AttributeValueMemberN); !isN {
				err = fmt.Errorf("%w: SIZE comparisons take a number, got %T", core.ErrValidation, value)
			}
		}
		return []types.AttributeValue{av}, err
	case expr.Contains, expr.NotContains:
		av, err := t.codecs.MarshalValue(value)
		if err == nil {
			err = checkOperand(t, op, av)
		}
		return []types.AttributeValue{av}, err
	}
	av, err := one(value)
	return []types.AttributeValue{av}, err
}

// Where adds a condition; see core.Query.
func (q *query) Where(field, op string, value any) core.Query {
	if q.err != nil {
		return q.clone()
	}
	c, err := q.condition(field, op, value)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	if n.inGroup {
		cond := expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}
		o := n.set()
		o.filter.Children = append(o.filter.Children, expr.Node{Cond: &cond})
		return n
	}
	n.where = append(n.where, c)
	return n
}

// Index selects a secondary index.
func (q *query) Index(name string) core.Query {
	n := q.clone()
	n.set().index = name
	return n
}

func (q *query) addFilter(or bool, field, op string, value any) core.Query {
	if q.err != nil {
		return q.clone()
	}
	c, err := q.condition(field, op, value)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	cond := expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}
	o := n.set()
	o.filter.Children = append(o.filter.Children, expr.Node{Or: or, Cond: &cond})
	return n
}

// Filter adds a filter condition joined with AND.
func (q *query) Filter(field, op string, value any) core.Query {
	return q.addFilter(false, field, op, value)
}

// OrFilter adds a filter condition joined with OR.
func (q *query) OrFilter(field, op string, value any) core.Query {
	return q.addFilter(true, field, op, value)
}

func (q *query) addGroup(or bool, fn func(core.Query)) core.Query {
	if q.err != nil {
		return q.clone()
	}
	g := &query{db: q.db, ctx: q.ctx, model: q.model, codec: q.codec, item: q.item, options: &noOptions, inGroup: true}
	fn(&group{q: g})
	if g.err != nil {
		return q.fail(g.err)
	}
	n := q.clone()
	if len(g.filter.Children) > 0 {
		o := n.set()
		o.filter.Children = append(o.filter.Children, expr.Node{Or: or, Children: g.filter.Children})
	}
	return n
}

// FilterGroup adds a parenthesised group of filters joined with AND. The
// query passed to fn collects the group's conditions in place; a call on it
// other than Where, Filter, OrFilter or a nested group is an error the
// terminal returns (see group).
func (q *query) FilterGroup(fn func(core.Query)) core.Query { return q.addGroup(false, fn) }

// OrFilterGroup adds a parenthesised group of filters joined with OR.
func (q *query) OrFilterGroup(fn func(core.Query)) core.Query { return q.addGroup(true, fn) }

// OrderBy orders by field, "ASC" or "DESC".
func (q *query) OrderBy(field, order string) core.Query {
	if q.err != nil {
		return q.clone()
	}
	f, err := q.model.MustField(field)
	if err != nil {
		return q.fail(err)
	}
	var desc bool
	switch strings.ToUpper(strings.TrimSpace(order)) {
	case "", "ASC", "ASCENDING":
	case "DESC", "DESCENDING":
		desc = true
	default:
		return q.fail(fmt.Errorf("%w: OrderBy(%q, %q): order must be \"ASC\" or \"DESC\"", core.ErrValidation, field, order))
	}
	n := q.clone()
	o := n.set()
	o.orderBy, o.desc = f, desc
	return n
}

// Limit returns at most n matching items.
func (q *query) Limit(n int) core.Query {
	if n < 0 {
		return q.fail(fmt.Errorf("%w: Limit(%d): must not be negative", core.ErrValidation, n))
	}
	c := q.clone()
	c.set().limit = n
	return c
}

// Offset skips n matching items.
func (q *query) Offset(n int) core.Query {
	if n < 0 {
		return q.fail(fmt.Errorf("%w: Offset(%d): must not be negative", core.ErrValidation, n))
	}
	c := q.clone()
	c.set().offset = n
	return c
}

// Select projects the named fields.
func (q *query) Select(fields ...string) core.Query {
	if q.err != nil {
		return q.clone()
	}
	paths, err := q.projection(fields)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	o := n.set()
	o.fields = append(o.fields, paths...)
	return n
}

// projection resolves the fields or document paths a Select names.
func (q *query) projection(fields []string) ([][]string, error) {
	paths := make([][]string, 0, len(fields))
	for _, name := range fields {
		t, err := q.resolveTarget(name)
		if err != nil {
			return nil, err
		}
		paths = append(paths, t.path)
	}
	return paths, nil
}

// ConsistentRead asks for strongly consistent reads.
func (q *query) ConsistentRead() core.Query {
	n := q.clone()
	n.set().consistent = true
	return n
}

// WithRetry retries empty or short reads.
func (q *query) WithRetry(maxRetries int, initialDelay time.Duration) core.Query {
	if maxRetries < 0 || initialDelay < 0 {
		return q.fail(fmt.Errorf("%w: WithRetry(%d, %v): negative values", core.ErrValidation, maxRetries, initialDelay))
	}
	n := q.clone()
	o := n.set()
	o.retries, o.retryDelay = maxRetries, initialDelay
	return n
}

// Cursor resumes after the page that returned cursor.
func (q *query) Cursor(cursor string) core.Query {
	n := q.clone()
	n.set().cursor = cursor
	return n
}

// SetCursor validates cursor and sets it on q itself (queries derived from
// q earlier keep theirs).
func (q *query) SetCursor(cursor string) error {
	if q.err != nil {
		return q.err
	}
	if _, err := decodeCursor(cursor, q.db.shared.cursorKey); err != nil {
		return err
	}
	q.set().cursor = cursor
	return nil
}

// WithContext returns a query whose requests honour ctx.
func (q *query) WithContext(ctx context.Context) core.Query {
	n := q.clone()
	if ctx == nil {
		ctx = context.Background()
	}
	n.ctx = q.db.scoped(ctx)
	return n
}

// ParallelScan restricts a scan to one segment.
func (q *query) ParallelScan(segment, total int32) core.Query {
	if total < 1 || total > 1000000 || segment < 0 || segment >= total {
		return q.fail(fmt.Errorf("%w: ParallelScan(%d, %d): need 0 <= segment < total <= 1000000", core.ErrValidation, segment, total))
	}
	n := q.clone()
	o := n.set()
	o.segment, o.total = &segment, &total
	return n
}

// ConsumedCapacity returns what this query's requests have consumed.
func (q *query) ConsumedCapacity() core.ConsumedCapacity { return q.usageTotal() }
