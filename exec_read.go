package dynamorm

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dynamorm/dynamorm/internal/plan"
)

// The read executor: sends the requests of a plan.Read, page by page.

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
		out, err := q.db.api(r.Operation, 1).Query(ctx, &dynamodb.QueryInput{
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
		return page{out.Items, out.LastEvaluatedKey, out.Count, out.ScannedCount}, r.CheckTenants(out.Items)
	}
	out, err := q.db.api(r.Operation, 1).Scan(ctx, &dynamodb.ScanInput{
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
	return page{out.Items, out.LastEvaluatedKey, out.Count, out.ScannedCount}, r.CheckTenants(out.Items)
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
					next = plan.KeyOf(item, r.KeyAttrs)
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

// getItem sends a GetItem; a missing item is (nil, nil).
func (q *query) getItem(r *plan.Read) (map[string]types.AttributeValue, error) {
	for attempt := 0; ; attempt++ {
		out, err := q.db.api(r.Operation, attempt+1).GetItem(q.ctx, &dynamodb.GetItemInput{
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
		if out.Item != nil && !r.OfEntity(out.Item) {
			return nil, nil // the key holds an item of another entity
		}
		if err := r.CheckTenant(out.Item); err != nil {
			return nil, err
		}
		if out.Item != nil || attempt >= q.retries {
			return out.Item, nil
		}
		if err := q.db.sleep(q.ctx, q.retryPolicy(), attempt, Event{Reason: "item not found", Attempt: attempt + 1, Items: 1, Table: r.Table}); err != nil {
			return nil, err
		}
	}
}

// batchGetPlan reads the keys of a BatchGet plan (Where(pk, "IN", ...)),
// each once, in the order given, with BatchGet's chunking and retries.
func (q *query) batchGetPlan(r *plan.Read) ([]map[string]types.AttributeValue, error) {
	keys := make([]batchKey, len(r.Keys))
	for i, k := range r.Keys {
		keys[i] = batchKey{index: i, table: r.Table, key: k, id: plan.ItemID(r.Table, q.model, k)}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	o, err := q.batchGetOptions(nil)
	if err != nil {
		return nil, err
	}
	o.ConsistentRead = r.Consistent
	items, err := q.readKeys(distinctKeys(keys), getProjection{expr: r.Projection, names: r.Names}, o)
	return ofEntity(q.model, items), err
}
