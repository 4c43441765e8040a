package dynamorm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// readKind is what a read terminal asks for.
type readKind uint8

const (
	readMatches readKind = iota // All and the typed helpers: the planner picks GetItem, Query or Scan
	readFirst                   // First: as readMatches, but a query naming no item is an error
	readScan                    // Scan, ScanAllSegments: always a Scan
	readPage                    // AllPaginated: one page and a cursor
	readCount                   // Count: Select COUNT
	readExplain                 // Explain: planned as readMatches, never sent
)

// readOps name the read kinds in messages.
var readOps = [...]string{readMatches: "All", readFirst: "First", readScan: "Scan", readPage: "AllPaginated", readCount: "Count", readExplain: "Explain"}

// planRead plans the query as a read of kind.
func (q *query) planRead(kind readKind) (*plan.Read, error) {
	if q.err != nil {
		return nil, q.err
	}
	if err := q.db.checkOpen(); err != nil {
		return nil, err
	}
	if q.tx != nil {
		return nil, fmt.Errorf("%w: reads are not part of a transaction; read through the DB before or after it, or use TransactGet", core.ErrValidation)
	}
	if q.overwrite {
		return nil, fmt.Errorf("%w: %s: AllowOverwrite applies to BatchCreate and BatchWrite only; drop it from the read", core.ErrValidation, q.model.Name())
	}
	if kind != readExplain {
		if err := q.requireLoader(readOps[kind]); err != nil {
			return nil, err
		}
	}
	where, err := q.readConditions()
	if err != nil {
		return nil, err
	}
	if kind == readFirst && len(where) == 0 && q.filter.Cond == nil && len(q.filter.Children) == 0 {
		return nil, q.firstWithoutKey()
	}
	tenantID, err := q.tenantID()
	if err != nil {
		return nil, err
	}
	r, err := plan.PlanRead(plan.ReadInput{
		Tenant:     tenantID,
		Model:      q.model,
		Table:      q.table(),
		Index:      q.index,
		Where:      where,
		Filter:     q.filter,
		OrderBy:    q.orderBy,
		Desc:       q.desc,
		Consistent: q.consistent,
		Projection: q.fields,
		ForceScan:  kind == readScan || q.segment != nil,
		Segment:    q.segment,
		Total:      q.total,
		Bucket:     q.bucket,
		Count:      kind == readCount,
		Paginated:  kind == readPage,
		AnyEntity:  q.anyEntity,
	})
	if err == nil && q.db.shared.noScans && r.Operation == plan.Scan && kind != readScan && kind != readExplain && q.segment == nil {
		return nil, q.implicitScan(r, where)
	}
	return r, err
}

// firstWithoutKey is the error of First on a query that names no item: it
// would scan and return an arbitrary one.
func (q *query) firstWithoutKey() error {
	m := q.model
	return fmt.Errorf("%w: First on %s: no key field is set on the model value and no Where or Filter is given, so it would scan and return an arbitrary item; "+
		"read one item by its key with dynamorm.Get(db, %s{%s: ...}) (numeric zero is a key there) or Model(&%s{%s: ...}), select with Where, or list items with All, Scan or Count",
		core.ErrValidation, m.Name(), m.Name(), m.PK.KeyName(), m.Name(), m.PK.KeyName())
}

