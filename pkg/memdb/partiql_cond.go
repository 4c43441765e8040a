package memdb

import (
	"strconv"
	"strings"
)

// WHERE conditions and literals of PartiQL statements.

func (p *pqParser) or() (*pqNode, *apiError) {
	return p.binary("OR", p.and)
}

func (p *pqParser) and() (*pqNode, *apiError) {
	return p.binary("AND", p.not)
}

func (p *pqParser) binary(op string, sub func() (*pqNode, *apiError)) (*pqNode, *apiError) {
	first, err := sub()
	if err != nil {
		return nil, err
	}
	if !p.isWord(op) {
		return first, nil
	}
	n := &pqNode{op: op, kids: []*pqNode{first}}
	for p.isWord(op) {
		p.pos++
		k, err := sub()
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, k)
	}
	return n, nil
}

func (p *pqParser) not() (*pqNode, *apiError) {
	if p.isWord("NOT") {
		p.pos++
		k, err := p.not()
		if err != nil {
			return nil, err
		}
		return &pqNode{op: "NOT", kids: []*pqNode{k}}, nil
	}
	return p.predicate()
}

// pqFunctions are the condition functions of the subset (DynamoDB's own).
var pqFunctions = map[string]bool{"begins_with": true, "contains": true, "attribute_type": true,
	"attribute_exists": true, "attribute_not_exists": true}

// pqOperand is a rendered operand; path is set when it is a top-level name,
// val when it is a literal or parameter.
type pqOperand struct {
	text string
	name string
	val  *wireValue
}

func (p *pqParser) predicate() (*pqNode, *apiError) {
	if p.isSym("(") {
		p.pos++
		k, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
		return &pqNode{op: "()", kids: []*pqNode{k}}, nil
	}
	if t := p.peek(); t.kind == pqIdent && pqFunctions[strings.ToLower(t.text)] && p.toks[p.pos+1].text == "(" {
		return p.function()
	}
	a, err := p.operand()
	if err != nil {
		return nil, err
	}
	switch {
	case p.isWord("IS"):
		p.pos++
		fn := "attribute_not_exists"
		if p.isWord("NOT") {
			p.pos++
			fn = "attribute_exists"
		}
		if err := p.expectWord("MISSING"); err != nil {
			return nil, err
		}
		return &pqNode{text: fn + "(" + a.text + ")"}, nil
	case p.isWord("BETWEEN"):
		p.pos++
		lo, err := p.operand()
		if err != nil {
			return nil, err
		}
		if err := p.expectWord("AND"); err != nil {
			return nil, err
		}
		hi, err := p.operand()
		if err != nil {
			return nil, err
		}
		n := &pqNode{text: a.text + " BETWEEN " + lo.text + " AND " + hi.text}
		if a.name != "" && lo.val != nil && hi.val != nil {
			n.keyName, n.keyOp, n.vals = a.name, "BETWEEN", []*wireValue{lo.val, hi.val}
		}
		return n, nil
	case p.isWord("IN"):
		return p.in(a)
	}
	t := p.peek()
	if t.kind != pqSym || !isComparator(t.text) && t.text != "!=" {
		return nil, p.unexpected("expected a comparison")
	}
	p.pos++
	op := t.text
	if op == "!=" {
		op = "<>"
	}
	b, err := p.operand()
	if err != nil {
		return nil, err
	}
	n := &pqNode{text: a.text + " " + op + " " + b.text}
	if a.name != "" && b.val != nil && op != "<>" {
		n.keyName, n.keyOp, n.vals = a.name, op, []*wireValue{b.val}
		if op == "=" {
			n.eq = b.val
		}
	}
	return n, nil
}

// in reads IN [v, ...] (or IN (v, ...)) as DynamoDB's IN (v, ...).
func (p *pqParser) in(a pqOperand) (*pqNode, *apiError) {
	p.pos++
	closer := "]"
	if p.isSym("(") {
		closer = ")"
	} else if !p.isSym("[") {
		return nil, p.unexpected("expected [ after IN")
	}
	p.pos++
	var parts []string
	for {
		o, err := p.operand()
		if err != nil {
			return nil, err
		}
		parts = append(parts, o.text)
		if !p.isSym(",") {
			break
		}
		p.pos++
	}
	if err := p.expectSym(closer); err != nil {
		return nil, err
	}
	return &pqNode{text: a.text + " IN (" + strings.Join(parts, ", ") + ")"}, nil
}

func (p *pqParser) function() (*pqNode, *apiError) {
	name := strings.ToLower(p.next().text)
	p.pos++ // (
	var args []string
	var vals []*wireValue
	var first pqOperand
	for {
		o, err := p.operand()
		if err != nil {
			return nil, err
		}
		if len(args) == 0 {
			first = o
		}
		args = append(args, o.text)
		vals = append(vals, o.val)
		if !p.isSym(",") {
			break
		}
		p.pos++
	}
	if err := p.expectSym(")"); err != nil {
		return nil, err
	}
	n := &pqNode{text: name + "(" + strings.Join(args, ", ") + ")"}
	if name == "begins_with" && first.name != "" && len(vals) == 2 && vals[1] != nil {
		n.keyName, n.keyOp, n.vals = first.name, "begins_with", vals[1:]
	}
	return n, nil
}

