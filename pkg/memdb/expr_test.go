package memdb

import (
	"strings"
	"testing"
)

func ctxWith(values map[string]*value, names map[string]string) *exprCtx {
	return &exprCtx{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

func TestParseConditionPrecedence(t *testing.T) {
	one := numValue(decimal{digits: "1", exp: 1})
	ctx := ctxWith(map[string]*value{":v": one}, map[string]string{"#n": "name"})
	c, err := parseCondition(ctx, "ConditionExpression", "a = :v OR b = :v AND NOT #n.x[2] = :v")
	if err != nil {
		t.Fatal(err)
	}
	if c.kind != cOr || c.kids[1].kind != cAnd || c.kids[1].kids[1].kind != cNot {
		t.Fatalf("precedence: %+v", c)
	}
	p := c.kids[1].kids[1].kids[0].args[0].path
	if p.String() != "[name, x, [2]]" {
		t.Errorf("path %s", p)
	}
	if err := ctx.checkParsed(); err != nil {
		t.Error(err)
	}
}

func TestParseErrors(t *testing.T) {
	one := numValue(decimal{digits: "1", exp: 1})
	for expr, want := range map[string]string{
		"":                       "The expression can not be empty;",
		"name = :v":              "Attribute name is a reserved keyword; reserved keyword: name",
		"a = :nope":              "An expression attribute value used in expression is not defined; attribute value: :nope",
		"#x = :v":                "An expression attribute name used in the document path is not defined; attribute name: #x",
		"a = = :v":               `Syntax error; token: "=", near: "= = :v"`,
		"foo(a)":                 "Invalid function name; function: foo",
		"size(a)":                "The function is not allowed to be used this way in an expression; function: size",
		"attribute_exists(a, b)": "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2",
	} {
		_, err := parseCondition(ctxWith(map[string]*value{":v": one}, nil), "ConditionExpression", expr)
		if err == nil || !strings.Contains(err.msg, want) {
			t.Errorf("%q: got %v, want %q", expr, err, want)
		}
	}
}

func TestParseUpdate(t *testing.T) {
	one := numValue(decimal{digits: "1", exp: 1})
	ctx := ctxWith(map[string]*value{":v": one, ":l": {t: tL}}, nil)
	u, err := parseUpdate(ctx, "SET a = a + :v, l = list_append(if_not_exists(l, :l), :l) REMOVE b[1] ADD c :v")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.set) != 2 || len(u.remove) != 1 || len(u.add) != 1 {
		t.Fatalf("%+v", u)
	}
	for expr, want := range map[string]string{
		"SET a = :v SET b = :v": `The "SET" section can only be used once`,
		"SET a = :v, a.b = :v":  "Two document paths overlap",
		"SET a = size(b)":       "The function is not allowed in an update expression; function: size",
		"SET a = :l + :v":       "Incorrect operand type for operator or function; operator or function: +, operand type: L",
		"ADD a b":               "Syntax error",
	} {
		_, err := parseUpdate(ctxWith(map[string]*value{":v": one, ":l": {t: tL}}, nil), expr)
		if err == nil || !strings.Contains(err.msg, want) {
			t.Errorf("%q: got %v, want %q", expr, err, want)
		}
	}
}

func TestApplyUpdateReadsOldItem(t *testing.T) {
	one := numValue(decimal{digits: "1", exp: 1})
	two := numValue(decimal{digits: "2", exp: 1})
	u, err := parseUpdate(ctxWith(nil, nil), "SET x = y, y = x")
	if err != nil {
		t.Fatal(err)
	}
	out, aerr := applyUpdate(item{"x": one, "y": two}, u, nil)
	if aerr != nil || out["x"] != two || out["y"] != one {
		t.Fatalf("swap: %v %v", out, aerr)
	}
}
