package memdb

import (
	"sort"
	"strings"
)

// resolve returns the value at path in it, or nil if any step is missing.
func resolve(it item, path docPath) *value {
	v := it[path[0].name]
	for _, e := range path[1:] {
		if v == nil {
			return nil
		}
		if e.idx >= 0 {
			if v.t != tL || e.idx >= len(v.l) {
				return nil
			}
			v = v.l[e.idx]
		} else {
			if v.t != tM {
				return nil
			}
			v = v.m[e.name]
		}
	}
	return v
}

// condOperand evaluates an operand of a condition; nil means "no value".
func condOperand(it item, o *operand) *value {
	switch o.kind {
	case opValue:
		return o.val
	case opPath:
		return resolve(it, o.path)
	case opSize:
		v := resolve(it, o.args[0].path)
		if v == nil {
			return nil
		}
		n := 0
		switch v.t {
		case tS:
			n = utf16Len(v.s)
		case tB:
			n = len(v.s)
		case tSS, tNS, tBS:
			n = len(v.set)
		case tL:
			n = len(v.l)
		case tM:
			n = len(v.m)
		default:
			return nil
		}
		d, _ := parseDecimal(itoa(n))
		return numValue(d)
	}
	return nil
}

// utf16Len is what size() answers for a string: its length in characters,
// counted as UTF-16 code units. AWS documents size of a String as "the
// length of the string" ("whether the string Brand is less than or equal to
// 20 characters", Expressions.OperatorsAndFunctions), not its UTF-8 bytes
// (the PartiQL page's "size in bytes" refers to that same function for the
// types). How a character outside the Basic Multilingual Plane counts is not
// documented; DynamoDB Local (the server CI runs) counts Java's String
// length, 2 for such a character (U+1F600 is 2, "é" 1, "日本" 2: the
// conformance scenario "size" records it), and memdb does the same.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

func evalCond(it item, c *condNode) bool {
	switch c.kind {
	case cAnd:
		return evalCond(it, c.kids[0]) && evalCond(it, c.kids[1])
	case cOr:
		return evalCond(it, c.kids[0]) || evalCond(it, c.kids[1])
	case cNot:
		return !evalCond(it, c.kids[0])
	case cCmp:
		a, b := condOperand(it, c.args[0]), condOperand(it, c.args[1])
		if a == nil || b == nil {
			// A missing operand differs from everything, even another missing one.
			return c.op == "<>"
		}
		switch c.op {
		case "=":
			return equalValues(a, b)
		case "<>":
			return !equalValues(a, b)
		}
		if a.t != b.t || (a.t != tS && a.t != tN && a.t != tB) {
			return false
		}
		r := compareScalar(a, b)
		switch c.op {
		case "<":
			return r < 0
		case "<=":
			return r <= 0
		case ">":
			return r > 0
		}
		return r >= 0
	case cBetween:
		a, lo, hi := condOperand(it, c.args[0]), condOperand(it, c.args[1]), condOperand(it, c.args[2])
		if a == nil || lo == nil || hi == nil || a.t != lo.t || a.t != hi.t || (a.t != tS && a.t != tN && a.t != tB) {
			return false
		}
		return compareScalar(a, lo) >= 0 && compareScalar(a, hi) <= 0
	case cIn:
		a := condOperand(it, c.args[0])
		if a == nil {
			return false
		}
		for _, o := range c.args[1:] {
			if equalValues(a, condOperand(it, o)) {
				return true
			}
		}
		return false
	case cExists:
		return resolve(it, c.args[0].path) != nil
	case cNotExists:
		return resolve(it, c.args[0].path) == nil
	case cType:
		v := resolve(it, c.args[0].path)
		t := condOperand(it, c.args[1])
		return v != nil && t != nil && t.t == tS && v.t.String() == t.s
	case cBegins:
		v, pre := resolve(it, c.args[0].path), condOperand(it, c.args[1])
		if v == nil || pre == nil || v.t != pre.t || (v.t != tS && v.t != tB) {
			return false
		}
		return strings.HasPrefix(v.s, pre.s)
	case cContains:
		v, x := resolve(it, c.args[0].path), condOperand(it, c.args[1])
		if v == nil || x == nil {
			return false
		}
		switch v.t {
		case tS, tB:
			return x.t == v.t && strings.Contains(v.s, x.s)
		case tSS:
			return x.t == tS && v.setHas(x.s)
		case tNS:
			return x.t == tN && v.setHas(x.s)
		case tBS:
			return x.t == tB && v.setHas(x.s)
		case tL:
			for _, e := range v.l {
				if equalValues(e, x) {
					return true
				}
			}
		}
		return false
	}
	return false
}

