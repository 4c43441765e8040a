package memdb

import "strings"

// keyRange is a parsed key condition: a partition value and sort-key bounds.
type keyRange struct {
	hv       *value
	op       string // "", "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
	lo, hi   *value
	prefixOf *value
}

// keyAttrIn returns the key attribute a Query's filter may not name, or "":
// the partition key when the filter names it anywhere, else the sort key, as
// DynamoDB Local reports it (scenario "filter_key_names").
func keyAttrIn(c *condNode, ks keySchema) string {
	hash, rng := false, false
	var walkOp func(o *operand)
	walkOp = func(o *operand) {
		if o.kind == opPath {
			hash = hash || o.path[0].name == ks.hash
			rng = rng || (ks.rng != "" && o.path[0].name == ks.rng)
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
	switch {
	case hash:
		return ks.hash
	case rng:
		return ks.rng
	}
	return ""
}

// keyCondition checks a parsed KeyConditionExpression against the key schema.
func keyCondition(c *condNode, ks keySchema, t *table, ix *index) (*keyRange, *apiError) {
	parts, err := keyConditionParts(c)
	if err != nil {
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
		if err := kr.addKeyPart(p, seen, ks, t, ix); err != nil {
			return nil, err
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

// keyConditionParts flattens the ANDs of a key condition into its parts,
// refusing the operators a key condition cannot use.
func keyConditionParts(c *condNode) ([]*condNode, *apiError) {
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
	return parts, nil
}

// addKeyPart adds one part of a key condition (a condition on the
// partition or the sort key, seen marking the keys already given) to kr,
// checking its operands against the key schema and attribute types.
func (kr *keyRange) addKeyPart(p *condNode, seen map[string]bool, ks keySchema, t *table, ix *index) *apiError {
	attr := p.args[0]
	vals := p.args[1:]
	op := p.op
	if attr.kind != opPath && len(vals) == 1 && vals[0].kind == opPath && p.kind == cCmp {
		attr, vals = vals[0], []*operand{attr}
		op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	if attr.kind != opPath {
		return validationf("Invalid KeyConditionExpression: The key condition must refer to a key attribute")
	}
	if len(attr.path) > 1 {
		return validationf("KeyConditionExpressions cannot have conditions on nested attributes")
	}
	name := attr.path[0].name
	for _, v := range vals {
		if v.kind != opValue {
			return validationf("Invalid KeyConditionExpression: The operand must be a value")
		}
	}
	if seen[name] {
		return validationf("KeyConditionExpressions must only contain one condition per key")
	}
	seen[name] = true
	switch name {
	case ks.hash:
		if p.kind != cCmp || op != "=" {
			return validationf("Query key condition not supported")
		}
		kr.hv = vals[0].val
	case ks.rng:
		if ks.rng == "" {
			return validationf("Query key condition not supported")
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
		return validationf("Query condition missed key schema element: %s", missingKey(seen, ks, name))
	}
	want := t.attrType(name)
	for _, v := range vals {
		if v.val.t.String() != want {
			return invalidParam("Condition parameter type does not match schema type")
		}
		if (v.val.t == tS || v.val.t == tB) && v.val.s == "" {
			if ix != nil {
				return emptyIndexKeyErr(ix.name, name, v.val)
			}
			return emptyKeyErr(name, v.val)
		}
	}
	return nil
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

// endsAt reports whether rv is the inclusive end of the sort-key range in
// the walk's direction: the upper bound of BETWEEN or <= going forward, the
// lower bound of BETWEEN or >= going backward. A Query of the table that
// stops there has nothing left: DynamoDB Local then returns no
// LastEvaluatedKey (it still returns one after sk = :v, and after
// begins_with; scenario "query_end_bound").
func (kr *keyRange) endsAt(rv *value, forward bool) bool {
	var end *value
	switch {
	case kr.op == "BETWEEN" && forward:
		end = kr.hi
	case kr.op == "BETWEEN", kr.op == "<=" && forward, kr.op == ">=" && !forward:
		end = kr.lo
	default:
		return false
	}
	return rv != nil && compareScalar(rv, end) == 0
}