// readConditions returns the conditions of a read: the key fields set on
// the model value, then the Where conditions. Under the Go-ORM convention
// (GORM's) only key fields that are not zero count
// (Model(&User{ID: "u1"}).First(&u) reads u1; Model(&User{}) names no item);
// Get (q.exactKey) takes the full primary key of the value as given, where
// numeric zero is a key value and an empty string or binary is an error.
// The model's key fields are always conditions, also with Where or Index,
// so no read returns an item whose key differs from a key field the caller
// set.
func (q *query) readConditions() ([]plan.Condition, error) {
	if !q.item.IsValid() {
		return q.where, nil
	}
	keyFields := q.model.KeyFields()
	var where []plan.Condition
	var vals []types.AttributeValue // one backing array for the conditions' values
	for i, f := range keyFields {
		if !q.exactKey && plan.IsZeroField(q.item, f) {
			continue
		}
		if where == nil {
			where = make([]plan.Condition, 0, len(keyFields)+len(q.where))
			vals = make([]types.AttributeValue, len(keyFields))
		}
		av, err := q.codec.EncodeAttr(q.item, f.Attr)
		if err != nil {
			return nil, err
		}
		if q.exactKey {
			if err := plan.CheckKeyValue(q.model, f, av, "Get"); err != nil {
				return nil, err
			}
		}
		vals[i] = av
		where = append(where, plan.Condition{Field: f, Path: f.AttrPath(), Op: expr.Eq, Values: vals[i : i+1 : i+1]})
	}
	if len(where) == 0 {
		return q.where, nil
	}
	return append(where, q.where...), nil
}

// run plans and runs a read for First, All, Scan and AllPaginated,
// honouring Offset, limit (Limit, or 1 for First), cursors, in-memory
// ordering and WithRetry.
func (q *query) run(kind readKind, limit int) (*plan.Read, readResult, error) {
	r, err := q.planRead(kind)
	if err != nil {
		return nil, readResult{}, err
	}
	if r.SortBy != nil && kind == readPage {
		return nil, readResult{}, fmt.Errorf("%w: OrderBy(%s) is not the sort key of the table or index read, so results are sorted in memory after reading every match; that cannot be paginated. Order by the sort key (or query an index whose sort key it is)", core.ErrValidation, r.SortBy.GoName)
	}
	var start map[string]types.AttributeValue
	if q.cursor != "" {
		if start, err = startKey(q.cursor, r, q.model, q.db.shared.cursorKey); err != nil {
			return nil, readResult{}, err
		}
	}
	if r.Operation == plan.GetItem {
		get := q.readKey
		if r.Lookup != nil {
			get = q.lookup
		}
		item, err := get(r)
		if err != nil {
			return nil, readResult{}, err
		}
		var res readResult
		if item != nil && q.offset == 0 {
			res.items = append(res.items, item)
		}
		return r, res, nil
	}
	if r.Operation == plan.BatchGet {
		items, err := q.batchGetPlan(r)
		if err != nil {
			return nil, readResult{}, err
		}
		if r.SortBy != nil {
			sortItems(items, r.SortBy.Attr, r.Desc)
		}
		return r, readResult{items: window(items, q.offset, limit)}, nil
	}
	skip, want := q.offset, limit
	if r.SortBy != nil {
		skip, want = 0, 0
	}
	var res readResult
	for attempt := 0; ; attempt++ {
		res, err = q.collect(q.ctx, r, start, skip, want)
		if err != nil {
			return nil, readResult{}, err
		}
		short := len(res.items) == 0 || (limit > 0 && len(res.items) < limit)
		if !short || attempt >= q.retries {
			break
		}
		if err := q.db.sleep(q.ctx, q.retryPolicy(), attempt, Event{Reason: "too few items", Attempt: attempt + 1, Table: r.Table, Index: r.Index}); err != nil {
			return nil, readResult{}, err
		}
	}
	if r.SortBy != nil {
		sortItems(res.items, r.SortBy.Attr, r.Desc)
		res.items = window(res.items, q.offset, limit)
		res.next = nil
	}
	return r, res, nil
}

func window[T any](s []T, offset, limit int) []T {
	if offset >= len(s) {
		return nil
	}
	s = s[offset:]
	if limit > 0 && limit < len(s) {
		s = s[:limit]
	}
	return s
}

func (q *query) retryPolicy() *core.RetryPolicy {
	return &core.RetryPolicy{InitialDelay: q.retryDelay, BackoffFactor: 2, Jitter: 0.2}
}

// First reads the first matching item into dest.
func (q *query) First(dest any) error {
	q, c := q.begin("First")
	return c.end(q.first(dest))
}