var (
	errBadOperandType = validationf("An operand in the update expression has an incorrect data type")
	errInvalidPath    = &apiError{status: 400, code: "ValidationException", msg: "The document path provided in the update expression is invalid for update"}
	errMissingAttr    = validationf("The provided expression refers to an attribute that does not exist in the item")
)

// updateOperand evaluates the right-hand side of a SET action against the old item.
func updateOperand(it item, o *operand) (*value, *apiError) {
	switch o.kind {
	case opValue:
		return o.val, nil
	case opPath:
		v := resolve(it, o.path)
		if v == nil {
			return nil, errMissingAttr
		}
		return v, nil
	case opIfNotExists:
		if v := resolve(it, o.args[0].path); v != nil {
			return v, nil
		}
		return updateOperand(it, o.args[1])
	case opListAppend:
		a, err := updateOperand(it, o.args[0])
		if err != nil {
			return nil, err
		}
		b, err := updateOperand(it, o.args[1])
		if err != nil {
			return nil, err
		}
		for _, x := range []*value{a, b} {
			if x.t != tL {
				return nil, errBadOperandType
			}
		}
		l := make([]*value, 0, len(a.l)+len(b.l))
		return &value{t: tL, l: append(append(l, a.l...), b.l...)}, nil
	case opPlus, opMinus:
		a, err := updateOperand(it, o.args[0])
		if err != nil {
			return nil, err
		}
		b, err := updateOperand(it, o.args[1])
		if err != nil {
			return nil, err
		}
		for _, x := range []*value{a, b} {
			if x.t != tN {
				return nil, errBadOperandType
			}
		}
		y := b.n
		if o.kind == opMinus {
			y = negDecimal(y)
		}
		d, aerr := addDecimal(a.n, y)
		if aerr != nil {
			return nil, aerr
		}
		return numValue(d), nil
	}
	return nil, errBadOperandType
}

// setIn returns a copy of cur with v stored at path (copy-on-write).
func setIn(cur *value, path docPath, v *value) (*value, *apiError) {
	if cur == nil {
		return nil, errInvalidPath
	}
	e := path[0]
	if e.idx >= 0 {
		if cur.t != tL {
			return nil, errInvalidPath
		}
		l := append([]*value(nil), cur.l...)
		if len(path) == 1 {
			if e.idx >= len(l) {
				l = append(l, v)
			} else {
				l[e.idx] = v
			}
		} else {
			if e.idx >= len(l) {
				return nil, errInvalidPath
			}
			c, err := setIn(l[e.idx], path[1:], v)
			if err != nil {
				return nil, err
			}
			l[e.idx] = c
		}
		return &value{t: tL, l: l}, nil
	}
	if cur.t != tM {
		return nil, errInvalidPath
	}
	m := make(map[string]*value, len(cur.m)+1)
	for k, x := range cur.m {
		m[k] = x
	}
	if len(path) == 1 {
		m[e.name] = v
	} else {
		c, err := setIn(m[e.name], path[1:], v)
		if err != nil {
			return nil, err
		}
		m[e.name] = c
	}
	return &value{t: tM, m: m}, nil
}

func setAt(it item, path docPath, v *value) *apiError {
	if len(path) == 1 {
		it[path[0].name] = v
		return nil
	}
	c, err := setIn(it[path[0].name], path[1:], v)
	if err != nil {
		return err
	}
	it[path[0].name] = c
	return nil
}

