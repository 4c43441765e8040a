package conformance

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// runID makes idempotency tokens unique to this process: a server keeps a
// token for minutes, so a fixed token would make a second run on the same
// DynamoDB Local see a replay of the first run's transaction.
var runID = func() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

func tw(name string, token string, items ...types.TransactWriteItem) Step {
	in := &dynamodb.TransactWriteItemsInput{TransactItems: items}
	if token != "" {
		in.ClientRequestToken = str(token + "-" + runID)
	}
	return call(name, (*dynamodb.Client).TransactWriteItems, in)
}

func tPut(tbl string, it Item, cond string, values Item) types.TransactWriteItem {
	p := &types.Put{TableName: str(tbl), Item: it}
	if cond != "" {
		p.ConditionExpression = str(cond)
		if len(values) > 0 {
			p.ExpressionAttributeValues = values
		}
	}
	return types.TransactWriteItem{Put: p}
}

func tCheck(tbl string, key Item, cond string, values Item, retOld bool) types.TransactWriteItem {
	c := &types.ConditionCheck{TableName: str(tbl), Key: key, ConditionExpression: str(cond)}
	if len(values) > 0 {
		c.ExpressionAttributeValues = values
	}
	if retOld {
		c.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return types.TransactWriteItem{ConditionCheck: c}
}

func tUpdate(tbl string, key Item, expr string, values Item) types.TransactWriteItem {
	u := &types.Update{TableName: str(tbl), Key: key, UpdateExpression: str(expr)}
	if len(values) > 0 {
		u.ExpressionAttributeValues = values
	}
	return types.TransactWriteItem{Update: u}
}

func tDelete(tbl string, key Item) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: str(tbl), Key: key}}
}

func tg(name string, gets ...types.TransactGetItem) Step {
	return call(name, (*dynamodb.Client).TransactGetItems, &dynamodb.TransactGetItemsInput{TransactItems: gets})
}

func tGet(tbl string, key Item, proj string) types.TransactGetItem {
	g := &types.Get{TableName: str(tbl), Key: key}
	if proj != "" {
		g.ProjectionExpression = str(proj)
	}
	return types.TransactGetItem{Get: g}
}

func transactionScenarios() []Scenario {
	const t, u = "conf_tx_a", "conf_tx_b"
	k := func(s string) Item { return I("pk", S(s)) }
	steps := []Step{
		create(table(t, "S", "")),
		create(table(u, "S", "")),
		tw("commit put update delete", "",
			tPut(t, I("pk", S("a"), "n", N("1")), "attribute_not_exists(pk)", nil),
			tPut(u, I("pk", S("b"), "n", N("2")), "", nil),
			tUpdate(t, k("c"), "SET n = :v", I(":v", N("3"))),
			tDelete(u, k("zzz"))),
		tg("get committed", tGet(t, k("a"), ""), tGet(u, k("b"), "n"), tGet(t, k("c"), ""), tGet(t, k("missing"), "")),
		tw("cancel on second condition", "",
			tPut(t, I("pk", S("d"), "n", N("4")), "", nil),
			tCheck(u, k("b"), "n = :v", I(":v", N("99")), true),
			tUpdate(t, k("a"), "SET n = n + :one", I(":one", N("1")))),
		tg("nothing written after cancel", tGet(t, k("d"), ""), tGet(t, k("a"), "")),
		tw("cancel with several failures", "",
			tCheck(t, k("a"), "attribute_not_exists(pk)", nil, false),
			tPut(u, I("pk", S("b")), "attribute_not_exists(pk)", nil),
			tCheck(t, k("nope"), "attribute_exists(pk)", nil, true)),
		tw("cancel on update type error", "",
			tUpdate(t, k("a"), "SET n = n + :s", I(":s", S("x"))),
			tPut(u, I("pk", S("e")), "", nil)),
		tw("two operations on one item", "",
			tPut(t, I("pk", S("a")), "", nil),
			tUpdate(t, k("a"), "SET n = :v", I(":v", N("1")))),
		tw("same key in two tables is fine", "",
			tPut(t, I("pk", S("same")), "", nil),
			tPut(u, I("pk", S("same")), "", nil)),
		tw("condition check only passes", "", tCheck(t, k("a"), "attribute_exists(pk)", nil, false)),
		tw("idempotent first", "tok-1", tUpdate(t, k("ctr"), "ADD n :one", I(":one", N("1")))),
		tw("idempotent replay", "tok-1", tUpdate(t, k("ctr"), "ADD n :one", I(":one", N("1")))),
		get("idempotent applied once", t, k("ctr")),
		tw("idempotent mismatch", "tok-1", tUpdate(t, k("ctr"), "ADD n :two", I(":two", N("2")))),
		tw("bad key in transaction", "", tPut(t, I("pk", N("1")), "", nil)),
		tw("missing table in transaction", "", tPut("conf_tx_nope", I("pk", S("x")), "", nil)),
		call("empty transaction", (*dynamodb.Client).TransactWriteItems, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{}}),
		tg("transact get duplicate", tGet(t, k("a"), ""), tGet(t, k("a"), "")),
		tg("transact get missing table", tGet("conf_tx_nope", k("a"), "")),
	}
	return []Scenario{{Name: "transactions", Tables: []string{t, u}, Steps: steps}}
}
