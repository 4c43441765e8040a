package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/backoff"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// planRead plans the query as a read.
func (q *query) planRead(forceScan, count bool) (*plan.Read, error) {
	if q.err != nil {
		return nil, q.err
	}
	if q.tx != nil {
		return nil, fmt.Errorf("%w: reads are not part of a transaction; read through the DB before or after it, or use TransactGet", core.ErrValidation)
	}
	where, err := q.readConditions()
	if err != nil {
		return nil, err
	}
	return plan.PlanRead(plan.ReadInput{
		Model:      q.model,
		Table:      q.table(),
		Index:      q.index,
		Where:      where,
		Filter:     q.filter,
		OrderBy:    q.orderBy,
		Desc:       q.desc,
		Consistent: q.consistent,
		Projection: q.fields,
		ForceScan:  forceScan || q.segment != nil,
		Segment:    q.segment,
		Total:      q.total,
		Count:      count,
	})
}

// readConditions returns the Where conditions; without any, the key fields
// set on the model value (Model(&User{ID: "u1"}).First(&u)) are the
// conditions, so that reading "this item" never scans.
func (q *query) readConditions() ([]plan.Condition, error) {
	if len(q.where) > 0 || !q.item.IsValid() || q.index != "" {
		return q.where, nil
	}
	var where []plan.Condition
	for _, f := range []*model.Field{q.model.PK, q.model.SK} {
		if f == nil || isZeroField(q.item, f) {
			continue
		}
		av, err := q.codec.EncodeAttr(q.item, f.Attr)
		if err != nil {
			return nil, err
		}
		where = append(where, plan.Condition{Field: f, Path: []string{f.Attr}, Op: expr.Eq, Values: []types.AttributeValue{av}})
	}
	return where, nil
}

// page is one page of a Query or Scan.
type page struct {
	items   []map[string]types.AttributeValue
	last    map[string]types.AttributeValue
	count   int32
	scanned int32
}

