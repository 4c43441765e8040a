package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
)

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func TestParseOp(t *testing.T) {
	for in, want := range map[string]Op{"=": Eq, "<>": Ne, "!=": Ne, "between": Between, "in": In,
		"begins_with": BeginsWith, "Contains": Contains, "not_contains": NotContains, "exists": Exists,
		"NOT_EXISTS": NotExists, "attribute_type": AttributeType, "size>": SizeGt, "SIZE <=": SizeLe} {
		got, err := ParseOp(in)
		if err != nil || got != want {
			t.Errorf("ParseOp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseOp("LIKE"); !errors.Is(err, errs.ErrValidation) || !strings.Contains(err.Error(), "LIKE") {
		t.Errorf("ParseOp(LIKE) error = %v", err)
	}
}

func TestConditionsShareOneAllocator(t *testing.T) {
	var b Builder
	cases := []struct {
		c    Cond
		want string
	}{
		{Cond{Path: []string{"status"}, Op: Eq, Values: []types.AttributeValue{s("a")}}, "#n0 = :v0"},
		{Cond{Path: []string{"status"}, Op: Ne, Values: []types.AttributeValue{s("b")}}, "#n0 <> :v1"},
		{Cond{Path: []string{"n"}, Op: Between, Values: []types.AttributeValue{n("1"), n("2")}}, "#n1 BETWEEN :v2 AND :v3"},
		{Cond{Path: []string{"n"}, Op: In, Values: []types.AttributeValue{n("1"), n("2")}}, "#n1 IN (:v4, :v5)"},
		{Cond{Path: []string{"data-1"}, Op: BeginsWith, Values: []types.AttributeValue{s("x")}}, "begins_with(#n2, :v6)"},
		{Cond{Path: []string{"tags"}, Op: NotContains, Values: []types.AttributeValue{s("x")}}, "NOT contains(#n3, :v7)"},
		{Cond{Path: []string{"a", "b", "[2]"}, Op: Exists}, "attribute_exists(#n4.#n5[2])"},
		{Cond{Path: []string{"tags"}, Op: SizeGe, Values: []types.AttributeValue{n("3")}}, "size(#n3) >= :v8"},
		{Cond{Path: []string{"x"}, Op: AttributeType, Values: []types.AttributeValue{s("S")}}, "attribute_type(#n6, :v9)"},
	}
	for _, c := range cases {
		got, err := b.Condition(c.c)
		if err != nil || got != c.want {
			t.Errorf("Condition(%v) = %q, %v; want %q", c.c, got, err, c.want)
		}
	}
	if len(b.Names()) != 7 || len(b.Values()) != 10 {
		t.Errorf("names %v values %d", b.Names(), len(b.Values()))
	}
	if b.Names()["#n2"] != "data-1" {
		t.Errorf("#n2 = %q", b.Names()["#n2"])
	}
}

func TestArityErrors(t *testing.T) {
	var b Builder
	for _, c := range []Cond{
		{Path: []string{"a"}, Op: Between, Values: []types.AttributeValue{n("1")}},
		{Path: []string{"a"}, Op: In},
		{Path: []string{"a"}, Op: Eq},
	} {
		if _, err := b.Condition(c); !errors.Is(err, errs.ErrValidation) {
			t.Errorf("Condition(%v) error = %v", c, err)
		}
	}
}

func TestRenderTree(t *testing.T) {
	var b Builder
	leaf := func(name string, or bool) Node {
		return Node{Or: or, Cond: &Cond{Path: []string{name}, Op: Exists}}
	}
	tree := Node{Children: []Node{
		leaf("a", false),
		{Or: true, Children: []Node{leaf("b", false), leaf("c", true)}},
		leaf("d", false),
	}}
	got, err := b.Render(tree)
	want := "attribute_exists(#n0) OR (attribute_exists(#n1) OR attribute_exists(#n2)) AND attribute_exists(#n3)"
	if err != nil || got != want {
		t.Fatalf("Render = %q, %v\nwant %q", got, err, want)
	}
	if got, _ := b.Render(Node{}); got != "" {
		t.Errorf("empty tree = %q", got)
	}
}

func TestRewrite(t *testing.T) {
	var b Builder
	b.Value(n("0")) // an earlier placeholder must not collide
	resolve := func(name string) string { return map[string]string{"Status": "status"}[name] + "" }
	got, err := b.Rewrite("#Status = :s AND :v0 > :lim", func(x string) string {
		if r := resolve(x); r != "" {
			return r
		}
		return x
	}, map[string]types.AttributeValue{"s": s("ok"), "v0": n("1"), "lim": n("2")})
	if err != nil {
		t.Fatal(err)
	}
	if got != "#n0 = :v1 AND :v2 > :v3" || b.Names()["#n0"] != "status" {
		t.Errorf("Rewrite = %q names %v", got, b.Names())
	}
	if _, err := b.Rewrite("#a = :missing", func(x string) string { return x }, nil); !errors.Is(err, errs.ErrValidation) {
		t.Errorf("missing value error = %v", err)
	}
	if _, err := b.Rewrite("#a = :x", func(x string) string { return x }, map[string]types.AttributeValue{"x": s("1"), "unused": s("2")}); err == nil || !strings.Contains(err.Error(), "unused") {
		t.Errorf("unused value error = %v", err)
	}
}

func TestUpdateClauseOrder(t *testing.T) {
	var u Update
	u.Add("#c", ":v2")
	u.Remove("#b")
	u.Set("#a", ":v0")
	u.Delete("#d", ":v3")
	u.Set("#e", ":v1")
	if got, want := u.String(), "SET #a = :v0, #e = :v1 REMOVE #b ADD #c :v2 DELETE #d :v3"; got != want {
		t.Errorf("Update = %q, want %q", got, want)
	}
}

// DynamoDB rejects redundant parentheses ("((a OR b))"), so And and Render
// never wrap an expression that one pair already encloses.
func TestNoRedundantParentheses(t *testing.T) {
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{[]string{"a", "(b OR c)"}, "(a) AND (b OR c)"},
		{[]string{"(b OR c)"}, "(b OR c)"},
		{[]string{"(a) OR (b)", "c"}, "((a) OR (b)) AND (c)"},
		{[]string{"x", "(a OR b) AND (c)"}, "(x) AND ((a OR b) AND (c))"},
		{[]string{"", "f(a)", ""}, "f(a)"},
	} {
		if got := And(c.parts...); got != c.want {
			t.Errorf("And(%q) = %q; want %q", c.parts, got, c.want)
		}
	}
	eq := func(name string) Node {
		return Node{Cond: &Cond{Path: []string{name}, Op: Exists}}
	}
	or := eq("b")
	or.Or = true
	// A group whose second child renders empty still holds one parenthesised group.
	tree := Node{Children: []Node{eq("x"), {Children: []Node{{Children: []Node{eq("a"), or}}, {Children: nil}}}}}
	var b Builder
	got, err := b.Render(tree)
	if err != nil || got != "attribute_exists(#n0) AND (attribute_exists(#n1) OR attribute_exists(#n2))" {
		t.Errorf("Render = %q, %v", got, err)
	}
}
