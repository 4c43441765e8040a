package conformance

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func q(name, tbl, kc string, values Item, mod func(*dynamodb.QueryInput)) Step {
	in := &dynamodb.QueryInput{TableName: str(tbl), KeyConditionExpression: str(kc), ExpressionAttributeValues: values}
	if mod != nil {
		mod(in)
	}
	return call(name, (*dynamodb.Client).Query, in)
}

func sc(name, tbl string, mod func(*dynamodb.ScanInput)) Step {
	in := &dynamodb.ScanInput{TableName: str(tbl)}
	if mod != nil {
		mod(in)
	}
	return unordered(call(name, (*dynamodb.Client).Scan, in))
}

// queryPages follows LastEvaluatedKey and returns every page.
func queryPages(name string, in *dynamodb.QueryInput) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var pages []any
		p := dynamodb.NewQueryPaginator(c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			pages = append(pages, out)
		}
		return pages, nil
	}}
}

// scanAllSegments runs a paged parallel scan over every segment and returns the
// union of items (sorted) and the per-segment counts summed.
func scanAllSegments(name, tbl string, total int32, limit int32) Step {
	return unordered(Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var items []Item
		seen := map[string]int{}
		for seg := int32(0); seg < total; seg++ {
			p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: str(tbl), Segment: i32(seg), TotalSegments: i32(total), Limit: i32(limit)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, it := range out.Items {
					items = append(items, it)
					seen[it["pk"].(*types.AttributeValueMemberS).Value+"/"+it["sk"].(*types.AttributeValueMemberN).Value]++
				}
			}
		}
		dups := 0
		for _, n := range seen {
			if n > 1 {
				dups++
			}
		}
		return map[string]any{"Items": items, "Count": len(items), "Duplicates": dups}, nil
	}})
}

