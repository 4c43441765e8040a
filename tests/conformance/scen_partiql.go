package conformance

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// stmt is an ExecuteStatement step.
func stmt(name, statement string, params ...AV) Step {
	return call(name, (*dynamodb.Client).ExecuteStatement, &dynamodb.ExecuteStatementInput{Statement: str(statement), Parameters: params})
}

// pages runs a SELECT to the end in pages of limit items and returns the
// pages and whether each one had a NextToken (tokens are opaque).
func pages(name, statement string, limit int32) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var out []any
		var token *string
		for len(out) < 10 {
			res, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: str(statement), Limit: i32(limit), NextToken: token})
			if err != nil {
				return nil, err
			}
			out = append(out, map[string]any{"Items": Normalize(res.Items, false), "NextToken": res.NextToken != nil})
			if token = res.NextToken; token == nil {
				break
			}
		}
		return out, nil
	}}
}

func batchStmts(name string, statements ...string) Step {
	in := &dynamodb.BatchExecuteStatementInput{}
	for _, s := range statements {
		in.Statements = append(in.Statements, types.BatchStatementRequest{Statement: str(s)})
	}
	return call(name, (*dynamodb.Client).BatchExecuteStatement, in)
}

func txStmts(name string, statements ...string) Step {
	in := &dynamodb.ExecuteTransactionInput{}
	for _, s := range statements {
		in.TransactStatements = append(in.TransactStatements, types.ParameterizedStatement{Statement: str(s)})
	}
	return call(name, (*dynamodb.Client).ExecuteTransaction, in)
}

