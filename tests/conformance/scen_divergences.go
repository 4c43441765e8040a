package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file holds scenarios for divergences a randomized differential search
// (memdb against DynamoDB Local) found; each step pins one of them.

func divergenceScenarios() []Scenario {
	return []Scenario{notEqualMissingScenario(), lsiFetchScenario(), invalidPathScenario(), lsiSizeScenario(),
		operandTypeScenario(), keyConditionScenario(), messageScenario(), nestingScenario(), sizeScenario(), filterKeyScenario(), endBoundScenario()}
}

// notEqualMissingScenario: "a <> b" with both operands missing is true.
func notEqualMissingScenario() Scenario {
	const t = "conf_ne"
	it := I("pk", S("x"), "sk", N("1"), "n", N("1"))
	return Scenario{Name: "not_equal_missing", Tables: []string{t}, Steps: []Step{
		create(table(t, "S", "N")),
		put("put", t, it),
		put("put 2", t, I("pk", S("x"), "sk", N("2"), "a", S("v"))),
		condPut("condition both missing", t, it, "nope <> nada", nil, nil),
		condPut("condition both missing nested", t, it, "m.a <> l[1]", nil, nil),
		condPut("condition one missing", t, it, "n <> nope", nil, nil),
		condPut("condition not of both missing", t, it, "NOT (nope <> nada)", nil, nil),
		call("condition both missing on absent item", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t),
			Item: I("pk", S("new"), "sk", N("1")), ConditionExpression: str("a <> b")}),
		q("filter both missing", t, "pk = :p", I(":p", S("x")), func(in *dynamodb.QueryInput) { in.FilterExpression = str("a <> b") }),
		sc("scan filter both missing", t, func(in *dynamodb.ScanInput) { in.FilterExpression = str("zz <> yy") }),
		tw("transaction both missing", "", tCheck(t, I("pk", S("x"), "sk", N("1")), "a <> b", nil, false),
			tPut(t, I("pk", S("x"), "sk", N("3")), "c <> d", nil)),
		get("read transaction put", t, I("pk", S("x"), "sk", N("3"))),
	}}
}

