package memdb

import (
	"strconv"
	"strings"
)

// pqStatement is a parsed statement, its expressions rendered with
// placeholders into names and values.
type pqStatement struct {
	verb      string // SELECT, INSERT, UPDATE or DELETE
	table     string
	index     string
	proj      []pqPath // SELECT's paths; nil for *
	where     *pqNode
	orderBy   string
	desc      bool
	item      wireItem // INSERT's item
	sets      []string // UPDATE's SET actions, rendered
	adds      []string // UPDATE's set_add assignments, as ADD actions
	dels      []string // UPDATE's set_delete assignments, as DELETE actions
	removes   []string // UPDATE's REMOVE paths, rendered
	names     map[string]string
	values    wireItem
	nameOf    map[string]string
	params    []wireValue
	nextParam int
}

// pqPath is a document path: its rendering with placeholders, its elements,
// and the name DynamoDB gives it in SELECT results (the last dotted part).
type pqPath struct {
	text  string
	elems docPath
	label string
}

// pqNode is a WHERE condition: a leaf comparison or function, or AND, OR,
// NOT and parentheses over others. keyName and op describe a leaf that
// compares one top-level attribute with values (a key condition candidate);
// eq is the value of an equality.
type pqNode struct {
	op      string // "AND", "OR", "NOT", "()", or "" for a leaf
	kids    []*pqNode
	text    string
	keyName string
	keyOp   string
	vals    []*wireValue // the values keyName is compared with
	eq      *wireValue
}

func (n *pqNode) render() string {
	switch n.op {
	case "AND", "OR":
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = k.render()
		}
		return strings.Join(parts, " "+n.op+" ")
	case "NOT":
		return "NOT " + n.kids[0].render()
	case "()":
		return "(" + n.kids[0].render() + ")"
	}
	return n.text
}

// conjuncts are the conditions joined by the top-level ANDs of n.
func (n *pqNode) conjuncts() []*pqNode {
	if n == nil {
		return nil
	}
	if n.op != "AND" {
		return []*pqNode{n}
	}
	var out []*pqNode
	for _, k := range n.kids {
		out = append(out, k.conjuncts()...)
	}
	return out
}

type pqParser struct {
	toks []pqToken
	pos  int
	st   *pqStatement
}

// errUnsupported is the answer to statements outside the subset memdb
// implements (or malformed in a way the subset cannot tell apart).
func pqUnsupported(what string) *apiError {
	return outOfScope("this PartiQL statement (" + what + "); memdb implements SELECT, INSERT, UPDATE and DELETE with WHERE, ? parameters and ORDER BY the sort key")
}

func (p *pqParser) peek() pqToken { return p.toks[p.pos] }
func (p *pqParser) next() pqToken { t := p.toks[p.pos]; p.pos++; return t }

func (p *pqParser) isWord(w string) bool {
	t := p.peek()
	return t.kind == pqIdent && strings.EqualFold(t.text, w)
}

func (p *pqParser) isSym(s string) bool {
	t := p.peek()
	return t.kind == pqSym && t.text == s
}

func (p *pqParser) expectWord(w string) *apiError {
	if !p.isWord(w) {
		return p.unexpected("expected " + w)
	}
	p.pos++
	return nil
}

func (p *pqParser) expectSym(s string) *apiError {
	if !p.isSym(s) {
		return p.unexpected("expected " + s)
	}
	p.pos++
	return nil
}

func (p *pqParser) unexpected(why string) *apiError {
	t := p.peek()
	if t.kind == pqEOF {
		return pqUnsupported(why + " at the end")
	}
	return pqUnsupported(why + ", found " + strconv.Quote(t.text))
}