func queryScenarios() []Scenario {
	const t = "conf_query"
	steps := []Step{create(table(t, "S", "N"))}
	for _, p := range []string{"a", "b", "c"} {
		for i := 1; i <= 6; i++ {
			steps = append(steps, put("put "+p+itoaC(i), t, I("pk", S(p), "sk", N(itoaC(i)), "even", BOOL(i%2 == 0), "v", S(strings.Repeat(p, i)))))
		}
	}
	pv := func(extra ...any) Item { return I(append([]any{":p", S("a")}, extra...)...) }
	steps = append(steps,
		q("query all", t, "pk = :p", pv(), nil),
		q("query eq", t, "pk = :p AND sk = :v", pv(":v", N("3")), nil),
		q("query lt", t, "pk = :p AND sk < :v", pv(":v", N("3")), nil),
		q("query le", t, "pk = :p AND sk <= :v", pv(":v", N("3")), nil),
		q("query gt", t, "pk = :p AND sk > :v", pv(":v", N("3")), nil),
		q("query ge", t, "pk = :p AND sk >= :v", pv(":v", N("3")), nil),
		q("query between", t, "pk = :p AND sk BETWEEN :a AND :b", pv(":a", N("2"), ":b", N("4")), nil),
		q("query between descending", t, "pk = :p AND sk BETWEEN :a AND :b", pv(":a", N("2"), ":b", N("4")), func(in *dynamodb.QueryInput) { in.ScanIndexForward = boolp(false) }),
		q("query lt descending", t, "pk = :p AND sk < :v", pv(":v", N("3")), func(in *dynamodb.QueryInput) { in.ScanIndexForward = boolp(false) }),
		q("query gt descending", t, "pk = :p AND sk > :v", pv(":v", N("3")), func(in *dynamodb.QueryInput) { in.ScanIndexForward = boolp(false) }),
		q("query reversed operands", t, ":p = pk AND :v < sk", pv(":v", N("4")), nil),
		q("query missing partition", t, "pk = :p", I(":p", S("zzz")), nil),
		q("query limit 2", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Limit = i32(2) }),
		q("query limit equals count", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Limit = i32(6) }),
		q("query limit over count", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Limit = i32(7) }),
		q("query limit before filter", t, "pk = :p", pv(":t", BOOL(true)), func(in *dynamodb.QueryInput) {
			in.Limit = i32(3)
			in.FilterExpression = str("even = :t")
		}),
		q("query start key", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = I("pk", S("a"), "sk", N("4")) }),
		q("query start key descending", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) {
			in.ExclusiveStartKey = I("pk", S("a"), "sk", N("4"))
			in.ScanIndexForward = boolp(false)
		}),
		q("query start key of missing item", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = I("pk", S("a"), "sk", N("2.5")) }),
		q("query start key wrong schema", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = I("pk", S("a")) }),
		queryPages("query paged by 4", &dynamodb.QueryInput{TableName: str(t), KeyConditionExpression: str("pk = :p"), ExpressionAttributeValues: pv(), Limit: i32(4)}),
		queryPages("query paged by 3 with filter", &dynamodb.QueryInput{TableName: str(t), KeyConditionExpression: str("pk = :p"), FilterExpression: str("even = :f"),
			ExpressionAttributeValues: pv(":f", BOOL(false)), Limit: i32(3)}),
		q("query count", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Select = types.SelectCount }),
		q("query count with filter", t, "pk = :p", pv(":t", BOOL(true)), func(in *dynamodb.QueryInput) {
			in.Select = types.SelectCount
			in.FilterExpression = str("even = :t")
		}),
		q("query projection", t, "pk = :p AND sk < :v", pv(":v", N("3")), func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("v, sk") }),
		q("query specific attributes", t, "pk = :p AND sk < :v", pv(":v", N("3")), func(in *dynamodb.QueryInput) {
			in.ProjectionExpression = str("v")
			in.Select = types.SelectSpecificAttributes
		}),
		q("query projection with ALL_ATTRIBUTES", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) {
			in.ProjectionExpression = str("v")
			in.Select = types.SelectAllAttributes
		}),
		q("query specific without projection", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Select = types.SelectSpecificAttributes }),
		q("query all projected without index", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Select = types.SelectAllProjectedAttributes }),
		q("query filter on key", t, "pk = :p", pv(":v", N("1")), func(in *dynamodb.QueryInput) { in.FilterExpression = str("sk > :v") }),
		q("query filter contains", t, "pk = :p", pv(":v", S("aaaa")), func(in *dynamodb.QueryInput) { in.FilterExpression = str("contains(v, :v)") }),
		q("query missing hash condition", t, "sk = :v", I(":v", N("1")), nil),
		q("query hash not equality", t, "pk > :p", pv(), nil),
		q("query or", t, "pk = :p OR sk = :v", pv(":v", N("1")), nil),
		q("query non key attribute", t, "pk = :p AND v = :v", pv(":v", S("a")), nil),
		q("query two sort conditions", t, "pk = :p AND sk > :v AND sk < :w", pv(":v", N("1"), ":w", N("3")), nil),
		q("query wrong value type", t, "pk = :p AND sk = :v", pv(":v", S("1")), nil),
		q("query begins_with on number", t, "pk = :p AND begins_with(sk, :v)", pv(":v", N("1")), nil),
		q("query not equal", t, "pk = :p AND sk <> :v", pv(":v", N("1")), nil),
		q("query limit zero", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.Limit = i32(0) }),
		q("query unknown index", t, "pk = :p", pv(), func(in *dynamodb.QueryInput) { in.IndexName = str("nope") }),
		call("query without key condition", (*dynamodb.Client).Query, &dynamodb.QueryInput{TableName: str(t)}),
		sc("scan all", t, nil),
		sc("scan filter", t, func(in *dynamodb.ScanInput) {
			in.FilterExpression = str("even = :t AND sk > :v")
			in.ExpressionAttributeValues = I(":t", BOOL(true), ":v", N("2"))
		}),
		sc("scan count", t, func(in *dynamodb.ScanInput) { in.Select = types.SelectCount }),
		sc("scan projection", t, func(in *dynamodb.ScanInput) { in.ProjectionExpression = str("pk") }),
		sc("scan filter on key allowed", t, func(in *dynamodb.ScanInput) {
			in.FilterExpression = str("pk = :p")
			in.ExpressionAttributeValues = I(":p", S("b"))
		}),
		scanAllSegments("scan paged", t, 1, 4),
		scanAllSegments("parallel scan 3 segments", t, 3, 2),
		scanAllSegments("parallel scan 7 segments", t, 7, 100),
		sc("scan segment without total", t, func(in *dynamodb.ScanInput) { in.Segment = i32(0) }),
		sc("scan segment out of range", t, func(in *dynamodb.ScanInput) {
			in.Segment = i32(2)
			in.TotalSegments = i32(2)
		}),
		sc("scan limit zero", t, func(in *dynamodb.ScanInput) { in.Limit = i32(0) }),
	)
	// The 1 MB page: 12 items of ~100 KB.
	const big = "conf_query_big"
	steps2 := []Step{create(table(big, "S", "N"))}
	blob := strings.Repeat("x", 100*1024)
	for i := 1; i <= 12; i++ {
		steps2 = append(steps2, put("put big "+itoaC(i), big, I("pk", S("p"), "sk", N(itoaC(i)), "blob", S(blob))))
	}
	steps2 = append(steps2,
		q("query 1MB page", big, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) { in.ProjectionExpression = str("sk") }),
		q("query 1MB page count", big, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) { in.Select = types.SelectCount }),
		q("query second page", big, "pk = :p", I(":p", S("p")), func(in *dynamodb.QueryInput) {
			in.ProjectionExpression = str("sk")
			in.ExclusiveStartKey = I("pk", S("p"), "sk", N("10"))
		}),
		sc("scan 1MB page count", big, func(in *dynamodb.ScanInput) { in.Select = types.SelectCount }),
	)
	return []Scenario{{Name: "query_scan", Tables: []string{t}, Steps: steps}, {Name: "page_size", Tables: []string{big}, Steps: steps2}}
}