func lsiTable(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:            str(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: attrDefs("pk", "S", "sk", "S", "lsk", "N", "gpk", "S"),
		KeySchema:            keySchema("pk", "sk"),
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{
			{IndexName: str("l_keys"), KeySchema: keySchema("pk", "lsk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
			{IndexName: str("l_incl"), KeySchema: keySchema("pk", "lsk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"a"}}},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: str("g_keys"), KeySchema: keySchema("gpk", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
		},
	}
}

// lsiFetchScenario: an LSI read that names attributes the index does not
// project fetches them from the table.
func lsiFetchScenario() Scenario {
	const t = "conf_lsi_fetch"
	P := I(":p", S("p"))
	lq := func(name, idx string, mod func(*dynamodb.QueryInput)) Step {
		return q(name, t, "pk = :p", P, func(in *dynamodb.QueryInput) {
			in.IndexName = str(idx)
			if mod != nil {
				mod(in)
			}
		})
	}
	steps := []Step{create(lsiTable(t))}
	for i := 1; i <= 3; i++ {
		steps = append(steps, put("put "+itoaC(i), t, I("pk", S("p"), "sk", S("s"+itoaC(i)), "lsk", N(itoaC(4-i)),
			"a", N(itoaC(i)), "b", S("b"+itoaC(i)), "m", M("x", N(itoaC(i)), "y", S("y")), "gpk", S("G"))))
	}
	steps = append(steps,
		lq("lsi projection of unprojected", "l_keys", func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("b, a, pk") }),
		lq("lsi projection nested unprojected", "l_incl", func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("m.x, a") }),
		lq("lsi specific attributes", "l_keys", func(in *dynamodb.QueryInput) {
			in.Select = types.SelectSpecificAttributes
			in.ProjectionExpression = str("b")
		}),
		lq("lsi all attributes", "l_incl", func(in *dynamodb.QueryInput) { in.Select = types.SelectAllAttributes }),
		lq("lsi all projected", "l_incl", func(in *dynamodb.QueryInput) { in.Select = types.SelectAllProjectedAttributes }),
		lq("lsi default select", "l_incl", nil),
		lq("lsi filter on unprojected", "l_keys", func(in *dynamodb.QueryInput) {
			in.FilterExpression = str("b = :b")
			in.ExpressionAttributeValues = I(":p", S("p"), ":b", S("b2"))
		}),
		lq("lsi count", "l_keys", func(in *dynamodb.QueryInput) { in.Select = types.SelectCount }),
		sc("lsi scan projection of unprojected", t, func(in *dynamodb.ScanInput) {
			in.IndexName = str("l_keys")
			in.ProjectionExpression = str("b, m.y")
		}),
		sc("lsi scan all attributes", t, func(in *dynamodb.ScanInput) {
			in.IndexName = str("l_keys")
			in.Select = types.SelectAllAttributes
		}),
		q("gsi projection lists names once", t, "gpk = :g", I(":g", S("G")), func(in *dynamodb.QueryInput) {
			in.IndexName = str("g_keys")
			in.ProjectionExpression = str("m.x, b, m.y, a, zz")
		}),
		q("gsi filter on unprojected", t, "gpk = :g", I(":g", S("G"), ":b", S("b2")), func(in *dynamodb.QueryInput) {
			in.IndexName = str("g_keys")
			in.FilterExpression = str("b = :b")
		}),
	)
	return Scenario{Name: "lsi_fetch", Tables: []string{t}, Steps: steps}
}

// invalidPathScenario: REMOVE and DELETE on a path whose parent is missing
// fail and write nothing.
func invalidPathScenario() Scenario {
	const t = "conf_badpath"
	k := I("pk", S("x"), "sk", S("1"))
	absent := I("pk", S("absent"), "sk", S("1"))
	return Scenario{Name: "invalid_paths", Tables: []string{t}, Steps: []Step{
		create(table(t, "S", "S")),
		put("put", t, I("pk", S("x"), "sk", S("1"), "m", M("a", N("1")), "l", L(N("1")), "s", S("str"))),
		upd("remove child of missing map", t, k, "REMOVE q.b", nil, nil, types.ReturnValueAllNew),
		upd("remove missing child of map", t, k, "REMOVE m.b", nil, nil, types.ReturnValueAllNew),
		upd("remove grandchild of missing", t, k, "REMOVE m.q.r", nil, nil, types.ReturnValueAllNew),
		upd("remove element of missing list", t, k, "REMOVE nl[3]", nil, nil, types.ReturnValueAllNew),
		upd("remove missing element of list", t, k, "REMOVE l[3]", nil, nil, types.ReturnValueAllNew),
		upd("remove child of string", t, k, "REMOVE s.x", nil, nil, types.ReturnValueAllNew),
		upd("remove index of map", t, k, "REMOVE m[0]", nil, nil, types.ReturnValueAllNew),
		upd("delete in missing map", t, k, "DELETE z.q :s", nil, I(":s", SS("a")), types.ReturnValueAllNew),
		upd("delete missing in map", t, k, "DELETE m.q :s", nil, I(":s", SS("a")), types.ReturnValueAllNew),
		upd("add in missing map", t, k, "ADD z.q :n", nil, I(":n", N("1")), types.ReturnValueAllNew),
		upd("remove with set", t, k, "SET a = :n REMOVE q.b", nil, I(":n", N("1")), types.ReturnValueAllNew),
		get("item unchanged", t, k),
		upd("remove nested on absent item", t, absent, "REMOVE m.b", nil, nil, types.ReturnValueAllNew),
		upd("remove list element on absent item", t, absent, "REMOVE l[3]", nil, nil, types.ReturnValueAllNew),
		upd("delete nested on absent item", t, absent, "DELETE z.q :s", nil, I(":s", SS("a")), types.ReturnValueAllNew),
		upd("remove top level on absent item", t, I("pk", S("absent2"), "sk", S("1")), "REMOVE q", nil, nil, types.ReturnValueAllNew),
		scanAll("absent items not created", t),
		tw("transaction remove child of missing", "", tUpdate(t, k, "REMOVE q.b", nil)),
	}}
}

// lsiSizeScenario: the 400 KB item limit counts what the item's local
// secondary indexes project.
func lsiSizeScenario() Scenario {
	const t, plain = "conf_lsi_size", "conf_lsi_size_plain"
	big := func(n int) AV { return S(strings.Repeat("x", n)) }
	steps := []Step{create(lsiTable(t)), create(table(plain, "S", "S"))}
	for _, n := range []int{200000, 380000, 409000} {
		steps = append(steps,
			put("plain item "+itoaC(n), plain, I("pk", S("p"), "sk", S("s"), "b", big(n))),
			put("lsi item unprojected "+itoaC(n), t, I("pk", S("p"), "sk", S("s"), "lsk", N("1"), "b", big(n))),
			put("lsi item projected "+itoaC(n), t, I("pk", S("p"), "sk", S("t"), "lsk", N("1"), "a", big(n))),
			put("lsi item not in index "+itoaC(n), t, I("pk", S("p"), "sk", S("u"), "a", big(n))),
		)
	}
	steps = append(steps,
		put("lsi item projected 204000", t, I("pk", S("p"), "sk", S("v"), "lsk", N("1"), "a", big(204000))),
		put("lsi item projected 205000", t, I("pk", S("p"), "sk", S("v"), "lsk", N("1"), "a", big(205000))),
		bw("batch put counts lsi projections", map[string][]types.WriteRequest{t: {putReq(I("pk", S("p"), "sk", S("x"), "lsk", N("1"), "a", big(205000)))}}),
		tw("transaction put counts lsi projections", "", tPut(t, I("pk", S("p"), "sk", S("x"), "lsk", N("1"), "a", big(205000)), "", nil)),
		upd("update grows projected attribute", t, I("pk", S("p"), "sk", S("w")), "SET lsk = :k, a = :a", nil,
			I(":k", N("1"), ":a", big(300000)), types.ReturnValueNone),
		q("lsi items stored", t, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("sk") }),
	)
	return Scenario{Name: "lsi_item_size", Tables: []string{t, plain}, Steps: steps}
}

// operandTypeScenario: comparisons check operand types as DynamoDB does, and
// redundant parentheses and identical operands are refused.
func operandTypeScenario() Scenario {
	const t = "conf_optype"
	it := I("pk", S("x"), "n", N("1"), "m", M("a", N("1")), "ss", SS("a"))
	steps := []Step{create(table(t, "S", "")), put("put", t, it)}
	cases := []struct {
		name, expr string
		values     Item
	}{
		{"less than bool", "n < :v", I(":v", BOOL(true))},
		{"less than null", "n < :v", I(":v", NULL())},
		{"greater than map", "m > :v", I(":v", M("a", N("1")))},
		{"greater equal list", ":v >= n", I(":v", L(N("1")))},
		{"less than set", "n <= :v", I(":v", SS("a"))},
		{"between sets", "ss BETWEEN :a AND :b", I(":a", SS("a"), ":b", SS("b"))},
		{"between bool bound", "n BETWEEN :a AND :b", I(":a", N("1"), ":b", BOOL(true))},
		{"equal bool allowed", "n = :v", I(":v", BOOL(true))},
		{"redundant parentheses", "((n = :v))", I(":v", N("1"))},
		{"redundant parentheses around all", "(n = :v)", I(":v", N("1"))},
		{"nested redundant parentheses", "n = :v AND ((n = :v))", I(":v", N("1"))},
		{"parentheses with not", "NOT (n = :v)", I(":v", N("1"))},
		{"parentheses needed", "(n = :v OR n = :w) AND n = :v", I(":v", N("1"), ":w", N("2"))},
		{"identical operands", "n = n", nil},
		{"identical operands not equal", "m.a <> m.a", nil},
		{"identical operands in", "n IN (n)", nil},
		{"identical operands in later", "n IN (:v, n)", I(":v", N("1"))},
		{"identical values", ":v = :v", I(":v", N("1"))},
		{"identical operands between", "n BETWEEN n AND :v", I(":v", N("1"))},
		{"identical function operands", "begins_with(n, n)", nil},
	}
	for _, c := range cases {
		steps = append(steps, condPut("condition "+c.name, t, it, c.expr, nil, c.values))
	}
	steps = append(steps,
		sc("filter less than bool", t, func(in *dynamodb.ScanInput) {
			in.FilterExpression = str("n < :v")
			in.ExpressionAttributeValues = I(":v", BOOL(false))
		}),
		sc("filter redundant parentheses", t, func(in *dynamodb.ScanInput) {
			in.FilterExpression = str("((n = :v))")
			in.ExpressionAttributeValues = I(":v", N("1"))
		}),
	)
	return Scenario{Name: "operand_types", Tables: []string{t}, Steps: steps}
}

// keyConditionScenario: empty key values in key conditions, and paging a
// hash-only table.
func keyConditionScenario() Scenario {
	const t, h, bt = "conf_kc", "conf_kc_hash", "conf_kc_bin"
	gt := table(t, "S", "S")
	gt.AttributeDefinitions = attrDefs("pk", "S", "sk", "S", "gpk", "S", "gb", "B")
	gt.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{
		{IndexName: str("g_s"), KeySchema: keySchema("gpk", "sk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
		{IndexName: str("gbin"), KeySchema: keySchema("gb", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
	}
	return Scenario{Name: "key_conditions", Tables: []string{t, h, bt}, Steps: []Step{
		create(gt), create(table(h, "S", "")), create(table(bt, "B", "B")),
		put("put", t, I("pk", S("p"), "sk", S("s"), "gpk", S("g"))),
		put("put hash", h, I("pk", S("p"))),
		q("empty partition value", t, "pk = :p", I(":p", S("")), nil),
		q("empty sort value", t, "pk = :p AND sk = :s", I(":p", S("p"), ":s", S("")), nil),
		q("empty sort begins_with", t, "pk = :p AND begins_with(sk, :s)", I(":p", S("p"), ":s", S("")), nil),
		q("empty sort between", t, "pk = :p AND sk BETWEEN :s AND :t", I(":p", S("p"), ":s", S(""), ":t", S("z")), nil),
		q("empty index partition value", t, "gpk = :p", I(":p", S("")), func(in *dynamodb.QueryInput) { in.IndexName = str("g_s") }),
		q("empty index sort value", t, "gpk = :p AND sk > :s", I(":p", S("g"), ":s", S("")), func(in *dynamodb.QueryInput) { in.IndexName = str("g_s") }),
		q("empty binary partition value", bt, "pk = :p", I(":p", B()), nil),
		q("empty binary sort value", bt, "pk = :p AND sk < :s", I(":p", B(1), ":s", B()), nil),
		q("empty binary index value", t, "gb = :p", I(":p", B()), func(in *dynamodb.QueryInput) { in.IndexName = str("gbin") }),
		get("get empty binary key", bt, I("pk", B(), "sk", B(1))),
		put("put empty binary index key", t, I("pk", S("p"), "sk", S("b"), "gb", B())),
		q("hash-only limit reached", h, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) { in.Limit = i32(1) }),
		q("hash-only missing partition limit", h, "pk = :p", I(":p", S("q")), func(in *dynamodb.QueryInput) { in.Limit = i32(1) }),
		q("range limit reached at end", t, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) { in.Limit = i32(1) }),
		sc("hash-only scan limit reached", h, func(in *dynamodb.ScanInput) { in.Limit = i32(1) }),
	}}
}

// messageScenario: the wording of syntax, name-length and key errors.
func messageScenario() Scenario {
	const t = "conf_msg"
	it := I("pk", S("x"))
	gsi := table("conf_msg_gsi", "S", "")
	gsi.AttributeDefinitions = attrDefs("pk", "S", "g", "S")
	gsi.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: str("ab"), KeySchema: keySchema("g", ""),
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	return Scenario{Name: "messages", Tables: []string{t, "conf_msg_gsi"}, Steps: []Step{
		create(table(t, "S", "")),
		put("put", t, it),
		condPut("syntax error on multibyte character", t, it, "a = :v é", nil, I(":v", N("1"))),
		condPut("syntax error on leading multibyte character", t, it, "€ = :v", nil, I(":v", N("1"))),
		condPut("syntax error on 4-byte character", t, it, "a = 😀", nil, nil),
		q("query index name too short", t, "pk = :p", I(":p", S("x")), func(in *dynamodb.QueryInput) { in.IndexName = str("ab") }),
		sc("scan index name too short", t, func(in *dynamodb.ScanInput) { in.IndexName = str("i") }),
		q("query index name invalid", t, "pk = :p", I(":p", S("x")), func(in *dynamodb.QueryInput) { in.IndexName = str("a b c") }),
		call("create gsi name too short", (*dynamodb.Client).CreateTable, gsi),
	}}
}

// nested is a string inside depth maps (or lists).
func nested(depth int, list bool) AV {
	v := S("leaf")
	for i := 0; i < depth; i++ {
		if list {
			v = L(v)
		} else {
			v = M("k", v)
		}
	}
	return v
}

// nestingScenario: documents nested 32 levels deep or more are refused.
func nestingScenario() Scenario {
	const t = "conf_nesting"
	k := I("pk", S("x"))
	return Scenario{Name: "nesting", Tables: []string{t}, Steps: []Step{
		create(table(t, "S", "")),
		put("put map of 31 levels", t, I("pk", S("x"), "m", nested(31, false))),
		put("put map of 32 levels", t, I("pk", S("y"), "m", nested(32, false))),
		put("put list of 32 levels", t, I("pk", S("y"), "l", nested(32, true))),
		upd("update value of 32 levels", t, k, "SET v = :v", nil, I(":v", nested(32, false)), types.ReturnValueNone),
		upd("update value of 31 levels", t, k, "SET w = :v", nil, I(":v", nested(31, true)), types.ReturnValueNone),
		upd("update deeper than 32 levels by path", t, k, "SET m.k.k = :v", nil, I(":v", nested(30, false)), types.ReturnValueNone),
		get("read back", t, k),
		scanAll("nothing else stored", t),
	}}
}

// sizeScenario: size() of a string counts characters (as UTF-16 code units:
// a character outside the Basic Multilingual Plane counts 2), not UTF-8 bytes;
// of a binary, bytes; of a set, list or map, members.
func sizeScenario() Scenario {
	const t = "conf_size"
	P := I(":p", S("x"))
	steps := []Step{
		create(table(t, "S", "N")),
		put("put ascii", t, I("pk", S("x"), "sk", N("1"), "s", S("abc"))),
		put("put two-byte character", t, I("pk", S("x"), "sk", N("2"), "s", S("\u00e9"))),
		put("put three-byte characters", t, I("pk", S("x"), "sk", N("3"), "s", S("\u65e5\u672c"))),
		put("put four-byte character", t, I("pk", S("x"), "sk", N("4"), "s", S("\U0001F600"))),
		put("put mixed", t, I("pk", S("x"), "sk", N("5"), "s", S("a\u00e9\U0001F600"))),
		put("put binary and documents", t, I("pk", S("x"), "sk", N("6"), "s", B(0xc3, 0xa9, 0), "l", L(S("\u00e9"), N("1")), "m", M("\u00e9", S("x")))),
	}
	for _, n := range []string{"1", "2", "3", "4", "6", "7"} {
		steps = append(steps, q("filter size equals "+n, t, "pk = :p", I(":p", S("x"), ":n", N(n)), func(in *dynamodb.QueryInput) {
			in.FilterExpression = str("size(s) = :n")
		}))
	}
	steps = append(steps,
		q("filter size of documents", t, "pk = :p", I(":p", S("x"), ":two", N("2"), ":one", N("1")), func(in *dynamodb.QueryInput) {
			in.FilterExpression = str("size(l) = :two AND size(m) = :one")
		}),
		condPut("condition size of four-byte character", t, I("pk", S("x"), "sk", N("4"), "s", S("\U0001F600"), "v", N("1")), "size(s) = :n", nil, I(":n", N("2"))),
		condPut("condition size in bytes fails", t, I("pk", S("x"), "sk", N("3"), "s", S("\u65e5\u672c"), "v", N("1")), "size(s) = :n", nil, I(":n", N("6"))),
		q("read back", t, "pk = :p", P, nil),
	)
	return Scenario{Name: "size", Tables: []string{t}, Steps: steps}
}

// filterKeyScenario: a Query filter naming key attributes is refused naming
// the partition key when it is among them, wherever it comes, else the sort
// key (on the table and on an index).
func filterKeyScenario() Scenario {
	const t = "conf_filter_keys"
	in := table(t, "S", "S")
	in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: str("g"), AttributeType: types.ScalarAttributeTypeS},
		types.AttributeDefinition{AttributeName: str("h"), AttributeType: types.ScalarAttributeTypeS})
	in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: str("g_h"), KeySchema: keySchema("g", "h"),
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	P := I(":p", S("x"))
	filter := func(name, f string, index string) Step {
		return q(name, t, "#k = :p", P, func(in *dynamodb.QueryInput) {
			in.FilterExpression = str(f)
			hash, rng := "pk", "sk"
			if index != "" {
				in.IndexName = str(index)
				hash, rng = "g", "h"
			}
			in.ExpressionAttributeNames = map[string]string{"#k": hash}
			if strings.Contains(f, "#a") {
				in.ExpressionAttributeNames["#a"] = hash
			}
			if strings.Contains(f, "#b") {
				in.ExpressionAttributeNames["#b"] = rng
			}
		})
	}
	return Scenario{Name: "filter_key_names", Tables: []string{t}, Steps: []Step{
		create(in),
		filter("sort key before partition key", "attribute_exists(#b) OR attribute_exists(#a)", ""),
		filter("partition key before sort key", "#a = :p AND #b = :p", ""),
		filter("sort key only", "attribute_exists(#b)", ""),
		filter("partition key inside NOT", "NOT (#b = :p) OR #a = :p", ""),
		filter("index sort key before partition key", "attribute_exists(#b) OR attribute_exists(#a)", "g_h"),
		filter("index sort key only", "#b = :p", "g_h"),
	}}
}

// endBoundScenario: a Query of the table that stops at its Limit on the
// item at the inclusive end of its sort-key range (the upper bound going
// forward, the lower going backward) returns no LastEvaluatedKey: no other
// item of the partition can lie in the range.
func endBoundScenario() Scenario {
	const t = "conf_end_bound"
	steps := []Step{create(table(t, "S", "S"))}
	for _, sk := range []string{"a", "b", "c"} {
		steps = append(steps, put("put "+sk, t, I("pk", S("x"), "sk", S(sk))))
	}
	bound := func(name, kc string, vals Item, limit int32, forward bool) Step {
		vals[":p"] = S("x")
		return q(name, t, "pk = :p AND "+kc, vals, func(in *dynamodb.QueryInput) {
			in.Limit = &limit
			in.ScanIndexForward = &forward
		})
	}
	steps = append(steps,
		bound("between ends at upper bound", "sk BETWEEN :lo AND :hi", I(":lo", S("a"), ":hi", S("b")), 2, true),
		bound("between upper bound not reached", "sk BETWEEN :lo AND :hi", I(":lo", S("a"), ":hi", S("bz")), 2, true),
		bound("between backward ends at lower bound", "sk BETWEEN :lo AND :hi", I(":lo", S("b"), ":hi", S("c")), 2, false),
		bound("between backward stops above lower bound", "sk BETWEEN :lo AND :hi", I(":lo", S("ba"), ":hi", S("c")), 1, false),
		bound("at most ends at bound", "sk <= :hi", I(":hi", S("b")), 2, true),
		bound("less than", "sk < :hi", I(":hi", S("c")), 2, true),
		bound("at least backward ends at bound", "sk >= :lo", I(":lo", S("b")), 2, false),
		bound("at least forward", "sk >= :lo", I(":lo", S("b")), 2, true),
		bound("at most backward", "sk <= :hi", I(":hi", S("b")), 1, false),
		bound("equal", "sk = :v", I(":v", S("b")), 1, true),
		bound("equal backward", "sk = :v", I(":v", S("b")), 1, false),
	)
	return Scenario{Name: "query_end_bound", Tables: []string{t}, Steps: steps}
}
