package conformance

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func indexTable(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:            str(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: attrDefs("pk", "S", "sk", "S", "gpk", "S", "gsk", "N", "lsk", "N"),
		KeySchema:            keySchema("pk", "sk"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: str("g_all"), KeySchema: keySchema("gpk", "gsk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
			{IndexName: str("g_keys"), KeySchema: keySchema("gpk", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
			{IndexName: str("g_incl"), KeySchema: keySchema("gsk", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"a"}}},
		},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{
			{IndexName: str("l_keys"), KeySchema: keySchema("pk", "lsk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
		},
	}
}

func indexScenarios() []Scenario {
	const t = "conf_index"
	steps := []Step{create(indexTable(t))}
	for i := 1; i <= 8; i++ {
		it := I("pk", S("p"+itoaC(i%3)), "sk", S("s"+itoaC(i)), "a", N(itoaC(i)), "b", S("b"+itoaC(i)))
		if i%2 == 0 {
			it["gpk"] = S("G")
			it["gsk"] = N(itoaC(10 - i))
		}
		if i%4 != 0 {
			it["lsk"] = N(itoaC(i * 3 % 7))
		}
		steps = append(steps, put("put "+itoaC(i), t, it))
	}
	gq := func(name, idx, kc string, values Item, mod func(*dynamodb.QueryInput)) Step {
		return q(name, t, kc, values, func(in *dynamodb.QueryInput) {
			in.IndexName = str(idx)
			if mod != nil {
				mod(in)
			}
		})
	}
	G := I(":g", S("G"))
	steps = append(steps,
		gq("gsi all query", "g_all", "gpk = :g", G, nil),
		gq("gsi all query descending", "g_all", "gpk = :g", G, func(in *dynamodb.QueryInput) { in.ScanIndexForward = boolp(false) }),
		gq("gsi all range", "g_all", "gpk = :g AND gsk BETWEEN :a AND :b", I(":g", S("G"), ":a", N("3"), ":b", N("7")), nil),
		unordered(gq("gsi keys only query", "g_keys", "gpk = :g", G, nil)),
		gq("gsi keys only ALL_ATTRIBUTES", "g_keys", "gpk = :g", G, func(in *dynamodb.QueryInput) { in.Select = types.SelectAllAttributes }),
		gq("gsi keys only projection of unprojected", "g_keys", "gpk = :g", G, func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("a, pk") }),
		gq("gsi include query", "g_incl", "gsk = :v", I(":v", N("4")), nil),
		gq("gsi paged limit 2", "g_all", "gpk = :g", G, func(in *dynamodb.QueryInput) { in.Limit = i32(2) }),
		gq("gsi start key", "g_all", "gpk = :g", G, func(in *dynamodb.QueryInput) {
			in.ExclusiveStartKey = I("gpk", S("G"), "gsk", N("4"), "pk", S("p0"), "sk", S("s6"))
		}),
		gq("gsi start key without index keys", "g_all", "gpk = :g", G, func(in *dynamodb.QueryInput) {
			in.ExclusiveStartKey = I("pk", S("p0"), "sk", S("s6"))
		}),
		gq("gsi consistent read", "g_all", "gpk = :g", G, func(in *dynamodb.QueryInput) { in.ConsistentRead = aws.Bool(true) }),
		gq("gsi filter", "g_all", "gpk = :g", I(":g", S("G"), ":v", N("4")), func(in *dynamodb.QueryInput) { in.FilterExpression = str("a > :v") }),
		gq("lsi keys only query", "l_keys", "pk = :p", I(":p", S("p1")), nil),
		gq("lsi ALL_ATTRIBUTES fetches", "l_keys", "pk = :p", I(":p", S("p1")), func(in *dynamodb.QueryInput) { in.Select = types.SelectAllAttributes }),
		gq("lsi range", "l_keys", "pk = :p AND lsk > :v", I(":p", S("p1"), ":v", N("2")), nil),
		gq("lsi consistent", "l_keys", "pk = :p", I(":p", S("p2")), func(in *dynamodb.QueryInput) { in.ConsistentRead = aws.Bool(true) }),
		gq("lsi paged", "l_keys", "pk = :p", I(":p", S("p1")), func(in *dynamodb.QueryInput) { in.Limit = i32(1) }),
		sc("scan gsi sparse", t, func(in *dynamodb.ScanInput) { in.IndexName = str("g_keys") }),
		sc("scan lsi sparse", t, func(in *dynamodb.ScanInput) { in.IndexName = str("l_keys") }),
		// Maintenance: move an item out of, into, and within indexes.
		call("remove gsi key", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("p2"), "sk", S("s2")),
			UpdateExpression: str("REMOVE gpk")}),
		call("add gsi key", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("p1"), "sk", S("s1")),
			UpdateExpression: str("SET gpk = :g, gsk = :n"), ExpressionAttributeValues: I(":g", S("G"), ":n", N("100"))}),
		call("change gsi sort key", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("p0"), "sk", S("s6")),
			UpdateExpression: str("SET gsk = :n"), ExpressionAttributeValues: I(":n", N("-5"))}),
		call("delete indexed item", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("p1"), "sk", S("s4"))}),
		gq("gsi after maintenance", "g_all", "gpk = :g", G, nil),
		sc("scan gsi after maintenance", t, func(in *dynamodb.ScanInput) { in.IndexName = str("g_incl") }),
		put("put wrong index key type", t, I("pk", S("x"), "sk", S("y"), "gpk", N("1"))),
		put("put empty index key", t, I("pk", S("x"), "sk", S("y"), "gpk", S(""))),
		call("update to wrong index key type", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: I("pk", S("p1"), "sk", S("s1")),
			UpdateExpression: str("SET gsk = :n"), ExpressionAttributeValues: I(":n", S("x"))}),
		call("update table add gsi backfills", (*dynamodb.Client).UpdateTable, &dynamodb.UpdateTableInput{TableName: str(t),
			AttributeDefinitions: attrDefs("b", "S"),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: str("g_b"), KeySchema: keySchema("b", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}}}),
		gq("query new gsi", "g_b", "b = :b", I(":b", S("b3")), nil),
	)
	return []Scenario{{Name: "indexes", Tables: []string{t}, Steps: steps}}
}
