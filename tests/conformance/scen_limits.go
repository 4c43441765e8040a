package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func limitScenarios() []Scenario {
	const t = "conf_limits"
	long := strings.Repeat("a = :v OR ", 420) + "a = :v"
	return []Scenario{{Name: "limits", Tables: []string{t}, Steps: []Step{
		create(table(t, "S", "S")),
		put("partition key of 2048 bytes", t, I("pk", S(strings.Repeat("p", 2048)), "sk", S("s"))),
		put("partition key of 2049 bytes", t, I("pk", S(strings.Repeat("p", 2049)), "sk", S("s"))),
		put("sort key of 1024 bytes", t, I("pk", S("p"), "sk", S(strings.Repeat("s", 1024)))),
		put("sort key of 1025 bytes", t, I("pk", S("p"), "sk", S(strings.Repeat("s", 1025)))),
		call("condition expression over 4KB", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("p"), "sk", S("x")),
			ConditionExpression: str(long), ExpressionAttributeValues: I(":v", S("x"))}),
		call("in with 100 operands", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("p"), "sk", S("x")),
			ConditionExpression: str("a IN (" + strings.TrimSuffix(strings.Repeat(":v, ", 100), ", ") + ")"), ExpressionAttributeValues: I(":v", S("x"))}),
		call("in with 101 operands", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("p"), "sk", S("x")),
			ConditionExpression: str("a IN (" + strings.TrimSuffix(strings.Repeat(":v, ", 101), ", ") + ")"), ExpressionAttributeValues: I(":v", S("x"))}),
		call("list tables limit 0", (*dynamodb.Client).ListTables, &dynamodb.ListTablesInput{Limit: i32(0)}),
		call("list tables limit 101", (*dynamodb.Client).ListTables, &dynamodb.ListTablesInput{Limit: i32(101)}),
	}}}
}
