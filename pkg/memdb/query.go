package memdb

import "encoding/json"

const pageBytes = 1 << 20 // Query and Scan stop after reading 1 MB

type searchInput struct {
	TableName                 string
	IndexName                 string
	KeyConditionExpression    *string
	FilterExpression          *string
	ProjectionExpression      *string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues wireItem
	Select                    string
	Limit                     *int
	ConsistentRead            bool
	ScanIndexForward          *bool
	ExclusiveStartKey         wireItem
	ReturnConsumedCapacity    string
	Segment                   *int
	TotalSegments             *int
	KeyConditions             json.RawMessage
	QueryFilter               json.RawMessage
	ScanFilter                json.RawMessage
	ConditionalOperator       json.RawMessage
	AttributesToGet           json.RawMessage
}

func (s *Server) query(body []byte) (any, *apiError) { return s.search(body, true) }
func (s *Server) scan(body []byte) (any, *apiError)  { return s.search(body, false) }

func (s *Server) search(body []byte, isQuery bool) (any, *apiError) {
	var in searchInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := in.checkLegacy(); err != nil {
		return nil, err
	}
	lookup := func() (*table, []partRef, *apiError) {
		t, err := s.lookup(in.TableName)
		return t, nil, err
	}
	return locked(s, false, lookup, func(t *table) (any, *apiError) {
		return t.search(&in, isQuery)
	})
}

// search runs a Query or Scan on t (the caller holds the server's read
// lock); the walk locks what it reads (see locks.go).
func (t *table) search(in *searchInput, isQuery bool) (any, *apiError) {
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
	}
	ix, ks, st, err := t.searchedIndex(in)
	if err != nil {
		return nil, err
	}
	if err := in.checkSelectParam(); err != nil {
		return nil, err
	}
	segment, total, err := in.scanSegment(isQuery)
	if err != nil {
		return nil, err
	}
	filter, kr, paths, err := in.parseExpressions(t, ks, ix, isQuery)
	if err != nil {
		return nil, err
	}
	if err := t.checkIndexReads(ix, paths, filter, isQuery); err != nil {
		return nil, err
	}
	if err := checkSelect(in.Select, ix); err != nil {
		return nil, err
	}
	var start *row
	if in.ExclusiveStartKey != nil {
		if start, err = t.startRow(in.ExclusiveStartKey, ix); err != nil {
			return nil, err
		}
		if kr != nil && !equalValues(start.hv, kr.hv) {
			return nil, validationf("The provided starting key does not match the range key predicate")
		}
	}
	p := searchPage{t: t, ix: ix, fetch: fetchesFromTable(ix, in.Select, paths), isQuery: isQuery,
		filter: filter, paths: paths, count: in.Select == "COUNT", limit: -1}
	if in.Limit != nil {
		p.limit = *in.Limit
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	locks := t // the table's rows: each partition under its lock
	if ix != nil {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		locks = nil
	}
	var more bool
	if isQuery {
		more = st.walkQuery(kr, start, forward, locks, p.visit)
	} else {
		more = st.walkScan(start, segment, total, locks, p.visit)
	}
	return p.response(in, more, kr, forward), nil
}

// checkLegacy refuses the legacy (non-expression) parameters of a Query
// or Scan.
func (in *searchInput) checkLegacy() *apiError {
	for _, l := range []struct {
		raw  json.RawMessage
		name string
	}{{in.KeyConditions, "KeyConditions"}, {in.QueryFilter, "QueryFilter"}, {in.ScanFilter, "ScanFilter"},
		{in.ConditionalOperator, "ConditionalOperator"}, {in.AttributesToGet, "AttributesToGet"}} {
		if err := legacy(l.raw, l.name); err != nil {
			return err
		}
	}
	return nil
}

// searchedIndex returns the index a Query or Scan reads (nil for the
// table) with the key schema and store it reads.
func (t *table) searchedIndex(in *searchInput) (*index, keySchema, *store, *apiError) {
	if in.IndexName == "" {
		return nil, t.ks, t.store, nil
	}
	ix := t.findIndex(in.IndexName)
	if ix == nil {
		return nil, t.ks, t.store, validationf("The table does not have the specified index: %s", in.IndexName)
	}
	if ix.global && in.ConsistentRead {
		return nil, t.ks, t.store, validationf("Consistent reads are not supported on global secondary indexes")
	}
	return ix, ix.ks, ix.store, nil
}

