package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func typeScenarios() []Scenario {
	const t = "conf_types"
	steps := []Step{create(table(t, "S", ""))}
	values := []struct {
		name string
		v    AV
	}{
		{"S", S("hello")}, {"S empty", S("")}, {"S unicode", S("héllo ✓ 日本")},
		{"N", N("42")}, {"B", B(0, 1, 2, 255)}, {"B empty", B()},
		{"BOOL true", BOOL(true)}, {"BOOL false", BOOL(false)}, {"NULL", NULL()},
		{"SS", SS("b", "a", "c")}, {"NS", NS("3", "1.50", "-2")}, {"BS", BS([]byte{2}, []byte{1})},
		{"L", L(S("x"), N("1"), L(), M())}, {"L empty", L()}, {"M", M("a", S("x"), "b", M("c", L(N("1"))))}, {"M empty", M()},
		{"SS with empty string", SS("", "a")},
	}
	for _, v := range values {
		steps = append(steps,
			put("put "+v.name, t, I("pk", S(v.name), "v", v.v)),
			get("get "+v.name, t, I("pk", S(v.name))))
	}
	invalid := []struct {
		name string
		v    AV
	}{
		{"SS empty", SS()}, {"NS empty", NS()}, {"BS empty", BS()},
		{"SS duplicates", SS("a", "a")}, {"NS duplicates", NS("1", "1")}, {"NS numeric duplicates", NS("1", "1.0")},
		{"NULL false", &nullFalse}, {"nested empty set", M("x", SS())},
	}
	for _, v := range invalid {
		steps = append(steps, put("put invalid "+v.name, t, I("pk", S("bad"), "v", v.v)))
	}
	steps = append(steps,
		put("key empty string", t, I("pk", S(""))),
		put("key wrong type", t, I("pk", N("1"))),
		put("key missing", t, I("other", S("x"))),
		get("get key wrong type", t, I("pk", N("1"))),
		get("get key extra attribute", t, I("pk", S("S"), "x", S("y"))),
		get("get key empty string", t, I("pk", S(""))),
		get("get missing item", t, I("pk", S("absent"))),
		put("item at size limit", t, I("pk", S("big"), "data", S(strings.Repeat("x", 400*1024-3-4-4)))),
		get("get item at size limit projected", t, I("pk", S("big"))),
		put("item over size limit", t, I("pk", S("big2"), "data", S(strings.Repeat("x", 400*1024)))),
		call("get with projection of nested paths", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("M")),
			ProjectionExpression: str("v.b.c[0], v.a, nope")}),
		call("get with projection of list elements", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("L")),
			ProjectionExpression: str("v[2], v[0], v[9]")}),
	)
	// The size-limit item's body is large: drop it from goldens by projecting.
	for i, s := range steps {
		if s.Name == "get item at size limit projected" {
			steps[i] = call(s.Name, (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("big")), ProjectionExpression: str("pk")})
		}
	}
	return []Scenario{{Name: "types", Tables: []string{t}, Steps: steps}}
}