// first is First without the call's observation.
func (q *query) first(dest any) error {
	if q.err != nil {
		return q.err
	}
	r, res, err := q.run(readFirst, 1)
	if err != nil {
		return err
	}
	if len(res.items) == 0 {
		return fmt.Errorf("%w: %s in table %s (%s)", core.ErrItemNotFound, q.model.Name(), r.Table, r.Operation)
	}
	if err := q.db.decodeOne(res.items[0], dest, readAttrs(q.fields)); err != nil {
		return err
	}
	return q.db.preloadValues(q.ctx, dest, q.preload, q)
}

// All reads every matching item into dest.
func (q *query) All(dest any) error {
	q, c := q.begin("All")
	return c.end(q.all(dest))
}

// all is All without the call's observation.
func (q *query) all(dest any) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	_, res, err := q.run(readMatches, q.limit)
	if err != nil {
		return err
	}
	if err := q.db.decodeAll(res.items, dest, readAttrs(q.fields)); err != nil {
		return err
	}
	return q.db.preloadValues(q.ctx, dest, q.preload, q)
}

// Scan reads every item passing the conditions with a Scan.
func (q *query) Scan(dest any) error {
	q, c := q.begin("Scan")
	return c.end(q.scan(dest))
}

// scan is Scan without the call's observation.
func (q *query) scan(dest any) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	_, res, err := q.run(readScan, q.limit)
	if err != nil {
		return err
	}
	if err := q.db.decodeAll(res.items, dest, readAttrs(q.fields)); err != nil {
		return err
	}
	return q.db.preloadValues(q.ctx, dest, q.preload, q)
}

// AllPaginated reads one page of at most Limit matching items.
func (q *query) AllPaginated(dest any) (*core.PaginatedResult, error) {
	q, c := q.begin("AllPaginated")
	res, err := q.allPaginated(dest)
	return res, c.end(err)
}