// parsePartiQL parses one statement with its parameters.
func parsePartiQL(src string, params []wireValue) (*pqStatement, *apiError) {
	toks, ok := lexPartiQL(src)
	malformed := validationf("Statement wasn't well formed, can't be processed: %s", src)
	if !ok || toks[0].kind != pqIdent {
		return nil, malformed
	}
	st := &pqStatement{names: map[string]string{}, values: wireItem{}, nameOf: map[string]string{}, params: params}
	p := &pqParser{toks: toks, st: st}
	var err *apiError
	switch st.verb = strings.ToUpper(toks[0].text); st.verb {
	case "SELECT":
		err = p.selectStmt()
	case "INSERT":
		err = p.insertStmt()
	case "UPDATE":
		err = p.updateStmt()
	case "DELETE":
		err = p.deleteStmt()
	default:
		return nil, malformed
	}
	if err != nil {
		return nil, err
	}
	if p.peek().kind != pqEOF {
		return nil, p.unexpected("unexpected text after the statement")
	}
	// Parameters beyond the statement's are ignored, as DynamoDB Local does.
	return st, nil
}

func (p *pqParser) selectStmt() *apiError {
	p.pos++
	if p.isSym("*") {
		p.pos++
	} else {
		for {
			path, err := p.path()
			if err != nil {
				return err
			}
			p.st.proj = append(p.st.proj, path)
			if !p.isSym(",") {
				break
			}
			p.pos++
		}
	}
	if err := p.expectWord("FROM"); err != nil {
		return err
	}
	if err := p.tableRef(true); err != nil {
		return err
	}
	if p.isWord("WHERE") {
		p.pos++
		var err *apiError
		if p.st.where, err = p.or(); err != nil {
			return err
		}
	}
	if p.isWord("ORDER") {
		p.pos++
		if err := p.expectWord("BY"); err != nil {
			return err
		}
		name, err := p.name()
		if err != nil {
			return err
		}
		p.st.orderBy = name
		if p.isWord("ASC") || p.isWord("DESC") {
			p.st.desc = strings.EqualFold(p.next().text, "DESC")
		}
	}
	return nil
}

func (p *pqParser) insertStmt() *apiError {
	p.pos++
	if err := p.expectWord("INTO"); err != nil {
		return err
	}
	if err := p.tableRef(false); err != nil {
		return err
	}
	if err := p.expectWord("VALUE"); err != nil {
		return err
	}
	if t := p.next(); t.kind != pqSym || t.text != "{" {
		return validationf("Unsupported format in item expression. Please use struct format {...} to express item values for insert statement. at %d:%d:%d", t.line, t.col, max(1, len(t.text)))
	}
	// The tuple's attributes stand alone: they may be parameters.
	v, err := p.tuple(func(string) []string { return nil })
	if err != nil {
		return err
	}
	p.st.item = *v.M
	return nil
}

func (p *pqParser) updateStmt() *apiError {
	p.pos++
	if err := p.tableRef(false); err != nil {
		return err
	}
	for p.isWord("SET") || p.isWord("REMOVE") {
		set := strings.EqualFold(p.next().text, "SET")
		for {
			path, err := p.path()
			if err != nil {
				return err
			}
			if !set {
				p.st.removes = append(p.st.removes, path.text)
			} else if err := p.assignment(path); err != nil {
				return err
			}
			if !p.isSym(",") {
				break
			}
			p.pos++
		}
	}
	if len(p.st.sets)+len(p.st.adds)+len(p.st.dels)+len(p.st.removes) == 0 {
		return p.unexpected("expected SET or REMOVE")
	}
	return p.whereClause()
}

func (p *pqParser) deleteStmt() *apiError {
	p.pos++
	if err := p.expectWord("FROM"); err != nil {
		return err
	}
	if err := p.tableRef(false); err != nil {
		return err
	}
	return p.whereClause()
}

func (p *pqParser) whereClause() *apiError {
	if err := p.expectWord("WHERE"); err != nil {
		return err
	}
	var err *apiError
	p.st.where, err = p.or()
	return err
}

