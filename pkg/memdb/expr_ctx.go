package memdb

import (
	"fmt"
	"strings"
)

// exprCtx holds the placeholders of one request and which of them were used.
type exprCtx struct {
	names      map[string]string
	values     map[string]*value
	raw        map[string]string // numbers as the request wrote them, for messages
	usedNames  map[string]bool
	usedValues map[string]bool
	keys       map[string]string // key attribute -> "Key" or "IndexKey"
	keyRank    map[string]int    // the order DynamoDB names key attributes in
	// nestedKeys are the key attributes condition and projection paths go
	// into, one list per expression in the order they were parsed.
	nestedKeys [][]string
	// updateNestedKeys are those of the update expression being parsed.
	updateNestedKeys []string
}

// withKeys makes the parser refuse document paths into t's key attributes.
func (c *exprCtx) withKeys(t *table) *exprCtx {
	k := t.keyAttrs.Load()
	if k == nil {
		k = newKeyAttrs(t)
		t.keyAttrs.Store(k)
	}
	c.keys, c.keyRank = k.kind, k.rank
	return c
}

// keyAttrs are a table's key attributes, for the nested-path check: whether
// each is a table or an index key, and the order DynamoDB names them in.
type keyAttrs struct {
	kind map[string]string // "Key" or "IndexKey"
	rank map[string]int
}

func newKeyAttrs(t *table) *keyAttrs {
	k := &keyAttrs{kind: map[string]string{}, rank: map[string]int{}}
	for rank, list := range [][]*index{t.gsis, t.lsis} {
		for _, ix := range list {
			for _, name := range []string{ix.ks.hash, ix.ks.rng} {
				if name != "" {
					k.kind[name], k.rank[name] = "IndexKey", 3-rank
				}
			}
		}
	}
	for rank, name := range []string{t.ks.hash, t.ks.rng} {
		if name != "" {
			k.kind[name], k.rank[name] = "Key", rank
		}
	}
	return k
}

// valueText renders a scalar value operand as DynamoDB's messages do:
// numbers as the request wrote them, binaries as the Java buffer holding them.
func (c *exprCtx) valueText(o *operand) string {
	if r, ok := c.raw[o.name]; ok {
		return "{N:" + r + "}"
	}
	if o.val.t == tB {
		return fmt.Sprintf("{B:java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]}", len(o.val.s), len(o.val.s))
	}
	return "{" + o.val.t.String() + ":" + o.val.s + "}"
}

func newExprCtx(names map[string]string, wv wireItem) (*exprCtx, *apiError) {
	c := &exprCtx{names: names, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
	if wv != nil {
		c.values = make(map[string]*value, len(wv))
		for k, w := range wv {
			v, err := convValue(&w)
			if err != nil {
				return nil, validationf("ExpressionAttributeValues contains invalid value: %s for key %s", err.msg, k)
			}
			c.values[k] = v
			if w.N != nil {
				if c.raw == nil {
					c.raw = map[string]string{}
				}
				c.raw[k] = *w.N
			}
		}
	}
	return c, nil
}

// checkParsed reports, after every expression of a request is parsed,
// placeholders given but never used, then a document path into a key
// attribute, as DynamoDB does.
func (c *exprCtx) checkParsed() *apiError {
	if err := c.checkUnused(); err != nil {
		return err
	}
	return c.checkNested()
}

// checkUnused reports placeholders given but never used.
func (c *exprCtx) checkUnused() *apiError {
	if c == nil {
		return nil
	}
	var un []string
	for k := range c.names {
		if !c.usedNames[k] {
			un = append(un, k)
		}
	}
	if len(un) > 0 {
		return validationf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(javaHashOrder(un), ", "))
	}
	for k := range c.values {
		if !c.usedValues[k] {
			un = append(un, k)
		}
	}
	if len(un) > 0 {
		return validationf("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(javaHashOrder(un), ", "))
	}
	return nil
}

// checkNested reports a document path into a key attribute.
func (c *exprCtx) checkNested() *apiError {
	if c == nil {
		return nil
	}
	for _, names := range c.nestedKeys {
		if len(names) > 0 {
			return c.nestedKeyErr(names)
		}
	}
	return nil
}

// nestedKeyErr refuses document paths into key attributes, naming the first
// in DynamoDB's order: the table's keys, then local, then global index keys.
func (c *exprCtx) nestedKeyErr(names []string) *apiError {
	if len(names) == 0 {
		return nil
	}
	first := names[0]
	for _, k := range names[1:] {
		if c.keyRank[k] < c.keyRank[first] || c.keyRank[k] == c.keyRank[first] && k < first {
			first = k
		}
	}
	e := validationf("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: %s: %s", c.keys[first], first)
	e.late = true
	return e
}