// removeIn returns a copy of cur without the element at path. A missing last
// element is a no-op; a missing element before it makes the path invalid.
func removeIn(cur *value, path docPath) (*value, *apiError) {
	e := path[0]
	if e.idx >= 0 {
		if cur.t != tL {
			return nil, errInvalidPath
		}
		if e.idx >= len(cur.l) {
			if len(path) > 1 {
				return nil, errInvalidPath
			}
			return cur, nil
		}
		l := append([]*value(nil), cur.l...)
		if len(path) == 1 {
			l = append(l[:e.idx], l[e.idx+1:]...)
		} else {
			c, err := removeIn(l[e.idx], path[1:])
			if err != nil {
				return nil, err
			}
			l[e.idx] = c
		}
		return &value{t: tL, l: l}, nil
	}
	if cur.t != tM {
		return nil, errInvalidPath
	}
	child, ok := cur.m[e.name]
	if !ok {
		if len(path) > 1 {
			return nil, errInvalidPath
		}
		return cur, nil
	}
	m := make(map[string]*value, len(cur.m))
	for k, x := range cur.m {
		m[k] = x
	}
	if len(path) == 1 {
		delete(m, e.name)
	} else {
		c, err := removeIn(child, path[1:])
		if err != nil {
			return nil, err
		}
		m[e.name] = c
	}
	return &value{t: tM, m: m}, nil
}

