package memdb

import (
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
			n.keyName, n.keyOp = a.name, "BETWEEN"
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
		n.keyName, n.keyOp = a.name, op
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
		if !p.isSym(",") {
			break
		}
		p.pos++
	}
	if err := p.expectSym(")"); err != nil {
		return nil, err
	}
	n := &pqNode{text: name + "(" + strings.Join(args, ", ") + ")"}
	if name == "begins_with" && first.name != "" {
		n.keyName, n.keyOp = first.name, "begins_with"
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

// literal reads a value: 'string', number, TRUE/FALSE, NULL, [list],
// {'key': value, ...}, <<set>> or a ? parameter.
func (p *pqParser) literal() (*wireValue, *apiError) {
	t := p.next()
	switch {
	case t.kind == pqParam:
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
		var l []wireValue
		err := p.list("]", func() *apiError {
			v, err := p.literal()
			if err == nil {
				l = append(l, *v)
			}
			return err
		})
		if l == nil {
			l = []wireValue{}
		}
		return &wireValue{L: &l}, err
	case t.kind == pqSym && t.text == "{":
		m := map[string]wireValue{}
		err := p.list("}", func() *apiError {
			k := p.next()
			if k.kind != pqString {
				return pqUnsupported("a tuple key must be a 'string'")
			}
			if err := p.expectSym(":"); err != nil {
				return err
			}
			v, err := p.literal()
			if err == nil {
				m[k.text] = *v
			}
			return err
		})
		return &wireValue{M: &m}, err
	case t.kind == pqSym && t.text == "<<":
		return p.set()
	}
	p.pos--
	return nil, p.unexpected("expected a value")
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

// set reads <<'a', 'b'>> (a string set) or <<1, 2>> (a number set).
func (p *pqParser) set() (*wireValue, *apiError) {
	var strs, nums []string
	err := p.list(">>", func() *apiError {
		v, err := p.literal()
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
	if err != nil {
		return nil, err
	}
	switch {
	case len(strs) > 0 && len(nums) > 0:
		return nil, pqUnsupported("a set mixes strings and numbers")
	case len(nums) > 0:
		return &wireValue{NS: &nums}, nil
	}
	return &wireValue{SS: &strs}, nil
}