// allPaginated is AllPaginated without the call's observation.
func (q *query) allPaginated(dest any) (*core.PaginatedResult, error) {
	if err := q.checkDest(dest); err != nil {
		return nil, err
	}
	r, res, err := q.run(readPage, q.limit)
	if err != nil {
		return nil, err
	}
	if err := q.db.decodeAll(res.items, dest, readAttrs(q.fields)); err != nil {
		return nil, err
	}
	if err := q.db.preloadValues(q.ctx, dest, q.preload, q); err != nil {
		return nil, err
	}
	out := &core.PaginatedResult{
		Items:            dest,
		Count:            len(res.items),
		ScannedCount:     res.scanned,
		LastEvaluatedKey: res.next,
		HasMore:          res.next != nil,
	}
	if res.next != nil {
		if out.NextCursor, err = encodeCursor(r, res.next, q.db.shared.cursorKey); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Count counts matching items across every page (Select=COUNT). When some
// conditions are evaluated on the returned items (sort-key conditions a key
// condition cannot express: <>, IN, a second range), the items are read and
// counted after those conditions, so Count always equals len(All).
func (q *query) Count() (int64, error) {
	q, c := q.begin("Count")
	n, err := q.count()
	return n, c.end(err)
}

// count is Count without the call's observation.
func (q *query) count() (int64, error) {
	r, err := q.planRead(readCount)
	if err != nil {
		return 0, err
	}
	switch r.Operation {
	case plan.GetItem:
		item, err := q.readKey(r)
		if err != nil || item == nil {
			return 0, err
		}
		return 1, nil
	case plan.BatchGet:
		items, err := q.batchGetPlan(r)
		return int64(len(items)), err
	}
	if len(r.PostFilter) > 0 {
		// Conditions evaluated on the returned items: count what passes
		// them, exactly as All does, so that Count equals len(All).
		var n int64
		_, _, err := q.walk(q.ctx, r, nil, 0, 0, func(items []map[string]types.AttributeValue) bool {
			n += int64(len(items))
			return true
		})
		return n, err
	}
	var total int64
	var start map[string]types.AttributeValue
	for {
		pg, err := q.fetch(q.ctx, r, start, 0, true)
		if err != nil {
			return total, err
		}
		total += int64(pg.count)
		if pg.last == nil {
			return total, nil
		}
		start = pg.last
	}
}

// maxScanSegmentsInFlight bounds the segments ScanAllSegments scans at once.
const maxScanSegmentsInFlight = 16

// ScanAllSegments scans with totalSegments segments, at most 16 at once
// (so that a large count does not start a goroutine per segment), and
// reads every matching item into dest, segment by segment.
func (q *query) ScanAllSegments(dest any, totalSegments int32) error {
	q, c := q.begin("ScanAllSegments")
	return c.end(q.scanAllSegments(dest, totalSegments))
}

// scanAllSegments is ScanAllSegments without the call's observation.
func (q *query) scanAllSegments(dest any, totalSegments int32) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	if totalSegments < 1 {
		return fmt.Errorf("%w: ScanAllSegments: totalSegments must be at least 1, got %d", core.ErrValidation, totalSegments)
	}
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	results := make([][]map[string]types.AttributeValue, totalSegments)
	errs := make([]error, totalSegments)
	total := q.initCapacity()
	runBounded(int(totalSegments), maxScanSegmentsInFlight, func(i int) {
		seg := int32(i)
		if ctx.Err() != nil {
			errs[seg] = ctx.Err()
			return
		}
		sq := q.ParallelScan(seg, totalSegments).(*query)
		sq.capacity = total
		r, err := sq.planRead(readScan)
		if err == nil {
			var res readResult
			res, err = sq.collect(ctx, r, nil, 0, 0)
			results[seg] = res.items
		}
		if err != nil {
			if !isContextError(err) {
				err = fmt.Errorf("segment %d of %d: %w", seg, totalSegments, err)
			}
			errs[seg] = err
			cancel()
		}
	})
	// Report the error that stopped the scan, not the cancellations it
	// caused in the other segments.
	if err := firstError(errs); err != nil {
		return err
	}
	var all []map[string]types.AttributeValue
	for _, items := range results {
		all = append(all, items...)
	}
	if q.offset > 0 || q.limit > 0 {
		all = window(all, q.offset, q.limit)
	}
	return q.db.decodeAll(all, dest, readAttrs(q.fields))
}

func (q *query) checkDest(dest any) error {
	if q.err != nil {
		return q.err
	}
	v := reflect.ValueOf(dest)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("%w: destination must be a non-nil pointer to a slice (e.g. &[]%s{}), got %T", core.ErrValidation, q.model.Name(), dest)
	}
	return nil
}

// Explain returns the request the query would send.
func (q *query) Explain() (*core.Explanation, error) {
	r, err := q.planRead(readExplain)
	if err != nil {
		return nil, err
	}
	return q.explanation(r), nil
}

// explanation describes the request r sends.
func (q *query) explanation(r *plan.Read) *core.Explanation {
	e := &core.Explanation{
		Operation:        r.Operation,
		Table:            r.Table,
		Index:            r.Index,
		Key:              r.Key,
		Keys:             r.Keys,
		KeyCondition:     r.KeyCondition,
		Filter:           r.Filter,
		Projection:       r.Projection,
		Names:            r.Names,
		Values:           r.Values,
		ScanIndexForward: r.Forward,
		ConsistentRead:   r.Consistent,
		Segment:          r.Segment,
		TotalSegments:    r.Total,
	}
	if q.limit > 0 && !r.Filtered() && r.SortBy == nil && (r.Operation == plan.Query || r.Operation == plan.Scan) {
		e.Limit = int32(q.limit + q.offset)
	}
	if r.SortBy != nil {
		e.SortInMemory = r.SortBy.Attr
		e.SortDescending = r.Desc
	}
	if l := r.Lookup; l != nil {
		e.Then = "GetItem of the item the guard of unique " + l.Unique.Name + " names (its " + plan.OwnerKeyAttr + "), which must still hold the value"
	}
	e.Tenant = r.ExplainTenant()
	return e
}
