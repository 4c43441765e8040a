package memdb

import "strings"

// Projection and update expressions, parsed by the same parser as conditions.

// ---- projection ----

func parseProjection(ctx *exprCtx, src string) ([]docPath, *apiError) {
	p, err := newParser(ctx, "ProjectionExpression", src)
	if err != nil {
		return nil, err
	}
	var out []docPath
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		out = append(out, path)
		if p.isSym(",") {
			p.pos++
			continue
		}
		if err := p.expectEOF(); err != nil {
			return nil, err
		}
		break
	}
	if err := checkOverlaps(p, out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkOverlaps refuses two paths of which one is a prefix of the other
// (overlap), then two that go through one element as a map and as a list
// (conflict), as DynamoDB does.
func checkOverlaps(p *parser, paths []docPath) *apiError {
	for _, conflicts := range []bool{false, true} {
		for i := range paths {
			for j := 0; j < i; j++ {
				a, b := paths[j], paths[i]
				switch relation(a, b) {
				case pathsOverlap:
					if !conflicts {
						return p.fail("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
					}
				case pathsConflict:
					if conflicts {
						return p.fail("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
					}
				}
			}
		}
	}
	return nil
}

const (
	pathsApart = iota
	pathsOverlap
	pathsConflict
)

func relation(a, b docPath) int {
	for k := 0; k < min(len(a), len(b)); k++ {
		if a[k] != b[k] {
			if (a[k].idx >= 0) != (b[k].idx >= 0) {
				return pathsConflict
			}
			return pathsApart
		}
	}
	return pathsOverlap
}

// ---- update ----

func parseUpdate(ctx *exprCtx, src string) (*updateExpr, *apiError) {
	p, err := newParser(ctx, "UpdateExpression", src)
	if err != nil {
		return nil, err
	}
	u := &updateExpr{}
	seen := map[string]bool{}
	var all []docPath
	for p.peek().kind != tkEOF {
		t := p.peek()
		if t.kind != tkIdent {
			return nil, p.syntaxErr()
		}
		clause := strings.ToUpper(t.text)
		switch clause {
		case "SET", "REMOVE", "ADD", "DELETE":
		default:
			return nil, p.syntaxErr()
		}
		if seen[clause] {
			return nil, p.fail("The \"%s\" section can only be used once in an update expression;", clause)
		}
		seen[clause] = true
		p.pos++
		for {
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			a := updateAction{path: path}
			switch clause {
			case "SET":
				if err := p.expectSym("="); err != nil {
					return nil, err
				}
				if a.val, err = p.setValue(); err != nil {
					return nil, err
				}
				u.set = append(u.set, a)
			case "REMOVE":
				u.remove = append(u.remove, a)
			case "ADD", "DELETE":
				if p.peek().kind != tkValue {
					return nil, p.syntaxErr()
				}
				if a.val, err = p.operand(true); err != nil {
					return nil, err
				}
				if clause == "ADD" {
					u.add = append(u.add, a)
				} else {
					u.del = append(u.del, a)
				}
			}
			all = append(all, path)
			if p.isSym(",") {
				p.pos++
				continue
			}
			break
		}
	}
	if len(all) == 0 {
		return nil, p.syntaxErr()
	}
	if err := checkOverlaps(p, all); err != nil {
		return nil, err
	}
	u.nestedKeys, ctx.updateNestedKeys = ctx.nestedKeyErr(ctx.updateNestedKeys), nil
	return u, nil
}

func (p *parser) setValue() (*operand, *apiError) {
	l, err := p.operand(true)
	if err != nil {
		return nil, err
	}
	if p.isSym("+") || p.isSym("-") {
		k := opPlus
		if p.next().text == "-" {
			k = opMinus
		}
		r, err := p.operand(true)
		if err != nil {
			return nil, err
		}
		for _, a := range []*operand{l, r} {
			if a.kind == opValue && a.val.t != tN {
				sym := "+"
				if k == opMinus {
					sym = "-"
				}
				return nil, p.fail("Incorrect operand type for operator or function; operator or function: %s, operand type: %s", sym, a.val.t)
			}
		}
		return &operand{kind: k, args: []*operand{l, r}}, nil
	}
	return l, nil
}