// applyUpdate runs an update expression on a copy of old (SET values read the old item).
func applyUpdate(old item, u *updateExpr, keys []string) (item, *apiError) {
	if err := checkUpdate(u, keys); err != nil {
		return nil, err
	}
	// Action by action, DynamoDB checks the target can exist, then reads
	// the operands (from the old item).
	vals := make([]*value, len(u.set))
	for i, a := range u.set {
		if !parentHolds(old, a.path) {
			return nil, errInvalidPath
		}
		v, err := updateOperand(old, a.val)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	for _, list := range [][]updateAction{u.remove, u.add, u.del} {
		for _, a := range list {
			if !parentHolds(old, a.path) {
				return nil, errInvalidPath
			}
		}
	}
	it := copyItem(old)
	for i, a := range u.set {
		if err := setAt(it, a.path, vals[i]); err != nil {
			return nil, err
		}
	}
	rm := append([]updateAction(nil), u.remove...)
	sort.SliceStable(rm, func(i, j int) bool { return rm[i].path[len(rm[i].path)-1].idx > rm[j].path[len(rm[j].path)-1].idx })
	for _, a := range rm {
		if len(a.path) == 1 {
			delete(it, a.path[0].name)
			continue
		}
		cur := it[a.path[0].name]
		if cur == nil {
			return nil, errInvalidPath
		}
		c, err := removeIn(cur, a.path[1:])
		if err != nil {
			return nil, err
		}
		it[a.path[0].name] = c
	}
	for _, a := range u.add {
		v := a.val.val
		cur := resolve(it, a.path)
		var nv *value
		switch {
		case v.t != tN && v.t != tSS && v.t != tNS && v.t != tBS:
			return nil, validationf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: %s, typeSet: ALLOWED_FOR_ADD_OPERAND", longTypeNames[v.t])
		case cur == nil:
			nv = v
		case cur.t != v.t:
			return nil, errBadOperandType
		case v.t == tN:
			d, err := addDecimal(cur.n, v.n)
			if err != nil {
				return nil, err
			}
			nv = numValue(d)
		default:
			nv = setUnion(cur, v)
		}
		if err := setAt(it, a.path, nv); err != nil {
			return nil, err
		}
	}
	for _, a := range u.del {
		v := a.val.val
		if v.t != tSS && v.t != tNS && v.t != tBS {
			return nil, validationf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: %s, typeSet: ALLOWED_FOR_DELETE_OPERAND", longTypeNames[v.t])
		}
		cur := resolve(it, a.path)
		if cur == nil {
			if !parentHolds(it, a.path) {
				return nil, errInvalidPath
			}
			continue
		}
		if cur.t != v.t {
			return nil, errBadOperandType
		}
		var keep []string
		for _, m := range cur.set {
			if !v.setHas(m) {
				keep = append(keep, m)
			}
		}
		if len(keep) == 0 {
			if len(a.path) == 1 {
				delete(it, a.path[0].name)
			} else if c, err := removeIn(it[a.path[0].name], a.path[1:]); err == nil {
				it[a.path[0].name] = c
			}
			continue
		}
		if err := setAt(it, a.path, &value{t: cur.t, set: keep}); err != nil {
			return nil, err
		}
	}
	return it, nil
}

func setUnion(a, b *value) *value {
	out := append([]string(nil), a.set...)
	for _, m := range b.set {
		if !a.setHas(m) {
			out = append(out, m)
		}
	}
	sortSet(a.t, out)
	return &value{t: a.t, set: out}
}

// projNode builds a projected document.
type projNode struct {
	leaf  *value
	names map[string]*projNode
	idx   map[int]*projNode
}

// project keeps only the given paths of it.
func project(it item, paths []docPath) item {
	root := &projNode{names: map[string]*projNode{}}
	for _, p := range paths {
		if resolve(it, p) == nil {
			continue
		}
		n := root
		var cur *value
		for i, e := range p {
			if i == 0 {
				cur = it[e.name]
			} else if e.idx >= 0 {
				cur = cur.l[e.idx]
			} else {
				cur = cur.m[e.name]
			}
			var child *projNode
			if e.idx >= 0 {
				if n.idx == nil {
					n.idx = map[int]*projNode{}
				}
				child = n.idx[e.idx]
				if child == nil {
					child = &projNode{}
					n.idx[e.idx] = child
				}
			} else {
				if n.names == nil {
					n.names = map[string]*projNode{}
				}
				child = n.names[e.name]
				if child == nil {
					child = &projNode{}
					n.names[e.name] = child
				}
			}
			if i == len(p)-1 {
				child.leaf = cur
			}
			n = child
		}
	}
	out := item{}
	for k, c := range root.names {
		out[k] = c.build()
	}
	return out
}

func (n *projNode) build() *value {
	if n.leaf != nil {
		return n.leaf
	}
	if n.idx != nil {
		keys := make([]int, 0, len(n.idx))
		for k := range n.idx {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		l := make([]*value, len(keys))
		for i, k := range keys {
			l[i] = n.idx[k].build()
		}
		return &value{t: tL, l: l}
	}
	m := make(map[string]*value, len(n.names))
	for k, c := range n.names {
		m[k] = c.build()
	}
	return &value{t: tM, m: m}
}

// parentHolds reports whether the container of path's last element exists
// and has the kind that element needs (a map for a name, a list for an index).
func parentHolds(it item, path docPath) bool {
	if len(path) == 1 {
		return true
	}
	p := resolve(it, path[:len(path)-1])
	if p == nil {
		return false
	}
	if path[len(path)-1].idx >= 0 {
		return p.t == tL
	}
	return p.t == tM
}

// checkUpdate refuses an update of a key attribute, then paths into key
// attributes. DynamoDB checks these before reading any operand.
func checkUpdate(u *updateExpr, keys []string) *apiError {
	if err := checkKeyUpdate(u, keys); err != nil {
		return err
	}
	return u.nestedKeys
}

// checkKeyUpdate refuses an update action on a key attribute, naming the
// table's hash key first.
func checkKeyUpdate(u *updateExpr, keys []string) *apiError {
	for _, k := range keys {
		for _, list := range [][]updateAction{u.set, u.remove, u.add, u.del} {
			for _, a := range list {
				if a.path[0].name == k {
					e := invalidParam("Cannot update attribute %s. This attribute is part of the key", k)
					e.keyUpdate = true
					return e
				}
			}
		}
	}
	return nil
}
