package conformance

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func upd(name, tbl string, key Item, expr string, names map[string]string, values Item, ret types.ReturnValue) Step {
	in := &dynamodb.UpdateItemInput{TableName: str(tbl), Key: key, UpdateExpression: str(expr), ReturnValues: ret}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		in.ExpressionAttributeValues = values
	}
	return call(name, (*dynamodb.Client).UpdateItem, in)
}

func updateScenarios() []Scenario {
	const t = "conf_update"
	k := I("pk", S("u"), "sk", S("1"))
	steps := []Step{
		create(table(t, "S", "S")),
		upd("upsert creates item", t, k, "SET a = :a", nil, I(":a", N("1")), types.ReturnValueAllNew),
		upd("arithmetic", t, k, "SET a = a + :d, b = :d - a", nil, I(":d", N("5")), types.ReturnValueUpdatedNew),
		upd("arithmetic on missing attribute", t, k, "SET c = nope + :d", nil, I(":d", N("5")), types.ReturnValueUpdatedNew),
		upd("arithmetic on string", t, k, "SET c = :s + :d", nil, I(":d", N("5"), ":s", S("x")), types.ReturnValueUpdatedNew),
		upd("if_not_exists new", t, k, "SET c = if_not_exists(c, :z)", nil, I(":z", N("0")), types.ReturnValueUpdatedNew),
		upd("if_not_exists existing", t, k, "SET a = if_not_exists(a, :z)", nil, I(":z", N("0")), types.ReturnValueUpdatedOld),
		upd("list_append", t, k, "SET l = list_append(if_not_exists(l, :e), :v)", nil, I(":e", L(), ":v", L(S("x"), S("y"))), types.ReturnValueAllNew),
		upd("list_append prepend", t, k, "SET l = list_append(:v, l)", nil, I(":v", L(S("w"))), types.ReturnValueUpdatedNew),
		upd("list_append non list", t, k, "SET l = list_append(l, :v)", nil, I(":v", S("z")), types.ReturnValueUpdatedNew),
		upd("set list element", t, k, "SET l[1] = :v", nil, I(":v", S("X")), types.ReturnValueUpdatedNew),
		upd("set list past end appends", t, k, "SET l[10] = :v", nil, I(":v", S("end")), types.ReturnValueAllNew),
		upd("remove list elements", t, k, "REMOVE l[0], l[2]", nil, nil, types.ReturnValueAllNew),
		upd("set nested map", t, k, "SET m = :m", nil, I(":m", M("a", M("b", N("1")))), types.ReturnValueNone),
		upd("set nested path", t, k, "SET m.a.c = :v, m.#n = :v", Names("#n", "new"), I(":v", S("deep")), types.ReturnValueUpdatedNew),
		upd("set nested path with missing parent", t, k, "SET m.nope.c = :v", nil, I(":v", S("x")), types.ReturnValueUpdatedNew),
		upd("set index on map", t, k, "SET m[0] = :v", nil, I(":v", S("x")), types.ReturnValueUpdatedNew),
		upd("remove nested", t, k, "REMOVE m.a.b", nil, nil, types.ReturnValueUpdatedOld),
		upd("remove missing attribute", t, k, "REMOVE nope, m.nope", nil, nil, types.ReturnValueUpdatedOld),
		upd("add number", t, k, "ADD a :v, cnt :v", nil, I(":v", N("2")), types.ReturnValueUpdatedNew),
		upd("add string set", t, k, "ADD tags :v", nil, I(":v", SS("b", "a")), types.ReturnValueUpdatedNew),
		upd("add to string set", t, k, "ADD tags :v", nil, I(":v", SS("c", "a")), types.ReturnValueUpdatedNew),
		upd("add wrong set type", t, k, "ADD tags :v", nil, I(":v", NS("1")), types.ReturnValueUpdatedNew),
		upd("add string", t, k, "ADD a :v", nil, I(":v", S("x")), types.ReturnValueUpdatedNew),
		upd("delete from set", t, k, "DELETE tags :v", nil, I(":v", SS("a", "zz")), types.ReturnValueUpdatedNew),
		upd("delete last members removes attribute", t, k, "DELETE tags :v", nil, I(":v", SS("b", "c")), types.ReturnValueAllNew),
		upd("delete from missing set", t, k, "DELETE nope :v", nil, I(":v", SS("b")), types.ReturnValueUpdatedNew),
		upd("delete with scalar", t, k, "DELETE a :v", nil, I(":v", N("1")), types.ReturnValueUpdatedNew),
		upd("all clauses", t, k, "SET x = :one REMOVE c ADD n2 :one DELETE nope :s", nil, I(":one", N("1"), ":s", SS("q")), types.ReturnValueAllOld),
		upd("clauses lowercase and reordered", t, k, "add n2 :one set y = :one", nil, I(":one", N("1")), types.ReturnValueUpdatedNew),
		upd("swap values", t, k, "SET x = y, y = x", nil, nil, types.ReturnValueUpdatedNew),
		upd("update key attribute", t, k, "SET sk = :v", nil, I(":v", S("2")), types.ReturnValueNone),
		upd("remove key attribute", t, k, "REMOVE pk", nil, nil, types.ReturnValueNone),
		upd("overlapping paths", t, k, "SET m.a = :v, m.a.b = :v", nil, I(":v", N("1")), types.ReturnValueNone),
		upd("same path twice", t, k, "SET a = :v REMOVE a", nil, I(":v", N("1")), types.ReturnValueNone),
		upd("section twice", t, k, "SET a = :v SET b = :v", nil, I(":v", N("1")), types.ReturnValueNone),
		upd("reserved word", t, k, "SET value = :v", nil, I(":v", N("1")), types.ReturnValueNone),
		upd("syntax error", t, k, "SET a :v", nil, I(":v", N("1")), types.ReturnValueNone),
		upd("add with path operand", t, k, "ADD a b", nil, nil, types.ReturnValueNone),
		upd("size in update", t, k, "SET a = size(l)", nil, nil, types.ReturnValueNone),
		upd("empty update expression", t, k, "", nil, nil, types.ReturnValueNone),
		upd("unused value", t, k, "SET a = :v", nil, I(":v", N("1"), ":w", N("1")), types.ReturnValueNone),
		call("update with condition fails", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k,
			UpdateExpression: str("SET a = :v"), ConditionExpression: str("a = :w"), ExpressionAttributeValues: I(":v", N("1"), ":w", N("-1")),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}),
		call("update with condition passes", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k,
			UpdateExpression: str("SET a = :v"), ConditionExpression: str("a = :w"), ExpressionAttributeValues: I(":v", N("1"), ":w", N("12")),
			ReturnValues: types.ReturnValueUpdatedOld}),
		call("update without expression creates item", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("u"), "sk", S("2")), ReturnValues: types.ReturnValueAllNew}),
		upd("invalid return values", t, k, "SET a = :v", nil, I(":v", N("1")), types.ReturnValue("EVERYTHING")),
		get("get final", t, k),
		// ReturnValues on PutItem and DeleteItem.
		call("put returns ALL_OLD", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("u"), "sk", S("2"), "v", N("1")), ReturnValues: types.ReturnValueAllOld}),
		call("put returns ALL_OLD replaced", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("u"), "sk", S("2"), "v", N("2")), ReturnValues: types.ReturnValueAllOld}),
		call("put ALL_NEW invalid", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("u"), "sk", S("2")), ReturnValues: types.ReturnValueAllNew}),
		call("put condition fails returns old", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("u"), "sk", S("2")),
			ConditionExpression: str("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}),
		call("put condition fails without old", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: I("pk", S("u"), "sk", S("2")),
			ConditionExpression: str("attribute_not_exists(pk)")}),
		call("delete returns ALL_OLD", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("u"), "sk", S("2")), ReturnValues: types.ReturnValueAllOld}),
		call("delete missing returns nothing", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("u"), "sk", S("2")), ReturnValues: types.ReturnValueAllOld}),
		call("delete UPDATED_NEW invalid", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("u"), "sk", S("2")), ReturnValues: types.ReturnValueUpdatedNew}),
		call("delete key missing sort key", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("u"))}),
		call("update item over size limit", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k,
			UpdateExpression: str("SET big1 = :b, big2 = :b"), ExpressionAttributeValues: I(":b", S(string(make([]byte, 210*1024))))}),
	}
	return []Scenario{{Name: "updates", Tables: []string{t}, Steps: steps}}
}