// fetch sends one Query or Scan request.
func (q *query) fetch(ctx context.Context, r *plan.Read, start map[string]types.AttributeValue, limit int32, count bool) (page, error) {
	var lim *int32
	if limit > 0 {
		lim = aws.Int32(limit)
	}
	var sel types.Select
	if count {
		sel = types.SelectCount
	}
	cc := types.ReturnConsumedCapacityIndexes
	if r.Operation == plan.Query {
		out, err := q.db.shared.client.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(r.Table),
			IndexName:                 optional(r.Index),
			KeyConditionExpression:    aws.String(r.KeyCondition),
			FilterExpression:          optional(r.Filter),
			ProjectionExpression:      optional(r.Projection),
			ExpressionAttributeNames:  r.Names,
			ExpressionAttributeValues: r.Values,
			ScanIndexForward:          aws.Bool(r.Forward),
			ConsistentRead:            consistent(r.Consistent),
			ExclusiveStartKey:         start,
			Limit:                     lim,
			Select:                    sel,
			ReturnConsumedCapacity:    cc,
		})
		if err != nil {
			return page{}, wrapAWS("Query", q.model.Name(), r.Table, err)
		}
		q.recordRead(out.ConsumedCapacity)
		return page{out.Items, out.LastEvaluatedKey, out.Count, out.ScannedCount}, nil
	}
	out, err := q.db.shared.client.Scan(ctx, &dynamodb.ScanInput{
		TableName:                 aws.String(r.Table),
		IndexName:                 optional(r.Index),
		FilterExpression:          optional(r.Filter),
		ProjectionExpression:      optional(r.Projection),
		ExpressionAttributeNames:  r.Names,
		ExpressionAttributeValues: r.Values,
		ConsistentRead:            consistent(r.Consistent),
		ExclusiveStartKey:         start,
		Limit:                     lim,
		Select:                    sel,
		Segment:                   r.Segment,
		TotalSegments:             r.Total,
		ReturnConsumedCapacity:    cc,
	})
	if err != nil {
		return page{}, wrapAWS("Scan", q.model.Name(), r.Table, err)
	}
	q.recordRead(out.ConsumedCapacity)
	return page{out.Items, out.LastEvaluatedKey, out.Count, out.ScannedCount}, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func consistent(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

// readResult is what collect gathered.
type readResult struct {
	items   []map[string]types.AttributeValue
	next    map[string]types.AttributeValue // resume key; nil at the end
	scanned int
}

// collect pages through r from start until it has skip+want matching items
// (want 0: all), then drops the first skip. When it stops inside a page, the
// resume key is the key of the last item returned, so nothing is skipped or
// returned twice when resuming.
func (q *query) collect(ctx context.Context, r *plan.Read, start map[string]types.AttributeValue, skip, want int) (readResult, error) {
	var res readResult
	var err error
	res.next, res.scanned, err = q.walk(ctx, r, start, skip, want, func(items []map[string]types.AttributeValue) bool {
		res.items = append(res.items, items...)
		return true
	})
	return res, err
}

// walk is the read loop behind collect and the lazy iterators: it pages
// through r from start and passes each page's matching items, minus the
// first skip matches overall, to emit (which must not modify the slice). It
// stops after skip+want matches (want 0: all), after the last page, or when
// emit returns false, and sends no request after that. next is the key to
// resume from: nil at the end, the key of the last item emitted when walk
// stopped inside a page; it is meaningless when emit stopped the walk.
func (q *query) walk(ctx context.Context, r *plan.Read, start map[string]types.AttributeValue, skip, want int,
	emit func([]map[string]types.AttributeValue) bool) (next map[string]types.AttributeValue, scanned int, err error) {
	need := skip + want
	matched := 0
	// Without a post-filter every item matches, so a page's items after the
	// skip are passed on as a slice of the page, without copying.
	postFilter := len(r.PostFilter) > 0
	for {
		var limit int32
		if want > 0 {
			remaining := need - matched
			if !r.Filtered() {
				limit = int32(min(remaining, 1<<30))
			} else {
				// A filter drops items after DynamoDB counts them against
				// Limit; read somewhat more than needed per request.
				limit = int32(min(max(remaining*2, 100), 1000))
			}
		}
		pg, err := q.fetch(ctx, r, start, limit, false)
		if err != nil {
			return nil, scanned, err
		}
		scanned += int(pg.scanned)
		var kept []map[string]types.AttributeValue
		from, done := -1, pg.last == nil
		for i, item := range pg.items {
			if postFilter && !r.Keep(item) {
				continue
			}
			matched++
			if matched <= skip {
				continue
			}
			if postFilter {
				kept = append(kept, item)
			} else {
				if from < 0 {
					from = i
				}
				kept = pg.items[from : i+1]
			}
			if want > 0 && matched == need {
				if i < len(pg.items)-1 {
					next = keyOf(item, r.KeyAttrs)
				} else {
					next = pg.last
				}
				done = true
				break
			}
		}
		if len(kept) > 0 && !emit(kept) {
			return nil, scanned, nil
		}
		if done {
			return next, scanned, nil
		}
		start = pg.last
	}
}

func keyOf(item map[string]types.AttributeValue, attrs []string) map[string]types.AttributeValue {
	key := make(map[string]types.AttributeValue, len(attrs))
	for _, a := range attrs {
		if v, ok := item[a]; ok {
			key[a] = v
		}
	}
	return key
}

// run plans and runs a read for First, All, Scan and AllPaginated,
// honouring Offset, limit (Limit, or 1 for First), cursors, in-memory
// ordering and WithRetry.
func (q *query) run(forceScan bool, paginate bool, limit int) (*plan.Read, readResult, error) {
	r, err := q.planRead(forceScan, false)
	if err != nil {
		return nil, readResult{}, err
	}
	if r.SortBy != nil && paginate {
		return nil, readResult{}, fmt.Errorf("%w: OrderBy(%s) is not the sort key of the table or index read, so results are sorted in memory after reading every match; that cannot be paginated. Order by the sort key (or query an index whose sort key it is)", core.ErrValidation, r.SortBy.GoName)
	}
	var start map[string]types.AttributeValue
	if q.cursor != "" {
		if start, err = startKey(q.cursor, r, q.db.shared.cursorKey); err != nil {
			return nil, readResult{}, err
		}
	}
	if r.Operation == plan.GetItem {
		item, err := q.getItem(r)
		if err != nil {
			return nil, readResult{}, err
		}
		var res readResult
		if item != nil && q.offset == 0 {
			res.items = append(res.items, item)
		}
		return r, res, nil
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
		if err := backoff.Sleep(q.ctx, (*backoff.Policy)(q.retryPolicy()), attempt); err != nil {
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

// getItem sends a GetItem; a missing item is (nil, nil).
func (q *query) getItem(r *plan.Read) (map[string]types.AttributeValue, error) {
	for attempt := 0; ; attempt++ {
		out, err := q.db.shared.client.GetItem(q.ctx, &dynamodb.GetItemInput{
			TableName:                aws.String(r.Table),
			Key:                      r.Key,
			ConsistentRead:           consistent(r.Consistent),
			ProjectionExpression:     optional(r.Projection),
			ExpressionAttributeNames: r.Names,
			ReturnConsumedCapacity:   types.ReturnConsumedCapacityIndexes,
		})
		if err != nil {
			return nil, wrapAWS("GetItem", q.model.Name(), r.Table, err)
		}
		q.recordRead(out.ConsumedCapacity)
		if out.Item != nil || attempt >= q.retries {
			return out.Item, nil
		}
		if err := backoff.Sleep(q.ctx, (*backoff.Policy)(q.retryPolicy()), attempt); err != nil {
			return nil, err
		}
	}
}

// First reads the first matching item into dest.
func (q *query) First(dest any) error {
	if q.err != nil {
		return q.err
	}
	r, res, err := q.run(false, false, 1)
	if err != nil {
		return err
	}
	if len(res.items) == 0 {
		return fmt.Errorf("%w: %s in table %s (%s)", core.ErrItemNotFound, q.model.Name(), r.Table, r.Operation)
	}
	return decodeOne(res.items[0], dest)
}

// All reads every matching item into dest.
func (q *query) All(dest any) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	_, res, err := q.run(false, false, q.limit)
	if err != nil {
		return err
	}
	return decodeAll(res.items, dest)
}

// Scan reads every item passing the conditions with a Scan.
func (q *query) Scan(dest any) error {
	if err := q.checkDest(dest); err != nil {
		return err
	}
	_, res, err := q.run(true, false, q.limit)
	if err != nil {
		return err
	}
	return decodeAll(res.items, dest)
}

// AllPaginated reads one page of at most Limit matching items.
func (q *query) AllPaginated(dest any) (*core.PaginatedResult, error) {
	if err := q.checkDest(dest); err != nil {
		return nil, err
	}
	r, res, err := q.run(false, true, q.limit)
	if err != nil {
		return nil, err
	}
	if err := decodeAll(res.items, dest); err != nil {
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

// Count counts matching items across every page.
func (q *query) Count() (int64, error) {
	r, err := q.planRead(false, true)
	if err != nil {
		return 0, err
	}
	if r.Operation == plan.GetItem {
		item, err := q.getItem(r)
		if err != nil || item == nil {
			return 0, err
		}
		return 1, nil
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

// ScanAllSegments scans with totalSegments concurrent segments and reads
// every matching item into dest, segment by segment.
func (q *query) ScanAllSegments(dest any, totalSegments int32) error {
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
	q.initCapacity()
	var wg sync.WaitGroup
	for seg := int32(0); seg < totalSegments; seg++ {
		wg.Add(1)
		go func(seg int32) {
			defer wg.Done()
			sq := q.ParallelScan(seg, totalSegments).(*query)
			sq.capacity = q.capacity
			r, err := sq.planRead(true, false)
			if err == nil {
				var res readResult
				res, err = sq.collect(ctx, r, nil, 0, 0)
				results[seg] = res.items
			}
			if err != nil {
				errs[seg] = fmt.Errorf("segment %d of %d: %w", seg, totalSegments, err)
				cancel()
			}
		}(seg)
	}
	wg.Wait()
	// Report the error that stopped the scan, not the cancellations it
	// caused in the other segments.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first != nil {
		return first
	}
	var all []map[string]types.AttributeValue
	for _, items := range results {
		all = append(all, items...)
	}
	if q.offset > 0 || q.limit > 0 {
		all = window(all, q.offset, q.limit)
	}
	return decodeAll(all, dest)
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
	r, err := q.planRead(false, false)
	if err != nil {
		return nil, err
	}
	e := &core.Explanation{
		Operation:        r.Operation,
		Table:            r.Table,
		Index:            r.Index,
		Key:              r.Key,
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
	if q.limit > 0 && !r.Filtered() && r.SortBy == nil && r.Operation != plan.GetItem {
		e.Limit = int32(q.limit + q.offset)
	}
	if r.SortBy != nil {
		e.SortInMemory = r.SortBy.Attr
		e.SortDescending = r.Desc
	}
	return e, nil
}
