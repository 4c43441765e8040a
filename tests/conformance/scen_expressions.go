package conformance

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// condPut is a conditional PutItem that rewrites the fixture item unchanged.
func condPut(name, tbl string, it Item, cond string, names map[string]string, values Item) Step {
	in := &dynamodb.PutItemInput{TableName: str(tbl), Item: it, ConditionExpression: str(cond)}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		in.ExpressionAttributeValues = values
	}
	return call(name, (*dynamodb.Client).PutItem, in)
}

func expressionScenarios() []Scenario {
	const t = "conf_expr"
	fixture := I("pk", S("x"), "s", S("hello world"), "n", N("10"), "b", B(1, 2, 3), "t", BOOL(true), "z", NULL(),
		"ss", SS("a", "b"), "ns", NS("1", "2"), "l", L(S("a"), N("1"), M("k", S("v"))), "m", M("a", M("b", N("5")), "list", L(N("7"))),
		"size", N("3"), "dash-name", S("d"))
	steps := []Step{create(table(t, "S", "")), put("put fixture", t, fixture)}
	conds := []struct {
		name, expr string
		names      map[string]string
		values     Item
	}{
		{"exists", "attribute_exists(s)", nil, nil},
		{"not exists false", "attribute_not_exists(s)", nil, nil},
		{"not exists missing", "attribute_not_exists(nope)", nil, nil},
		{"exists nested", "attribute_exists(m.a.b)", nil, nil},
		{"exists list element", "attribute_exists(l[2].k)", nil, nil},
		{"exists list out of range", "attribute_exists(l[5])", nil, nil},
		{"equal string", "s = :v", nil, I(":v", S("hello world"))},
		{"equal number numeric", "n = :v", nil, I(":v", N("10.0"))},
		{"not equal", "n <> :v", nil, I(":v", N("11"))},
		{"not equal on missing attribute", "nope <> :v", nil, I(":v", N("11"))},
		{"less than", "n < :v", nil, I(":v", N("9"))},
		{"less equal", "n <= :v", nil, I(":v", N("10"))},
		{"greater", "n > :v", nil, I(":v", N("-3"))},
		{"greater equal string", "s >= :v", nil, I(":v", S("hello"))},
		{"compare mismatched types", "n < :v", nil, I(":v", S("20"))},
		{"compare binary", "b < :v", nil, I(":v", B(1, 2, 4))},
		{"between", "n BETWEEN :a AND :b", nil, I(":a", N("1"), ":b", N("10"))},
		{"between outside", "n BETWEEN :a AND :b", nil, I(":a", N("11"), ":b", N("20"))},
		{"in", "n IN (:a, :b)", nil, I(":a", N("1"), ":b", N("10"))},
		{"in none", "s IN (:a)", nil, I(":a", S("x"))},
		{"begins_with", "begins_with(s, :p)", nil, I(":p", S("hell"))},
		{"begins_with binary", "begins_with(b, :p)", nil, I(":p", B(1, 2))},
		{"contains substring", "contains(s, :p)", nil, I(":p", S("o w"))},
		{"contains set", "contains(ss, :p)", nil, I(":p", S("b"))},
		{"contains number set", "contains(ns, :p)", nil, I(":p", N("2.0"))},
		{"contains list", "contains(l, :p)", nil, I(":p", N("1"))},
		{"contains list map", "contains(l, :p)", nil, I(":p", M("k", S("v")))},
		{"size string", "size(s) = :v", nil, I(":v", N("11"))},
		{"size set", "size(ss) = :v", nil, I(":v", N("2"))},
		{"size list", "size(l) > :v", nil, I(":v", N("2"))},
		{"size map", "size(m) = :v", nil, I(":v", N("2"))},
		{"size binary", "size(b) = :v", nil, I(":v", N("3"))},
		{"size of number", "size(n) = :v", nil, I(":v", N("2"))},
		{"attribute_type S", "attribute_type(s, :t)", nil, I(":t", S("S"))},
		{"attribute_type NULL", "attribute_type(z, :t)", nil, I(":t", S("NULL"))},
		{"attribute_type mismatch", "attribute_type(n, :t)", nil, I(":t", S("S"))},
		{"and or precedence", "n = :a OR n = :b AND s = :c", nil, I(":a", N("10"), ":b", N("1"), ":c", S("no"))},
		{"parentheses", "(n = :a OR n = :b) AND s = :c", nil, I(":a", N("10"), ":b", N("1"), ":c", S("no"))},
		{"not", "NOT n = :a", nil, I(":a", N("10"))},
		{"lowercase keywords", "n between :a and :b and not attribute_exists(nope)", nil, I(":a", N("1"), ":b", N("10"))},
		{"names placeholder", "#d = :v AND #s = :n", Names("#d", "dash-name", "#s", "size"), I(":v", S("d"), ":n", N("3"))},
		{"nested placeholder path", "#m.#a.b = :v", Names("#m", "m", "#a", "a"), I(":v", N("5"))},
		{"nested list path", "m.#l[0] = :v", Names("#l", "list"), I(":v", N("7"))},
		{"map equality", "m.a = :v", nil, I(":v", M("b", N("5")))},
		{"bool and null equality", "t = :t AND z = :z", nil, I(":t", BOOL(true), ":z", NULL())},
		{"set equality unordered", "ss = :v", nil, I(":v", SS("b", "a"))},
		{"path to path", "n = size", nil, nil},
	}
	for _, c := range conds {
		steps = append(steps, condPut("cond "+c.name, t, fixture, c.expr, c.names, c.values))
	}
	errs := []struct {
		name, expr string
		names      map[string]string
		values     Item
	}{
		{"reserved word", "size = :v", nil, I(":v", N("1"))},
		{"reserved word lowercase", "name = :v", nil, I(":v", N("1"))},
		{"undefined value", "n = :nope", nil, I(":v", N("1"))},
		{"undefined name", "#nope = :v", nil, I(":v", N("1"))},
		{"unused value", "n = :v", nil, I(":v", N("1"), ":w", N("2"))},
		{"unused name", "n = :v", Names("#a", "a"), I(":v", N("1"))},
		{"syntax error", "n = = :v", nil, I(":v", N("1"))},
		{"trailing and", "n = :v AND", nil, I(":v", N("1"))},
		{"empty expression", "", nil, nil},
		{"unknown function", "foo(n)", nil, nil},
		{"size as condition", "size(s)", nil, nil},
		{"wrong arity", "attribute_exists(n, s)", nil, nil},
		{"attribute_type bad type", "attribute_type(n, :t)", nil, I(":t", S("X"))},
		{"between reversed", "n BETWEEN :a AND :b", nil, I(":a", N("10"), ":b", N("1"))},
		{"begins_with number operand", "begins_with(s, :v)", nil, I(":v", N("1"))},
		{"illegal character", "n = :v ; ", nil, I(":v", N("1"))},
		{"function as operand", "attribute_exists(n) = :v", nil, I(":v", N("1"))},
		{"update function in condition", "if_not_exists(n, :v) = :v", nil, I(":v", N("1"))},
	}
	for _, e := range errs {
		steps = append(steps, condPut("error "+e.name, t, fixture, e.expr, e.names, e.values))
	}
	steps = append(steps,
		call("names without expression", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: fixture, ExpressionAttributeNames: Names("#a", "a")}),
		call("values without expression", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: fixture, ExpressionAttributeValues: I(":a", S("a"))}),
		call("empty values map", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: fixture, ConditionExpression: str("attribute_exists(pk)"), ExpressionAttributeValues: Item{}}),
		call("invalid value in values", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: fixture, ConditionExpression: str("n = :v"), ExpressionAttributeValues: I(":v", SS())}),
		call("projection reserved word", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("x")), ProjectionExpression: str("s, size")}),
		call("projection overlap", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("x")), ProjectionExpression: str("m, m.a")}),
		call("projection unused name", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("x")), ProjectionExpression: str("s"), ExpressionAttributeNames: Names("#x", "x")}),
		call("projection with names", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("x")), ProjectionExpression: str("#s, m.a.b, l[2]"), ExpressionAttributeNames: Names("#s", "size")}),
		call("condition on missing item", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("absent")), ConditionExpression: str("attribute_exists(pk)")}),
		call("condition passes on missing item", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("absent")), ConditionExpression: str("attribute_not_exists(pk)")}),
	)
	return []Scenario{{Name: "expressions", Tables: []string{t}, Steps: steps}}
}