func partiqlScenarios() []Scenario {
	const t = "conf_pq"
	get := func(name, pk, sk string) Step {
		return stmt(name, "SELECT * FROM "+t+" WHERE pk = '"+pk+"' AND sk = "+sk)
	}
	return []Scenario{partiqlIndexScenario(), {Name: "partiql", Tables: []string{t}, Steps: []Step{
		create(table(t, "S", "N")),
		stmt("insert literal item", "INSERT INTO "+t+" VALUE {'pk': 'a', 'sk': 1, 'x': 'hi', 'l': [1, 'two', true, null], 'm': {'k': <<'s1', 's2'>>, 'n': -2.5}, 'ns': <<3, 1>>}"),
		stmt("insert with parameters", `INSERT INTO "`+t+`" VALUE {'pk': ?, 'sk': ?, 'n': ?, 'b': ?}`, S("a"), N("2"), N("5"), B(1, 2)),
		stmt("insert third item", "INSERT INTO "+t+" VALUE {'pk': 'b', 'sk': 1, 'x': 'yo'}"),
		stmt("insert duplicate key", "INSERT INTO "+t+" VALUE {'pk': 'a', 'sk': 1}"),
		stmt("insert without sort key", "INSERT INTO "+t+" VALUE {'pk': 'z'}"),
		stmt("insert wrong key type", "INSERT INTO "+t+" VALUE {'pk': 'z', 'sk': 'one'}"),
		stmt("ExecuteStatement SELECT by key returns the item", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 1"),
		stmt("select by key with parameters", "SELECT * FROM "+t+" WHERE pk = ? AND sk = ?", S("a"), N("2")),
		stmt("select missing key", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 9"),
		stmt("select partition", "SELECT * FROM "+t+" WHERE pk = 'a'"),
		stmt("select partition descending", "SELECT * FROM "+t+" WHERE pk = 'a' ORDER BY sk DESC"),
		stmt("select sort key range", `SELECT * FROM "`+t+`" WHERE "pk" = 'a' AND "sk" >= 2`),
		stmt("select sort key between", "select * from "+t+" where pk = 'a' and sk between 1 and 1"),
		stmt("select projection", "SELECT x, sk FROM "+t+" WHERE pk = 'a'"),
		stmt("select nested projection", "SELECT m.k, l[1], m.n FROM "+t+" WHERE pk = 'a' AND sk = 1"),
		stmt("select filter on attribute", "SELECT * FROM "+t+" WHERE pk = 'a' AND x = 'hi'"),
		unordered(stmt("scan with filter", "SELECT * FROM "+t+" WHERE x = 'hi' OR n > 3")),
		unordered(stmt("scan all", "SELECT * FROM "+t)),
		unordered(stmt("scan in list", "SELECT pk, sk FROM "+t+" WHERE pk IN ['a', 'b']")),
		unordered(stmt("scan begins_with", "SELECT pk, sk FROM "+t+" WHERE begins_with(x, 'h')")),
		unordered(stmt("scan is missing", "SELECT pk, sk FROM "+t+" WHERE x IS MISSING")),
		unordered(stmt("scan is not missing", "SELECT pk, sk FROM "+t+" WHERE x IS NOT MISSING")),
		unordered(stmt("scan not equal", "SELECT pk, sk FROM "+t+" WHERE x <> 'hi' AND x != 'zz'")),
		unordered(stmt("scan not and parentheses", "SELECT pk, sk FROM "+t+" WHERE NOT (x = 'hi') AND (sk = 1 OR sk = 2)")),
		unordered(stmt("scan size and contains", "SELECT pk, sk FROM "+t+" WHERE size(x) = 2 AND contains(x, 'y')")),
		unordered(stmt("scan attribute_type", "SELECT pk, sk FROM "+t+" WHERE attribute_type(ns, 'NS')")),
		pages("select partition in pages of 1", "SELECT * FROM "+t+" WHERE pk = 'a'", 1),
		pages("select with filter in pages of 1", "SELECT * FROM "+t+" WHERE pk = 'a' AND x = 'nothing'", 1),
		call("select with invalid NextToken", (*dynamodb.Client).ExecuteStatement, &dynamodb.ExecuteStatementInput{
			Statement: str("SELECT * FROM " + t + " WHERE pk = 'a'"), NextToken: str("garbage")}),
		stmt("update set and remove", "UPDATE "+t+" SET x = 'yo' SET n = n + 1 REMOVE b WHERE pk = 'a' AND sk = 2"),
		get("read updated item", "a", "2"),
		stmt("update with parameters", "UPDATE "+t+" SET n = n - ?, y = ? WHERE pk = ? AND sk = ?", N("2"), S("why"), S("a"), N("2")),
		get("read item updated with parameters", "a", "2"),
		stmt("update missing item", "UPDATE "+t+" SET x = 'yo' WHERE pk = 'a' AND sk = 9"),
		stmt("update failed condition", "UPDATE "+t+" SET x = 'no' WHERE pk = 'a' AND sk = 2 AND x = 'hi'"),
		stmt("update without full key", "UPDATE "+t+" SET x = 'no' WHERE pk = 'a'"),
		stmt("delete failed condition", "DELETE FROM "+t+" WHERE pk = 'a' AND sk = 2 AND x = 'zz'"),
		stmt("delete missing item", "DELETE FROM "+t+" WHERE pk = 'a' AND sk = 9"),
		stmt("delete without full key", "DELETE FROM "+t+" WHERE sk = 1"),
		stmt("delete by key and condition", "DELETE FROM "+t+" WHERE pk = 'b' AND sk = 1 AND x = 'yo'"),
		get("read deleted item", "b", "1"),
		stmt("select missing parameter", "SELECT * FROM "+t+" WHERE pk = ?"),
		stmt("select wrong key type", "SELECT * FROM "+t+" WHERE pk = 1"),
		stmt("select unknown index", "SELECT * FROM "+t+".nope"),
		stmt("order by non key", "SELECT * FROM "+t+" WHERE pk = 'a' ORDER BY x"),
		stmt("malformed statement", "SELEC * FROM "+t),
		batchStmts("batch of reads", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 1", "SELECT * FROM "+t+" WHERE pk = 'zz' AND sk = 1",
			"SELECT x FROM "+t+" WHERE pk = 'a' AND sk = 2", "SELECT * FROM "+t+" WHERE pk = 'a'"),
		batchStmts("batch of writes", "INSERT INTO "+t+" VALUE {'pk': 'a', 'sk': 1}", "UPDATE "+t+" SET q = 1 WHERE pk = 'a' AND sk = 77",
			"INSERT INTO "+t+" VALUE {'pk': 'c', 'sk': 1}", "DELETE FROM "+t+" WHERE pk = 'a' AND sk = 2 AND q = 5"),
		get("read batch insert", "c", "1"),
		batchStmts("batch mixing reads and writes", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 1", "DELETE FROM "+t+" WHERE pk = 'c' AND sk = 1"),
		txStmts("transaction of writes", "INSERT INTO "+t+" VALUE {'pk': 't', 'sk': 1}", "UPDATE "+t+" SET q = 2 WHERE pk = 'a' AND sk = 1"),
		get("read transaction update", "a", "1"),
		txStmts("cancelled transaction", "INSERT INTO "+t+" VALUE {'pk': 't', 'sk': 2}", "UPDATE "+t+" SET q = 2 WHERE pk = 'a' AND sk = 99"),
		get("cancelled insert wrote nothing", "t", "2"),
		txStmts("transaction with duplicate insert", "INSERT INTO "+t+" VALUE {'pk': 't', 'sk': 1}"),
		txStmts("transaction of reads", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 1", "SELECT pk FROM "+t+" WHERE pk = 't' AND sk = 9"),
		txStmts("transaction mixing reads and writes", "SELECT * FROM "+t+" WHERE pk = 'a' AND sk = 1", "INSERT INTO "+t+" VALUE {'pk': 't', 'sk': 3}"),
		txStmts("transaction read without key", "SELECT * FROM "+t+" WHERE pk = 'a'"),
		call("statement with consumed capacity", (*dynamodb.Client).ExecuteStatement, &dynamodb.ExecuteStatementInput{
			Statement: str("SELECT * FROM " + t + " WHERE pk = 'a' AND sk = 1"), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}),
		call("statement returns old item on failed condition", (*dynamodb.Client).ExecuteStatement, &dynamodb.ExecuteStatementInput{
			Statement: str("UPDATE " + t + " SET q = 3 WHERE pk = 'a' AND sk = 1 AND x = 'nope'"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}),
		stmt("select after all writes", "SELECT * FROM "+t+" WHERE pk = 'a'"),
		stmt("no stray parameter", "SELECT * FROM "+t+" WHERE pk = 'a'", S("extra")),
		stmt("select inserted by transaction", "SELECT pk FROM "+t+" WHERE pk = 't'"),
		stmt("insert tuple with nested parameters", "INSERT INTO "+t+" VALUE {'pk': 'n', 'sk': 1, 'm': {'a': ?, 'l': [?, 2]}}", S("x"), N("1")),
		stmt("insert parameter in a list", "INSERT INTO "+t+" VALUE {'pk': 'n', 'sk': ?, 'l': [1,\n ?]}", N("1"), S("x")),
		stmt("insert value that is not a tuple", "INSERT INTO "+t+" VALUE ?", M("pk", S("n"), "sk", N("1"))),
		stmt("insert nested item", "INSERT INTO "+t+" VALUE {'pk': 'n', 'sk': ?, 'm': {'a': 'x', 'l': [1, 2]}}", N("1")),
		stmt("update nested paths", "UPDATE "+t+" SET m.a = 'y', m.l[1] = 3 REMOVE m.l[0] WHERE pk = 'n' AND sk = 1"),
		get("read nested update", "n", "1"),
		stmt("update path through a missing map", "UPDATE "+t+" SET q.r = 1 WHERE pk = 'n' AND sk = 1"),
		stmt("insert empty set", "INSERT INTO "+t+" VALUE {'pk': 'e', 'sk': 1, 's': <<>>}"),
		stmt("insert empty string key", "INSERT INTO "+t+" VALUE {'pk': '', 'sk': 1}"),
		stmt("select in with parameters", "SELECT pk, sk FROM "+t+" WHERE pk = 'a' AND sk IN [?, ?]", N("1"), N("2")),
		stmt("select between parameters", "SELECT pk, sk FROM "+t+" WHERE pk = 'a' AND sk BETWEEN ? AND ?", N("2"), N("5")),
		stmt("select begins_with on sort key", "SELECT pk FROM "+t+" WHERE pk = 'a' AND begins_with(sk, '1')"),
		stmt("select sort key not equal", "SELECT pk, sk FROM "+t+" WHERE pk = 'a' AND sk <> 1"),
		stmt("select not sort key", "SELECT pk, sk FROM "+t+" WHERE pk = 'a' AND NOT sk = 1"),
		pages("select key and sort key list in pages", "SELECT pk, sk FROM "+t+" WHERE pk = 'a' AND sk IN [1, 2]", 100),
		stmt("select from missing table", "SELECT * FROM conf_pq_missing WHERE pk = 'a'"),
		stmt("update missing table", "UPDATE conf_pq_missing SET x = 1 WHERE pk = 'a' AND sk = 1"),
		stmt("select unterminated string", "SELECT * FROM "+t+" WHERE pk = 'a"),
		stmt("update set arithmetic on missing attribute", "UPDATE "+t+" SET zz = zz + 1 WHERE pk = 'a' AND sk = 1"),
		stmt("insert item for update functions", "INSERT INTO "+t+" VALUE {'pk': 'fn', 'sk': 1, 'l': [1], 's': <<'a'>>, 'n': 1}"),
		stmt("update list_append", "UPDATE "+t+" SET l = list_append(l, [2, 3]) WHERE pk = 'fn' AND sk = 1"),
		stmt("update list_append in front", "UPDATE "+t+" SET l = list_append([0], l) WHERE pk = 'fn' AND sk = 1"),
		stmt("update set_add", "UPDATE "+t+" SET s = set_add(s, <<'b', 'c'>>) WHERE pk = 'fn' AND sk = 1"),
		stmt("update set_delete", "UPDATE "+t+" SET s = set_delete(s, <<'a'>>) WHERE pk = 'fn' AND sk = 1"),
		stmt("update set_add on missing attribute", "UPDATE "+t+" SET t = set_add(t, <<'x'>>) WHERE pk = 'fn' AND sk = 1"),
		stmt("update set_add of another attribute", "UPDATE "+t+" SET u = set_add(s, <<'x'>>) WHERE pk = 'fn' AND sk = 1"),
		stmt("update arithmetic and list_append with parameter", "UPDATE "+t+" SET n = n + 1, l = list_append(l, ?) WHERE pk = 'fn' AND sk = 1", L(N("4"))),
		get("read item after update functions", "fn", "1"),
	}}}
}

// partiqlIndexScenario: SELECT from secondary indexes.
func partiqlIndexScenario() Scenario {
	const t = "conf_pq_idx"
	ins := func(pk, sk, gpk, gsk string) Step {
		return stmt("insert "+pk+sk, "INSERT INTO "+t+" VALUE {'pk': '"+pk+"', 'sk': '"+sk+"', 'gpk': '"+gpk+"', 'gsk': "+gsk+", 'lsk': 1, 'a': 'x', 'b': 'y'}")
	}
	return Scenario{Name: "partiql_index", Tables: []string{t}, Steps: []Step{
		create(indexTable(t)),
		ins("p1", "s1", "g", "2"),
		ins("p1", "s2", "g", "1"),
		ins("p2", "s1", "h", "3"),
		stmt("select from global index by key", `SELECT * FROM "`+t+`"."g_all" WHERE gpk = 'g'`),
		stmt("select from global index descending", `SELECT pk, sk, gsk FROM "`+t+`"."g_all" WHERE gpk = 'g' ORDER BY gsk DESC`),
		stmt("select from global index with range", `SELECT pk, sk FROM "`+t+`"."g_all" WHERE gpk = 'g' AND gsk > 1`),
		unordered(stmt("select from keys-only index", `SELECT * FROM "`+t+`"."g_keys" WHERE gpk = 'g'`)),
		unordered(stmt("scan include index", `SELECT * FROM "`+t+`"."g_incl"`)),
		stmt("select from local index", `SELECT * FROM "`+t+`"."l_keys" WHERE pk = 'p1'`),
	}}
}