// assignment reads "= value" after a SET path: set_add(path, set) and
// set_delete(path, set) become ADD and DELETE actions, anything else a SET.
func (p *pqParser) assignment(path pqPath) *apiError {
	if err := p.expectSym("="); err != nil {
		return err
	}
	if t := p.peek(); t.kind == pqIdent && p.toks[p.pos+1].text == "(" {
		fn := strings.ToLower(t.text)
		if fn == "set_add" || fn == "set_delete" {
			p.pos += 2
			first, err := p.path()
			if err != nil {
				return err
			}
			if first.text != path.text {
				return validationf("The first argument to %s must equal the assignment value", strings.ToUpper(fn))
			}
			if err := p.expectSym(","); err != nil {
				return err
			}
			v, err := p.operand()
			if err != nil {
				return err
			}
			if err := p.expectSym(")"); err != nil {
				return err
			}
			if fn == "set_add" {
				p.st.adds = append(p.st.adds, path.text+" "+v.text)
			} else {
				p.st.dels = append(p.st.dels, path.text+" "+v.text)
			}
			return nil
		}
	}
	v, err := p.setValue()
	if err != nil {
		return err
	}
	p.st.sets = append(p.st.sets, path.text+" = "+v)
	return nil
}

// setValue is operand [(+|-) operand] or list_append(operand, operand),
// rendered.
func (p *pqParser) setValue() (string, *apiError) {
	if t := p.peek(); t.kind == pqIdent && strings.EqualFold(t.text, "list_append") && p.toks[p.pos+1].text == "(" {
		p.pos += 2
		a, err := p.operand()
		if err != nil {
			return "", err
		}
		if err := p.expectSym(","); err != nil {
			return "", err
		}
		b, err := p.operand()
		if err != nil {
			return "", err
		}
		return "list_append(" + a.text + ", " + b.text + ")", p.expectSym(")")
	}
	a, err := p.operand()
	if err != nil {
		return "", err
	}
	if p.isSym("+") || p.isSym("-") {
		op := p.next().text
		b, err := p.operand()
		if err != nil {
			return "", err
		}
		return a.text + " " + op + " " + b.text, nil
	}
	return a.text, nil
}

// tableRef reads "table" or, for SELECT, "table"."index".
func (p *pqParser) tableRef(allowIndex bool) *apiError {
	name, err := p.name()
	if err != nil {
		return err
	}
	p.st.table = name
	if allowIndex && p.isSym(".") {
		p.pos++
		if p.st.index, err = p.name(); err != nil {
			return err
		}
	}
	return nil
}

func (p *pqParser) name() (string, *apiError) {
	t := p.peek()
	if t.kind != pqIdent && t.kind != pqQuoted {
		return "", p.unexpected("expected a name")
	}
	p.pos++
	return t.text, nil
}

// path reads name ( .name | [n] )* and renders it with name placeholders.
func (p *pqParser) path() (pqPath, *apiError) {
	var out pqPath
	var text, label strings.Builder
	for {
		name, err := p.name()
		if err != nil {
			return out, err
		}
		if len(out.elems) > 0 {
			text.WriteByte('.')
		}
		text.WriteString(p.st.placeholder(name))
		out.elems = append(out.elems, pathElem{name: name, idx: -1})
		label.Reset()
		label.WriteString(name)
		for p.isSym("[") {
			p.pos++
			t := p.next()
			n, cerr := strconv.Atoi(t.text)
			if t.kind != pqNumber || cerr != nil || n < 0 {
				return out, pqUnsupported("a list index must be a non-negative integer")
			}
			if err := p.expectSym("]"); err != nil {
				return out, err
			}
			text.WriteString("[" + t.text + "]")
			label.WriteString("[" + t.text + "]")
			out.elems = append(out.elems, pathElem{idx: n})
		}
		if !p.isSym(".") {
			break
		}
		p.pos++
	}
	out.text, out.label = text.String(), label.String()
	return out, nil
}

// placeholder returns the name placeholder of an attribute name.
func (st *pqStatement) placeholder(name string) string {
	if ph, ok := st.nameOf[name]; ok {
		return ph
	}
	ph := "#p" + strconv.Itoa(len(st.nameOf))
	st.nameOf[name] = ph
	st.names[ph] = name
	return ph
}

// value stores v under a new value placeholder.
func (st *pqStatement) value(v wireValue) string {
	ph := ":p" + strconv.Itoa(len(st.values))
	st.values[ph] = v
	return ph
}
