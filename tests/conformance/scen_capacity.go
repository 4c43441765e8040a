package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func capacityScenarios() []Scenario {
	const t = "conf_capacity"
	total, idx := types.ReturnConsumedCapacityTotal, types.ReturnConsumedCapacityIndexes
	ct := indexTable(t)
	kb := func(n int) AV { return S(strings.Repeat("x", n*1024)) }
	steps := []Step{create(ct)}
	for _, c := range []struct {
		name string
		it   Item
		mode types.ReturnConsumedCapacity
	}{
		{"put small TOTAL", I("pk", S("a"), "sk", S("1")), total},
		{"put 1.5KB TOTAL", I("pk", S("a"), "sk", S("2"), "d", S(strings.Repeat("x", 1500))), total},
		{"put 3KB INDEXES", I("pk", S("a"), "sk", S("3"), "d", kb(3)), idx},
		{"put into gsi INDEXES", I("pk", S("a"), "sk", S("4"), "gpk", S("G"), "gsk", N("1"), "d", kb(2)), idx},
		{"put into gsi and lsi INDEXES", I("pk", S("a"), "sk", S("5"), "gpk", S("G"), "gsk", N("2"), "lsk", N("1"), "a", N("1")), idx},
		{"overwrite larger old item", I("pk", S("a"), "sk", S("3")), total},
	} {
		steps = append(steps, call(c.name, (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: c.it, ReturnConsumedCapacity: c.mode}))
	}
	steps = append(steps,
		call("get eventually consistent", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("2")), ReturnConsumedCapacity: total}),
		call("get strongly consistent", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("2")), ConsistentRead: boolp(true), ReturnConsumedCapacity: idx}),
		call("get missing item", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("zz")), ReturnConsumedCapacity: total}),
		call("update INDEXES", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("4")),
			UpdateExpression: str("SET gsk = :n"), ExpressionAttributeValues: I(":n", N("9")), ReturnConsumedCapacity: idx}),
		call("delete INDEXES", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("5")), ReturnConsumedCapacity: idx}),
		q("query TOTAL", t, "pk = :p", I(":p", S("a")), func(in *dynamodb.QueryInput) { in.ReturnConsumedCapacity = total }),
		q("query consistent INDEXES", t, "pk = :p", I(":p", S("a")), func(in *dynamodb.QueryInput) {
			in.ReturnConsumedCapacity = idx
			in.ConsistentRead = boolp(true)
		}),
		q("query gsi INDEXES", t, "gpk = :g", I(":g", S("G")), func(in *dynamodb.QueryInput) {
			in.IndexName = str("g_all")
			in.ReturnConsumedCapacity = idx
		}),
		q("query empty TOTAL", t, "pk = :p", I(":p", S("none")), func(in *dynamodb.QueryInput) { in.ReturnConsumedCapacity = total }),
		sc("scan TOTAL", t, func(in *dynamodb.ScanInput) { in.ReturnConsumedCapacity = total }),
		call("batch write TOTAL", (*dynamodb.Client).BatchWriteItem, &dynamodb.BatchWriteItemInput{ReturnConsumedCapacity: total,
			RequestItems: map[string][]types.WriteRequest{t: {putReq(I("pk", S("b"), "sk", S("1"))), putReq(I("pk", S("b"), "sk", S("2"), "d", kb(2)))}}}),
		call("batch get TOTAL", (*dynamodb.Client).BatchGetItem, &dynamodb.BatchGetItemInput{ReturnConsumedCapacity: total,
			RequestItems: map[string]types.KeysAndAttributes{t: {Keys: []Item{I("pk", S("b"), "sk", S("1")), I("pk", S("b"), "sk", S("2"))}}}}),
		call("transact write TOTAL", (*dynamodb.Client).TransactWriteItems, &dynamodb.TransactWriteItemsInput{ReturnConsumedCapacity: total,
			TransactItems: []types.TransactWriteItem{tPut(t, I("pk", S("c"), "sk", S("1")), "", nil), tCheck(t, I("pk", S("b"), "sk", S("1")), "attribute_exists(pk)", nil, false)}}),
		call("transact get TOTAL", (*dynamodb.Client).TransactGetItems, &dynamodb.TransactGetItemsInput{ReturnConsumedCapacity: total,
			TransactItems: []types.TransactGetItem{tGet(t, I("pk", S("c"), "sk", S("1")), "")}}),
		call("invalid capacity mode", (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", S("2")), ReturnConsumedCapacity: "ALL"}),
	)
	return []Scenario{{Name: "capacity", Tables: []string{t}, Steps: steps}}
}
