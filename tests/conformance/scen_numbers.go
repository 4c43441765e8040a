package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func numberScenarios() []Scenario {
	const t = "conf_numbers"
	steps := []Step{create(table(t, "S", ""))}
	canonical := []string{"1.50", "0001", "-0", "0.0", "1e2", "1E+2", "1.5e-3", "-1.2300", "+7", ".5", "5.",
		"12345678901234567890123456789012345678", "1234567890123456789012345678901234567800000",
		"0.000000000000000000000000000000000001", "9.9999999999999999999999999999999999999E+125", "1E-130", "-1E-130",
		"-9.9999999999999999999999999999999999999E+125", "100", "3.14159265358979323846264338327950288"}
	for i, n := range canonical {
		pk := "n" + itoaC(i)
		steps = append(steps,
			put("put "+n, t, I("pk", S(pk), "v", N(n))),
			get("get "+n, t, I("pk", S(pk))))
	}
	invalid := []string{"1E126", "1E-131", "123456789012345678901234567890123456789", "abc", "", "1e", "--1", "1.2.3", " 1", "0x10", "Infinity", "NaN"}
	for _, n := range invalid {
		steps = append(steps, put("put invalid "+n, t, I("pk", S("bad"), "v", N(n))))
	}
	// Arithmetic stays exact at 38 digits.
	steps = append(steps,
		put("put counter", t, I("pk", S("c"), "v", N("99999999999999999999999999999999999998"))),
		call("add one at 38 digits", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("c")),
			UpdateExpression: str("ADD v :one"), ExpressionAttributeValues: I(":one", N("1")), ReturnValues: "UPDATED_NEW"}),
		call("add one more overflows digits", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("c")),
			UpdateExpression: str("ADD v :one"), ExpressionAttributeValues: I(":one", N("1")), ReturnValues: "UPDATED_NEW"}),
		call("set decimal arithmetic", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("d")),
			UpdateExpression: str("SET v = :a + :b, w = :a - :c"), ExpressionAttributeValues: I(":a", N("0.1"), ":b", N("0.2"), ":c", N("10.1")), ReturnValues: "ALL_NEW"}),
		call("subtract to tiny", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("d")),
			UpdateExpression: str("SET v = :a - :b"), ExpressionAttributeValues: I(":a", N("1"), ":b", N("0.99999999999999999999999999999999999999")), ReturnValues: "UPDATED_NEW"}),
		call("number equality is numeric", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("n0")), ProjectionExpression: str("v")}),
		call("condition compares numerically", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("n0"), "v", N("2")),
			ConditionExpression: str("v = :x AND v < :y"), ExpressionAttributeValues: I(":x", N("1.5000"), ":y", N("10"))}),
	)
	// Ordering: numbers sort numerically, binaries unsigned bytewise, strings by UTF-8 bytes.
	const o = "conf_order"
	steps2 := []Step{create(table(o, "S", "N"))}
	for i, n := range []string{"10", "9", "-1", "-10", "0", "0.5", "1e3", "-0.001", "123456789012345678901234567890", "-1e125"} {
		steps2 = append(steps2, put("put n "+itoaC(i), o, I("pk", S("p"), "sk", N(n))))
	}
	steps2 = append(steps2,
		queryPK("query numeric order", o, S("p")),
		call("query numeric descending", (*dynamodb.Client).Query, &dynamodb.QueryInput{TableName: str(o), KeyConditionExpression: str("pk = :p AND sk BETWEEN :a AND :b"),
			ExpressionAttributeValues: I(":p", S("p"), ":a", N("-1"), ":b", N("10")), ScanIndexForward: boolp(false)}),
	)
	const ob = "conf_order_b"
	steps2 = append(steps2, create(table(ob, "S", "B")))
	for i, b := range [][]byte{{0xff}, {0x00}, {0x7f}, {0x80}, {0x00, 0x00}, {0x01}, {0x80, 0x01}} {
		steps2 = append(steps2, put("put b "+itoaC(i), ob, I("pk", S("p"), "sk", B(b...))))
	}
	steps2 = append(steps2, queryPK("query binary order", ob, S("p")),
		call("query binary greater than 0x7f", (*dynamodb.Client).Query, &dynamodb.QueryInput{TableName: str(ob), KeyConditionExpression: str("pk = :p AND sk > :b"),
			ExpressionAttributeValues: I(":p", S("p"), ":b", B(0x7f))}))
	const os = "conf_order_s"
	steps2 = append(steps2, create(table(os, "S", "S")))
	for i, s := range []string{"b", "a", "B", "ä", "z", "aa", "日本", "\u00ff", "~", "a b"} {
		steps2 = append(steps2, put("put s "+itoaC(i), os, I("pk", S("p"), "sk", S(s))))
	}
	steps2 = append(steps2, queryPK("query string order", os, S("p")),
		call("query begins_with a", (*dynamodb.Client).Query, &dynamodb.QueryInput{TableName: str(os), KeyConditionExpression: str("pk = :p AND begins_with(sk, :a)"),
			ExpressionAttributeValues: I(":p", S("p"), ":a", S("a"))}))
	return []Scenario{
		{Name: "numbers", Tables: []string{t}, Steps: steps},
		{Name: "ordering", Tables: []string{o, ob, os}, Steps: steps2},
	}
}

func itoaC(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoaC(i/10) + string(rune('0'+i%10))
}

func boolp(b bool) *bool { return &b }

var _ = strings.Repeat