// checkSelectParam checks Select's value and its combination with
// ProjectionExpression.
func (in *searchInput) checkSelectParam() *apiError {
	switch in.Select {
	case "", "ALL_ATTRIBUTES", "COUNT", "ALL_PROJECTED_ATTRIBUTES":
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil {
			return validationf("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
		}
	default:
		return validationf("1 validation error detected: Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", in.Select)
	}
	if in.ProjectionExpression != nil && in.Select != "" && in.Select != "SPECIFIC_ATTRIBUTES" {
		return validationf("Cannot specify the ProjectionExpression when choosing to get %s", in.Select)
	}
	return nil
}

// scanSegment returns the segment of a parallel Scan and the number of
// segments (0 of 1 for a Query or a whole Scan).
func (in *searchInput) scanSegment(isQuery bool) (segment, total int, _ *apiError) {
	if isQuery || (in.Segment == nil && in.TotalSegments == nil) {
		return 0, 1, nil
	}
	if in.TotalSegments == nil {
		return 0, 0, validationf("The TotalSegments parameter is required but was not present in the request when parameter Segment is present")
	}
	if in.Segment == nil {
		return 0, 0, validationf("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	}
	segment, total = *in.Segment, *in.TotalSegments
	if total < 1 || total > 1000000 {
		return 0, 0, validationf("1 validation error detected: Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000", total)
	}
	if segment < 0 || segment >= total {
		return 0, 0, validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", segment, total)
	}
	return segment, total, nil
}

// parseExpressions parses a Query's or Scan's expressions in the order
// DynamoDB reads them (filter, key condition, projection), checks that
// every placeholder given was used and that a Query's filter names no key
// attribute.
func (in *searchInput) parseExpressions(t *table, ks keySchema, ix *index, isQuery bool) (filter *condNode, kr *keyRange, paths []docPath, _ *apiError) {
	anyExpr := in.KeyConditionExpression != nil || in.FilterExpression != nil || in.ProjectionExpression != nil
	if err := checkExprParams(in.ExpressionAttributeNames, in.ExpressionAttributeValues, anyExpr); err != nil {
		return nil, nil, nil, err
	}
	ctx, err := newExprCtx(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx.withKeys(t)
	// DynamoDB reads the filter first.
	if in.FilterExpression != nil {
		if filter, err = parseCondition(ctx, "FilterExpression", *in.FilterExpression); err != nil {
			return nil, nil, nil, err
		}
	}
	if isQuery {
		if in.KeyConditionExpression == nil {
			return nil, nil, nil, validationf("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
		}
		c, err := parseCondition(ctx, "KeyConditionExpression", *in.KeyConditionExpression)
		if err != nil {
			return nil, nil, nil, err
		}
		if kr, err = keyCondition(c, ks, t, ix); err != nil {
			return nil, nil, nil, err
		}
	} else if in.KeyConditionExpression != nil {
		return nil, nil, nil, validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {} Expression parameters: {KeyConditionExpression}")
	}
	if in.ProjectionExpression != nil {
		if paths, err = parseProjection(ctx, *in.ProjectionExpression); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := ctx.checkParsed(); err != nil {
		return nil, nil, nil, err
	}
	if isQuery && filter != nil {
		if k := keyAttrIn(filter, ks); k != "" {
			return nil, nil, nil, validationf("Filter Expression can only contain non-primary key attributes: Primary key attribute: %s", k)
		}
	}
	return filter, kr, paths, nil
}

// searchPage collects one page of a Query or Scan as the store is walked.
type searchPage struct {
	t       *table
	ix      *index // nil for the table
	fetch   bool   // the table's item is read (fetchesFromTable)
	isQuery bool
	filter  *condNode
	paths   []docPath
	count   bool // Select COUNT: items are counted, not returned
	limit   int  // -1 for none

	items                   []item
	rows                    []*row // each item's row when the item is the row's whole item, else nil
	matched, scanned, bytes int
	last                    *row
}

// visit reads one row into the page and tells whether to go on: not past
// the limit of rows read, nor past pageBytes.
func (p *searchPage) visit(r *row) bool {
	p.scanned++
	p.last = r
	ix := p.ix
	it := r.item
	if ix != nil && !p.fetch {
		it = p.t.projectIndex(ix, it)
	}
	if ix != nil {
		p.bytes += itemSize(p.t.projectIndex(ix, r.item))
	} else {
		p.bytes += r.size
	}
	// A Scan of an index filters the table's item (DynamoDB Local fetches it).
	filtered := it
	if !p.isQuery && ix != nil {
		filtered = r.item
	}
	if p.filter != nil && !evalCond(filtered, p.filter) {
		return !(p.limit >= 0 && p.scanned >= p.limit) && p.bytes < pageBytes
	}
	p.matched++
	if !p.count {
		if p.paths != nil {
			it = project(it, p.paths)
		}
		p.items = append(p.items, it)
		whole := (*row)(nil)
		if len(it) == len(r.item) && p.paths == nil && (ix == nil || p.fetch || ix.proj.ProjectionType == "ALL") {
			whole = r // it is r.item: its JSON is cached on the row
		}
		p.rows = append(p.rows, whole)
	}
	return !(p.limit >= 0 && p.scanned >= p.limit) && p.bytes < pageBytes
}

// response is the Query or Scan response of the page: counts, items, the
// last key read when the walk stopped early (more) and consumed capacity.
func (p *searchPage) response(in *searchInput, more bool, kr *keyRange, forward bool) map[string]any {
	t, ix := p.t, p.ix
	out := map[string]any{"Count": p.matched, "ScannedCount": p.scanned}
	if !p.count {
		items := p.items
		if items == nil {
			items = []item{}
		}
		out["Items"] = items
		out[itemRowsKey] = p.rows
	}
	// A Query of the table on a hash-only table, or that stopped at the end
	// of its sort-key range, has nothing left.
	done := p.isQuery && ix == nil && p.last != nil && (t.ks.rng == "" || kr.endsAt(p.last.rv, forward))
	if more && p.last != nil && !done {
		out["LastEvaluatedKey"] = t.keyOf(p.last.item, ix)
	}
	c := &consumed{table: t.name}
	u := float64((p.bytes + 4095) / 4096)
	if !in.ConsistentRead {
		u /= 2
	}
	if ix == nil {
		c.tbl = u
	} else {
		c.addIndex(ix, u)
	}
	if rep := c.report(in.ReturnConsumedCapacity); rep != nil {
		out["ConsumedCapacity"] = rep
	}
	return out
}
