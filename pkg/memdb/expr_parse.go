package memdb

import (
	"strconv"
	"strings"
)

// pathElem is one step of a document path: an attribute/map key, or a list index (idx >= 0).
type pathElem struct {
	name string
	idx  int
}

type docPath []pathElem

func (p docPath) String() string {
	parts := make([]string, len(p))
	for i, e := range p {
		if e.idx >= 0 {
			parts[i] = "[" + strconv.Itoa(e.idx) + "]"
		} else {
			parts[i] = e.name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

type opKind uint8

const (
	opPath opKind = iota
	opValue
	opSize
	opIfNotExists
	opListAppend
	opPlus
	opMinus
)

type operand struct {
	kind opKind
	path docPath
	val  *value
	name string // placeholder name for values
	args []*operand
}

type condKind uint8

const (
	cAnd condKind = iota
	cOr
	cNot
	cCmp
	cBetween
	cIn
	cExists
	cNotExists
	cType
	cBegins
	cContains
)

type condNode struct {
	kind  condKind
	op    string
	kids  []*condNode
	args  []*operand
	paren bool // written in parentheses
}

type updateAction struct {
	path docPath
	val  *operand
}

type updateExpr struct {
	set, remove, add, del []updateAction
	// nestedKeys refuses paths into key attributes: DynamoDB does so when it
	// applies the update, after the condition.
	nestedKeys *apiError
}

type parser struct {
	group int // this expression's list in ctx.nestedKeys
	ctx   *exprCtx
	kind  string
	src   string
	toks  []token
	pos   int
}

func newParser(ctx *exprCtx, kind, src string) (*parser, *apiError) {
	if strings.TrimSpace(src) == "" {
		return nil, validationf("Invalid %s: The expression can not be empty;", kind)
	}
	if len(src) > 4096 {
		return nil, validationf("Invalid %s: Expression size has exceeded the maximum allowed size; expression size: %d", kind, len(src))
	}
	toks, bad := lex(src)
	p := &parser{ctx: ctx, kind: kind, src: src, toks: toks, group: len(ctx.nestedKeys)}
	ctx.nestedKeys = append(ctx.nestedKeys, nil)
	if bad >= 0 {
		tok, end := badToken(src, bad)
		return nil, validationf("Invalid %s: Syntax error; token: \"%s\", near: \"%s\"", kind, tok, p.nearAt(len(toks)-1, bad, end))
	}
	return p, nil
}

func (p *parser) fail(format string, args ...any) *apiError {
	return validationf("Invalid "+p.kind+": "+format, args...)
}

// nearAt renders DynamoDB's "near" text: previous token through next token.
func (p *parser) nearAt(prev, start, end int) string {
	s := start
	if prev >= 0 && prev < len(p.toks) {
		s = p.toks[prev].start
	}
	return p.src[s:end]
}

func (p *parser) syntaxErr() *apiError {
	t := p.toks[p.pos]
	s, e := t.start, t.end
	if p.pos > 0 {
		s = p.toks[p.pos-1].start
	}
	if p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind != tkEOF {
		e = p.toks[p.pos+1].end
	}
	return p.fail("Syntax error; token: \"%s\", near: \"%s\"", t.text, p.src[s:e])
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) isSym(s string) bool {
	t := p.toks[p.pos]
	return t.kind == tkSym && t.text == s
}

func (p *parser) isKeyword(k string) bool {
	t := p.toks[p.pos]
	return t.kind == tkIdent && strings.EqualFold(t.text, k)
}

func (p *parser) expectSym(s string) *apiError {
	if !p.isSym(s) {
		return p.syntaxErr()
	}
	p.pos++
	return nil
}

func (p *parser) expectEOF() *apiError {
	if p.peek().kind != tkEOF {
		return p.syntaxErr()
	}
	return nil
}

// ---- conditions ----

func parseCondition(ctx *exprCtx, kind, src string) (*condNode, *apiError) {
	p, err := newParser(ctx, kind, src)
	if err != nil {
		return nil, err
	}
	c, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	return c, p.expectEOF()
}

func (p *parser) orExpr() (*condNode, *apiError) {
	l, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		p.pos++
		r, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		l = &condNode{kind: cOr, kids: []*condNode{l, r}}
	}
	return l, nil
}

func (p *parser) andExpr() (*condNode, *apiError) {
	l, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		p.pos++
		r, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		l = &condNode{kind: cAnd, kids: []*condNode{l, r}}
	}
	return l, nil
}

func (p *parser) notExpr() (*condNode, *apiError) {
	if p.isKeyword("NOT") {
		p.pos++
		c, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &condNode{kind: cNot, kids: []*condNode{c}}, nil
	}
	return p.primary()
}

var condFuncs = map[string]condKind{
	"attribute_exists": cExists, "attribute_not_exists": cNotExists, "attribute_type": cType,
	"begins_with": cBegins, "contains": cContains,
}

func (p *parser) primary() (*condNode, *apiError) {
	if p.isSym("(") {
		p.pos++
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if c.paren {
			return nil, p.fail("The expression has redundant parentheses;")
		}
		c.paren = true
		return c, p.expectSym(")")
	}
	t := p.peek()
	if t.kind == tkIdent && p.toks[p.pos+1].kind == tkSym && p.toks[p.pos+1].text == "(" {
		if k, ok := condFuncs[t.text]; ok {
			p.pos += 2
			args, err := p.args()
			if err != nil {
				return nil, err
			}
			if p.peek().kind == tkSym && isComparator(p.peek().text) || p.isKeyword("BETWEEN") || p.isKeyword("IN") {
				return nil, p.fail("The function is not allowed to be used this way in an expression; function: %s", t.text)
			}
			return p.condFunc(t.text, k, args)
		}
		if _, ok := operandFuncs[t.text]; !ok {
			return nil, p.fail("Invalid function name; function: %s", t.text)
		}
	}
	l, err := p.operand(false)
	if err != nil {
		return nil, err
	}
	switch {
	case p.peek().kind == tkSym && isComparator(p.peek().text):
		op := p.next().text
		r, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		return p.checked(&condNode{kind: cCmp, op: op, args: []*operand{l, r}})
	case p.isKeyword("BETWEEN"):
		p.pos++
		lo, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("AND") {
			return nil, p.syntaxErr()
		}
		p.pos++
		hi, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		if err := p.checkBounds(lo, hi); err != nil {
			return nil, err
		}
		return p.checked(&condNode{kind: cBetween, op: "BETWEEN", args: []*operand{l, lo, hi}})
	case p.isKeyword("IN"):
		p.pos++
		if err := p.expectSym("("); err != nil {
			return nil, err
		}
		args, err := p.args()
		if err != nil {
			return nil, err
		}
		if len(args) > 100 {
			return nil, p.fail("The IN operator is provided with too many operands; number of operands: %d", len(args))
		}
		return p.checked(&condNode{kind: cIn, op: "IN", args: append([]*operand{l}, args...)})
	}
	if l.kind == opSize {
		return nil, p.fail("The function is not allowed to be used this way in an expression; function: size")
	}
	return nil, p.syntaxErr()
}

func isComparator(s string) bool {
	switch s {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// args parses "operand, operand, ... )" after an opening parenthesis.
func (p *parser) args() ([]*operand, *apiError) {
	var out []*operand
	for {
		o, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		if p.isSym(",") {
			p.pos++
			continue
		}
		return out, p.expectSym(")")
	}
}

func (p *parser) condFunc(name string, k condKind, args []*operand) (*condNode, *apiError) {
	want := 2
	if k == cExists || k == cNotExists {
		want = 1
	}
	if len(args) != want {
		return nil, p.fail("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
	}
	if args[0].kind != opPath {
		return nil, p.fail("Operator or function requires a document path; operator or function: %s", name)
	}
	if k == cType {
		if args[1].kind != opValue || args[1].val.t != tS {
			return nil, p.fail("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: %s", opTypeName(args[1]))
		}
		if typeFromName(args[1].val.s) == 0 {
			return nil, p.fail("Invalid attribute type name found; type: %s, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}", args[1].val.s)
		}
	}
	if k == cBegins && args[1].kind == opValue && args[1].val.t != tS && args[1].val.t != tB {
		return nil, p.fail("Incorrect operand type for operator or function; operator or function: begins_with, operand type: %s", opTypeName(args[1]))
	}
	return p.checked(&condNode{kind: k, op: name, args: args})
}

var longTypeNames = map[vtype]string{tS: "STRING", tN: "NUMBER", tB: "BINARY", tBOOL: "BOOLEAN", tNULL: "NULL",
	tSS: "STRING_SET", tNS: "NUMBER_SET", tBS: "BINARY_SET", tL: "LIST", tM: "MAP"}

func opTypeName(o *operand) string {
	if o.kind == opValue {
		return o.val.t.String()
	}
	return "PATH"
}

var operandFuncs = map[string]opKind{"size": opSize, "if_not_exists": opIfNotExists, "list_append": opListAppend}

// operand parses a path, a :value or a function call; inUpdate allows the
// update-only functions and arithmetic.
func (p *parser) operand(inUpdate bool) (*operand, *apiError) {
	t := p.peek()
	switch t.kind {
	case tkValue:
		p.pos++
		v, ok := p.ctx.values[t.text]
		if !ok {
			return nil, p.fail("An expression attribute value used in expression is not defined; attribute value: %s", t.text)
		}
		p.ctx.usedValues[t.text] = true
		return &operand{kind: opValue, val: v, name: t.text}, nil
	case tkIdent:
		if p.toks[p.pos+1].kind == tkSym && p.toks[p.pos+1].text == "(" {
			k, ok := operandFuncs[t.text]
			if !ok {
				if _, isCond := condFuncs[t.text]; isCond {
					return nil, p.fail("The function is not allowed to be used this way in an expression; function: %s", t.text)
				}
				return nil, p.fail("Invalid function name; function: %s", t.text)
			}
			if (k == opSize) == inUpdate {
				what := "a condition"
				if inUpdate {
					what = "an update"
				}
				return nil, p.fail("The function is not allowed in %s expression; function: %s", what, t.text)
			}
			p.pos += 2
			var args []*operand
			for {
				o, err := p.operand(inUpdate)
				if err != nil {
					return nil, err
				}
				args = append(args, o)
				if p.isSym(",") {
					p.pos++
					continue
				}
				if err := p.expectSym(")"); err != nil {
					return nil, err
				}
				break
			}
			want := 2
			if k == opSize {
				want = 1
			}
			if len(args) != want {
				return nil, p.fail("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", t.text, len(args))
			}
			if (k == opSize || k == opIfNotExists) && args[0].kind != opPath {
				return nil, p.fail("Operator or function requires a document path; operator or function: %s", t.text)
			}
			if k == opListAppend {
				for _, a := range args {
					if a.kind == opValue && a.val.t != tL {
						return nil, p.fail("Incorrect operand type for operator or function; operator or function: list_append, operand type: %s", a.val.t)
					}
				}
			}
			return &operand{kind: k, args: args}, nil
		}
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return &operand{kind: opPath, path: path}, nil
	case tkName:
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return &operand{kind: opPath, path: path}, nil
	}
	return nil, p.syntaxErr()
}

// pathName reads one attribute name (plain or #placeholder).
func (p *parser) pathName() (string, *apiError) {
	t := p.peek()
	switch t.kind {
	case tkIdent:
		if reservedWords[strings.ToUpper(t.text)] {
			return "", p.fail("Attribute name is a reserved keyword; reserved keyword: %s", t.text)
		}
		p.pos++
		return t.text, nil
	case tkName:
		n, ok := p.ctx.names[t.text]
		if !ok {
			return "", p.fail("An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
		}
		p.ctx.usedNames[t.text] = true
		p.pos++
		return n, nil
	}
	return "", p.syntaxErr()
}

func (p *parser) path() (docPath, *apiError) {
	n, err := p.pathName()
	if err != nil {
		return nil, err
	}
	path := docPath{{name: n, idx: -1}}
	for {
		switch {
		case p.isSym("."):
			p.pos++
			n, err := p.pathName()
			if err != nil {
				return nil, err
			}
			path = append(path, pathElem{name: n, idx: -1})
		case p.isSym("["):
			p.pos++
			t := p.peek()
			if t.kind != tkInt {
				return nil, p.syntaxErr()
			}
			i, convErr := strconv.Atoi(t.text)
			if convErr != nil {
				return nil, p.syntaxErr()
			}
			p.pos++
			if err := p.expectSym("]"); err != nil {
				return nil, err
			}
			path = append(path, pathElem{idx: i})
		default:
			if p.ctx.keys[path[0].name] != "" && len(path) > 1 {
				if p.kind == "UpdateExpression" {
					p.ctx.updateNestedKeys = append(p.ctx.updateNestedKeys, path[0].name)
				} else {
					p.ctx.nestedKeys[p.group] = append(p.ctx.nestedKeys[p.group], path[0].name)
				}
			}
			return path, nil
		}
	}
}
