package conformance

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func putReq(it Item) types.WriteRequest {
	return types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
}
func delReq(k Item) types.WriteRequest {
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
}

func bw(name string, items map[string][]types.WriteRequest) Step {
	return call(name, (*dynamodb.Client).BatchWriteItem, &dynamodb.BatchWriteItemInput{RequestItems: items})
}

func bg(name string, items map[string]types.KeysAndAttributes) Step {
	return unordered(call(name, (*dynamodb.Client).BatchGetItem, &dynamodb.BatchGetItemInput{RequestItems: items}))
}

func batchScenarios() []Scenario {
	const a, b = "conf_batch_a", "conf_batch_b"
	var puts []types.WriteRequest
	for i := 0; i < 20; i++ {
		puts = append(puts, putReq(I("pk", S("k"+itoaC(i)), "n", N(itoaC(i)))))
	}
	var many []types.WriteRequest
	var manyKeys []Item
	for i := 0; i < 26; i++ {
		many = append(many, putReq(I("pk", S("m"+itoaC(i)))))
	}
	for i := 0; i < 101; i++ {
		manyKeys = append(manyKeys, I("pk", S("m"+itoaC(i))))
	}
	steps := []Step{
		create(table(a, "S", "")),
		create(table(b, "N", "")),
		bw("batch put 20 + 2", map[string][]types.WriteRequest{a: puts, b: {putReq(I("pk", N("1"), "x", S("one"))), putReq(I("pk", N("2")))}}),
		bg("batch get across tables", map[string]types.KeysAndAttributes{
			a: {Keys: []Item{I("pk", S("k1")), I("pk", S("k2")), I("pk", S("nope"))}},
			b: {Keys: []Item{I("pk", N("1"))}, ProjectionExpression: str("x"), ConsistentRead: boolp(true)},
		}),
		bg("batch get with names", map[string]types.KeysAndAttributes{
			a: {Keys: []Item{I("pk", S("k3"))}, ProjectionExpression: str("#n"), ExpressionAttributeNames: Names("#n", "n")},
		}),
		bw("batch delete and put", map[string][]types.WriteRequest{a: {delReq(I("pk", S("k1"))), putReq(I("pk", S("k2"), "n", N("-2")))}}),
		bg("batch get after writes", map[string]types.KeysAndAttributes{a: {Keys: []Item{I("pk", S("k1")), I("pk", S("k2"))}}}),
		bw("batch write duplicate keys", map[string][]types.WriteRequest{a: {putReq(I("pk", S("d"))), delReq(I("pk", S("d")))}}),
		bw("batch write 26 items", map[string][]types.WriteRequest{a: many}),
		bw("batch write missing table", map[string][]types.WriteRequest{"conf_batch_nope": {putReq(I("pk", S("d")))}}),
		bw("batch write bad key", map[string][]types.WriteRequest{a: {putReq(I("pk", N("1")))}}),
		bw("batch write invalid item rejects all", map[string][]types.WriteRequest{a: {putReq(I("pk", S("ok"))), putReq(I("pk", S("bad"), "s", SS()))}}),
		get("invalid batch wrote nothing", a, I("pk", S("ok"))),
		bg("batch get duplicate keys", map[string]types.KeysAndAttributes{a: {Keys: []Item{I("pk", S("k3")), I("pk", S("k3"))}}}),
		bg("batch get 101 keys", map[string]types.KeysAndAttributes{a: {Keys: manyKeys}}),
		bg("batch get missing table", map[string]types.KeysAndAttributes{"conf_batch_nope": {Keys: []Item{I("pk", S("x"))}}}),
		bg("batch get wrong key", map[string]types.KeysAndAttributes{a: {Keys: []Item{I("pk", S("x"), "extra", S("y"))}}}),
		scanAll("scan a after batches", a),
	}
	return []Scenario{{Name: "batch", Tables: []string{a, b}, Steps: steps}}
}