// operand is a path, a literal, a parameter or size(path).
func (p *pqParser) operand() (pqOperand, *apiError) {
	t := p.peek()
	if t.kind == pqIdent && strings.EqualFold(t.text, "size") && p.toks[p.pos+1].text == "(" {
		p.pos += 2
		path, err := p.path()
		if err != nil {
			return pqOperand{}, err
		}
		if err := p.expectSym(")"); err != nil {
			return pqOperand{}, err
		}
		return pqOperand{text: "size(" + path.text + ")"}, nil
	}
	if t.kind == pqQuoted || t.kind == pqIdent && !isPQLiteralWord(t.text) {
		path, err := p.path()
		if err != nil {
			return pqOperand{}, err
		}
		o := pqOperand{text: path.text}
		if len(path.elems) == 1 {
			o.name = path.elems[0].name
		}
		return o, nil
	}
	v, err := p.literal()
	if err != nil {
		return pqOperand{}, err
	}
	return pqOperand{text: p.st.value(*v), val: v}, nil
}

func isPQLiteralWord(w string) bool {
	switch strings.ToUpper(w) {
	case "TRUE", "FALSE", "NULL", "MISSING":
		return true
	}
	return false
}

// literal reads a value that stands alone (a WHERE operand, a SET value,
// an attribute of INSERT's tuple).
func (p *pqParser) literal() (*wireValue, *apiError) { return p.value(nil) }

// child is the path of an element inside a collection at path, as DynamoDB
// Local names it in messages ("root.a.0").
func child(path []string, key string) []string {
	if path == nil {
		path = []string{"root"}
	}
	return append(append([]string(nil), path...), key)
}

// value reads 'string', number, TRUE/FALSE, NULL, [list], {'key': value},
// <<set>> or a ? parameter; path is where it sits inside a collection
// literal (nil for a value that stands alone), where parameters are refused.
func (p *pqParser) value(path []string) (*wireValue, *apiError) {
	t := p.next()
	switch {
	case t.kind == pqParam:
		if path != nil {
			return nil, validationf("Unsupported data type: Parameter under key %s at %d:%d:1", strings.Join(path, "."), t.line, t.col)
		}
		if p.st.nextParam >= len(p.st.params) {
			return nil, validationf("Number of parameters in request and statement don't match.")
		}
		v := p.st.params[p.st.nextParam]
		p.st.nextParam++
		return &v, nil
	case t.kind == pqString:
		return &wireValue{S: &t.text}, nil
	case t.kind == pqNumber:
		return &wireValue{N: &t.text}, nil
	case t.kind == pqSym && t.text == "-" && p.peek().kind == pqNumber:
		n := "-" + p.next().text
		return &wireValue{N: &n}, nil
	case t.kind == pqIdent && (strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE")):
		b := strings.EqualFold(t.text, "TRUE")
		return &wireValue{BOOL: &b}, nil
	case t.kind == pqIdent && strings.EqualFold(t.text, "NULL"):
		b := true
		return &wireValue{NULL: &b}, nil
	case t.kind == pqSym && t.text == "[":
		l := []wireValue{}
		err := p.list("]", func() *apiError {
			v, err := p.value(child(path, strconv.Itoa(len(l))))
			if err == nil {
				l = append(l, *v)
			}
			return err
		})
		return &wireValue{L: &l}, err
	case t.kind == pqSym && t.text == "{":
		return p.tuple(func(key string) []string { return child(path, key) })
	case t.kind == pqSym && t.text == "<<":
		return p.set(t, path)
	}
	p.pos--
	return nil, p.unexpected("expected a value")
}

// tuple reads {'key': value, ...} (the brace already read), each value at
// the path pathOf gives its key.
func (p *pqParser) tuple(pathOf func(key string) []string) (*wireValue, *apiError) {
	m := map[string]wireValue{}
	err := p.list("}", func() *apiError {
		k := p.next()
		if k.kind != pqString {
			return pqUnsupported("a tuple key must be a 'string'")
		}
		if err := p.expectSym(":"); err != nil {
			return err
		}
		v, err := p.value(pathOf(k.text))
		if err == nil {
			m[k.text] = *v
		}
		return err
	})
	return &wireValue{M: &m}, err
}

// list reads elements until closer (the opener already read).
func (p *pqParser) list(closer string, elem func() *apiError) *apiError {
	if p.isSym(closer) {
		p.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if !p.isSym(",") {
			break
		}
		p.pos++
	}
	return p.expectSym(closer)
}

// set reads <<'a', 'b'>> (a string set) or <<1, 2>> (a number set); open
// is the << token.
func (p *pqParser) set(open pqToken, path []string) (*wireValue, *apiError) {
	var strs, nums []string
	err := p.list(">>", func() *apiError {
		v, err := p.value(child(path, strconv.Itoa(len(strs)+len(nums))))
		switch {
		case err != nil:
			return err
		case v.S != nil:
			strs = append(strs, *v.S)
		case v.N != nil:
			nums = append(nums, *v.N)
		default:
			return pqUnsupported("set members must be strings or numbers")
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case len(strs)+len(nums) == 0:
		return nil, validationf("Empty bags are not supported at %d:%d:2", open.line, open.col)
	case len(strs) > 0 && len(nums) > 0:
		return nil, pqUnsupported("a set mixes strings and numbers")
	case len(nums) > 0:
		return &wireValue{NS: &nums}, nil
	}
	return &wireValue{SS: &strs}, nil
}
