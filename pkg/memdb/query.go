package memdb

import (
	"encoding/json"
	"hash/fnv"
	"strings"
)

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

// keyRange is a parsed key condition: a partition value and sort-key bounds.
type keyRange struct {
	hv       *value
	op       string // "", "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
	lo, hi   *value
	prefixOf *value
}

func (s *Server) query(body []byte) (any, *apiError) { return s.search(body, true) }
func (s *Server) scan(body []byte) (any, *apiError)  { return s.search(body, false) }

func (s *Server) search(body []byte, isQuery bool) (any, *apiError) {
	var in searchInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		raw  json.RawMessage
		name string
	}{{in.KeyConditions, "KeyConditions"}, {in.QueryFilter, "QueryFilter"}, {in.ScanFilter, "ScanFilter"},
		{in.ConditionalOperator, "ConditionalOperator"}, {in.AttributesToGet, "AttributesToGet"}} {
		if err := legacy(l.raw, l.name); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
	}
	var ix *index
	ks := t.ks
	st := t.store
	if in.IndexName != "" {
		if ix = t.findIndex(in.IndexName); ix == nil {
			return nil, validationf("The table does not have the specified index: %s", in.IndexName)
		}
		if ix.global && in.ConsistentRead {
			return nil, validationf("Consistent reads are not supported on global secondary indexes")
		}
		ks, st = ix.ks, ix.store
	}
	switch in.Select {
	case "", "ALL_ATTRIBUTES", "COUNT", "ALL_PROJECTED_ATTRIBUTES":
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil {
			return nil, validationf("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
		}
	default:
		return nil, validationf("1 validation error detected: Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", in.Select)
	}
	if in.ProjectionExpression != nil && in.Select != "" && in.Select != "SPECIFIC_ATTRIBUTES" {
		return nil, validationf("Cannot specify the ProjectionExpression when choosing to get %s", in.Select)
	}
	segment, total := 0, 1
	if !isQuery && (in.Segment != nil || in.TotalSegments != nil) {
		if in.TotalSegments == nil {
			return nil, validationf("The TotalSegments parameter is required but was not present in the request when parameter Segment is present")
		}
		if in.Segment == nil {
			return nil, validationf("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
		}
		segment, total = *in.Segment, *in.TotalSegments
		if total < 1 || total > 1000000 {
			return nil, validationf("1 validation error detected: Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000", total)
		}
		if segment < 0 || segment >= total {
			return nil, validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", segment, total)
		}
	}
	anyExpr := in.KeyConditionExpression != nil || in.FilterExpression != nil || in.ProjectionExpression != nil
	if err := checkExprParams(in.ExpressionAttributeNames, in.ExpressionAttributeValues, anyExpr); err != nil {
		return nil, err
	}
	ctx, err := newExprCtx(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, err
	}
	ctx.withKeys(t)
	// DynamoDB reads the filter first.
	var filter *condNode
	if in.FilterExpression != nil {
		if filter, err = parseCondition(ctx, "FilterExpression", *in.FilterExpression); err != nil {
			return nil, err
		}
	}
	var kr *keyRange
	if isQuery {
		if in.KeyConditionExpression == nil {
			return nil, validationf("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
		}
		c, err := parseCondition(ctx, "KeyConditionExpression", *in.KeyConditionExpression)
		if err != nil {
			return nil, err
		}
		if kr, err = keyCondition(c, ks, t, ix); err != nil {
			return nil, err
		}
	} else if in.KeyConditionExpression != nil {
		return nil, validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {} Expression parameters: {KeyConditionExpression}")
	}
	var paths []docPath
	if in.ProjectionExpression != nil {
		if paths, err = parseProjection(ctx, *in.ProjectionExpression); err != nil {
			return nil, err
		}
	}
	if err := ctx.checkParsed(); err != nil {
		return nil, err
	}
	if isQuery && filter != nil {
		if k := keyAttrIn(filter, ks); k != "" {
			return nil, validationf("Filter Expression can only contain non-primary key attributes: Primary key attribute: %s", k)
		}
	}
	if err := t.checkIndexReads(ix, paths, filter, isQuery); err != nil {
		return nil, err
	}
	if err := checkSelect(in.Select, ix); err != nil {
		return nil, err
	}
	fetch := fetchesFromTable(ix, in.Select, paths)
	var start *row
	if in.ExclusiveStartKey != nil {
		if start, err = t.startRow(in.ExclusiveStartKey, ix); err != nil {
			return nil, err
		}
		if kr != nil && !equalValues(start.hv, kr.hv) {
			return nil, validationf("The provided starting key does not match the range key predicate")
		}
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	limit := -1
	if in.Limit != nil {
		limit = *in.Limit
	}
	var items []item
	var rows []*row
	count, scanned, bytes := 0, 0, 0
	var last *row
	visit := func(r *row) bool {
		scanned++
		last = r
		it := r.item
		if ix != nil && !fetch {
			it = t.projectIndex(ix, it)
		}
		if ix != nil {
			bytes += itemSize(t.projectIndex(ix, r.item))
		} else {
			bytes += r.size
		}
		// A Scan of an index filters the table's item (DynamoDB Local fetches it).
		filtered := it
		if !isQuery && ix != nil {
			filtered = r.item
		}
		if filter != nil && !evalCond(filtered, filter) {
			return !(limit >= 0 && scanned >= limit) && bytes < pageBytes
		}
		count++
		if in.Select != "COUNT" {
			if paths != nil {
				it = project(it, paths)
			}
			items = append(items, it)
			whole := (*row)(nil)
			if len(it) == len(r.item) && paths == nil && (ix == nil || fetch || ix.proj.ProjectionType == "ALL") {
				whole = r // it is r.item: its JSON is cached on the row
			}
			rows = append(rows, whole)
		}
		return !(limit >= 0 && scanned >= limit) && bytes < pageBytes
	}
	var more bool
	if isQuery {
		more = st.walkQuery(kr, start, forward, visit)
	} else {
		more = st.walkScan(start, segment, total, visit)
	}
	out := map[string]any{"Count": count, "ScannedCount": scanned}
	if in.Select != "COUNT" {
		if items == nil {
			items = []item{}
		}
		out["Items"] = items
		out[itemRowsKey] = rows
	}
	// A Query of the table that names at most one item (a hash-only table, or
	// a BETWEEN of one sort key value) has nothing left once it read it.
	single := isQuery && ix == nil && (t.ks.rng == "" || kr.pinned())
	if more && last != nil && !single {
		out["LastEvaluatedKey"] = t.keyOf(last.item, ix)
	}
	c := &consumed{table: t.name}
	u := float64((bytes + 4095) / 4096)
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
	return out, nil
}

// keyAttrIn returns a key attribute the condition refers to, or "".
func keyAttrIn(c *condNode, ks keySchema) string {
	var found string
	var walkOp func(o *operand)
	walkOp = func(o *operand) {
		if o.kind == opPath && (o.path[0].name == ks.hash || (ks.rng != "" && o.path[0].name == ks.rng)) && found == "" {
			found = o.path[0].name
		}
		for _, a := range o.args {
			walkOp(a)
		}
	}
	var walk func(c *condNode)
	walk = func(c *condNode) {
		for _, k := range c.kids {
			walk(k)
		}
		for _, a := range c.args {
			walkOp(a)
		}
	}
	walk(c)
	return found
}

// keyCondition checks a parsed KeyConditionExpression against the key schema.
func keyCondition(c *condNode, ks keySchema, t *table, ix *index) (*keyRange, *apiError) {
	var parts []*condNode
	var flatten func(c *condNode) *apiError
	flatten = func(c *condNode) *apiError {
		switch c.kind {
		case cAnd:
			for _, k := range c.kids {
				if err := flatten(k); err != nil {
					return err
				}
			}
			return nil
		case cOr:
			return validationf("Invalid operator used in KeyConditionExpression: OR")
		case cNot:
			return validationf("Invalid operator used in KeyConditionExpression: NOT")
		case cIn:
			return validationf("Invalid operator used in KeyConditionExpression: IN")
		case cExists, cNotExists, cType, cContains:
			return validationf("Invalid operator used in KeyConditionExpression: %s", c.op)
		case cCmp:
			if c.op == "<>" {
				return validationf("Invalid operator used in KeyConditionExpression: <>")
			}
		}
		parts = append(parts, c)
		return nil
	}
	if err := flatten(c); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, p := range parts {
		for _, a := range p.args {
			if a.kind == opPath {
				if names[a.path[0].name] {
					return nil, validationf("KeyConditionExpressions must only contain one condition per key")
				}
				names[a.path[0].name] = true
			}
		}
	}
	if len(parts) > 2 {
		return nil, validationf("Conditions can be of length 1 or 2 only")
	}
	kr := &keyRange{}
	seen := map[string]bool{}
	for _, p := range parts {
		attr := p.args[0]
		vals := p.args[1:]
		op := p.op
		if attr.kind != opPath && len(vals) == 1 && vals[0].kind == opPath && p.kind == cCmp {
			attr, vals = vals[0], []*operand{attr}
			op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
		}
		if attr.kind != opPath {
			return nil, validationf("Invalid KeyConditionExpression: The key condition must refer to a key attribute")
		}
		if len(attr.path) > 1 {
			return nil, validationf("KeyConditionExpressions cannot have conditions on nested attributes")
		}
		name := attr.path[0].name
		for _, v := range vals {
			if v.kind != opValue {
				return nil, validationf("Invalid KeyConditionExpression: The operand must be a value")
			}
		}
		if seen[name] {
			return nil, validationf("KeyConditionExpressions must only contain one condition per key")
		}
		seen[name] = true
		switch name {
		case ks.hash:
			if p.kind != cCmp || op != "=" {
				return nil, validationf("Query key condition not supported")
			}
			kr.hv = vals[0].val
		case ks.rng:
			if ks.rng == "" {
				return nil, validationf("Query key condition not supported")
			}
			switch p.kind {
			case cCmp:
				kr.op = op
			case cBetween:
				kr.op = "BETWEEN"
			case cBegins:
				kr.op = "begins_with"
			}
			kr.lo = vals[0].val
			if len(vals) > 1 {
				kr.hi = vals[1].val
			}
		default:
			return nil, validationf("Query condition missed key schema element: %s", missingKey(seen, ks, name))
		}
		want := t.attrType(name)
		for _, v := range vals {
			if v.val.t.String() != want {
				return nil, invalidParam("Condition parameter type does not match schema type")
			}
			if (v.val.t == tS || v.val.t == tB) && v.val.s == "" {
				if ix != nil {
					return nil, emptyIndexKeyErr(ix.name, name, v.val)
				}
				return nil, emptyKeyErr(name, v.val)
			}
		}
	}
	if kr.hv == nil {
		return nil, validationf("Query condition missed key schema element: %s", ks.hash)
	}
	if kr.op == "begins_with" && kr.lo.t == tN {
		return nil, invalidParam("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
	}
	return kr, nil
}

func missingKey(seen map[string]bool, ks keySchema, other string) string {
	if !seen[ks.hash] {
		return ks.hash
	}
	if ks.rng != "" {
		return ks.rng
	}
	return other
}

// startRow validates ExclusiveStartKey and returns the position it names.
func (t *table) startRow(w wireItem, ix *index) (*row, *apiError) {
	k, err := convItem(w)
	if err != nil {
		return nil, err
	}
	bad := validationf("The provided starting key is invalid: The provided key element does not match the schema")
	tk := item{}
	for _, n := range []string{t.ks.hash, t.ks.rng} {
		if n != "" {
			tk[n] = k[n]
		}
	}
	pk, hv, rv, kerr := t.keyFromKey(tk)
	if kerr != nil {
		return nil, bad
	}
	want := len(tk)
	if ix == nil {
		if len(k) != want {
			return nil, bad
		}
		return &row{hv: hv, rv: rv, pk: pk}, nil
	}
	for _, n := range []string{ix.ks.hash, ix.ks.rng} {
		if n == "" || n == t.ks.hash || n == t.ks.rng {
			continue
		}
		want++
		if v := k[n]; v == nil || v.t.String() != t.attrType(n) {
			return nil, bad
		}
	}
	if len(k) != want {
		return nil, bad
	}
	r := &row{hv: k[ix.ks.hash], pk: pk}
	if ix.ks.rng != "" {
		r.rv = k[ix.ks.rng]
	}
	return r, nil
}

// inRange reports whether a sort key value satisfies the key condition.
func (kr *keyRange) inRange(rv *value) bool {
	if kr.op == "" {
		return true
	}
	if rv == nil {
		return false
	}
	c := compareScalar(rv, kr.lo)
	switch kr.op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "BETWEEN":
		return c >= 0 && compareScalar(rv, kr.hi) <= 0
	case "begins_with":
		return strings.HasPrefix(rv.s, kr.lo.s)
	}
	return false
}

// walkQuery visits the rows of one partition that satisfy kr, after start, in
// order; it reports whether it stopped early (visit returned false).
func (s *store) walkQuery(kr *keyRange, start *row, forward bool, visit func(*row) bool) bool {
	p := s.parts[kr.hv.keyString()]
	if p == nil {
		return false
	}
	n := len(p.rows)
	if forward {
		i := 0
		if start != nil {
			i = p.search(start.rv, start.pk)
			if i < n && p.rows[i].pk == start.pk {
				i++
			}
		}
		for ; i < n; i++ {
			if !kr.inRange(p.rows[i].rv) {
				if kr.op == ">" || kr.op == ">=" || kr.op == "" {
					continue
				}
				if compareScalar(p.rows[i].rv, kr.lo) < 0 {
					continue
				}
				break
			}
			if !visit(p.rows[i]) {
				return true
			}
		}
		return false
	}
	i := n - 1
	if start != nil {
		i = p.search(start.rv, start.pk) - 1
	}
	for ; i >= 0; i-- {
		if !kr.inRange(p.rows[i].rv) {
			if kr.op == "<" || kr.op == "<=" || kr.op == "" {
				continue
			}
			hi := kr.lo
			if kr.hi != nil {
				hi = kr.hi
			}
			if kr.op != "begins_with" && compareScalar(p.rows[i].rv, hi) > 0 {
				continue
			}
			if kr.op == "begins_with" && p.rows[i].rv.s > kr.lo.s {
				continue
			}
			break
		}
		if !visit(p.rows[i]) {
			return true
		}
	}
	return false
}

func segmentOf(p *partition, total int) int {
	if total == 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(p.hv.keyString()))
	return int(h.Sum32() % uint32(total))
}

// walkScan visits every row of the segment after start in store order.
func (s *store) walkScan(start *row, segment, total int, visit func(*row) bool) bool {
	pi := 0
	if start != nil {
		pi = s.partIndex(start.hv)
		if pi < len(s.order) && equalValues(s.order[pi].hv, start.hv) {
			p := s.order[pi]
			i := p.search(start.rv, start.pk)
			if i < len(p.rows) && p.rows[i].pk == start.pk {
				i++
			}
			for ; i < len(p.rows); i++ {
				if !visit(p.rows[i]) {
					return true
				}
			}
			pi++
		}
	}
	for ; pi < len(s.order); pi++ {
		p := s.order[pi]
		if segmentOf(p, total) != segment {
			continue
		}
		for _, r := range p.rows {
			if !visit(r) {
				return true
			}
		}
	}
	return false
}

// pinned reports whether the key condition is a BETWEEN of one sort key
// value (DynamoDB Local still returns a LastEvaluatedKey after sk = :v).
func (kr *keyRange) pinned() bool {
	return kr.op == "BETWEEN" && compareScalar(kr.lo, kr.hi) == 0
}
