package difftest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/tests/conformance"
)

// query is a random Query on the table or one of its indexes, paged to the end.
// On an index, ties between equal index keys have no defined order, so the
// union of the pages is compared instead of the pages.
func (g *Gen) query() conformance.Step {
	s := g.schema
	hash, rng, rangeType := "pk", "", s.RangeType
	if s.RangeType != "" {
		rng = "sk"
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Name)}
	indexes := append(append([]Index(nil), s.GSIs...), s.LSIs...)
	onIndex := len(indexes) > 0 && g.chance(0.5)
	if onIndex {
		ix := indexes[g.pick(len(indexes))]
		in.IndexName = aws.String(ix.Name)
		hash, rng = ix.Hash, ix.Range
		rangeType = s.IndexKeyTypes[rng]
		if rng == "sk" {
			rangeType = s.RangeType
		}
	}
	hashType := s.HashType
	if hash != "pk" {
		hashType = s.IndexKeyTypes[hash]
	}
	e := g.expr()
	hv := g.scalar(hashType)
	if hash == "pk" && len(g.keys) > 0 && g.chance(0.8) {
		hv = g.keys[g.pick(len(g.keys))]["pk"]
	}
	kc := e.name(hash) + " = " + e.val(hv)
	if rng != "" && g.chance(0.6) {
		r := e.name(rng)
		switch g.pick(4) {
		case 0:
			kc += " AND " + r + " " + g.oneOf("=", "<", "<=", ">", ">=") + " " + e.val(g.scalar(rangeType))
		case 1:
			kc += " AND " + r + " BETWEEN " + e.val(g.scalar(rangeType)) + " AND " + e.val(g.scalar(rangeType))
		case 2:
			kc += " AND begins_with(" + r + ", " + e.val(g.scalar(rangeType)) + ")"
		default:
			kc = "(" + kc + ")"
		}
	}
	in.KeyConditionExpression = aws.String(kc)
	if g.chance(0.3) {
		in.FilterExpression = aws.String(e.cond(1))
	}
	if g.chance(0.3) {
		in.ProjectionExpression = aws.String(e.projection())
	} else if g.chance(0.2) {
		in.Select = []types.Select{types.SelectCount, types.SelectAllAttributes, types.SelectAllProjectedAttributes}[g.pick(3)]
	}
	if !onIndex && g.chance(0.5) {
		in.Limit = aws.Int32(int32(1 + g.pick(3)))
	}
	in.ScanIndexForward = aws.Bool(g.chance(0.7))
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
	st := conformance.Step{Name: "Query " + render(in), Unordered: onIndex}
	st.Do = func(ctx context.Context, c *dynamodb.Client) (any, error) {
		p := dynamodb.NewQueryPaginator(c, in)
		var pages []any
		var items []Item
		count, scanned := int32(0), int32(0)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			pages = append(pages, out)
			items = append(items, out.Items...)
			count, scanned = count+out.Count, scanned+out.ScannedCount
		}
		if onIndex {
			return map[string]any{"Items": items, "Count": count, "ScannedCount": scanned}, nil
		}
		return pages, nil
	}
	return st
}

// scan is a random Scan, optionally parallel and on an index; the union of
// every page of every segment is compared, as order is not defined.
func (g *Gen) scan() conformance.Step {
	s := g.schema
	in := &dynamodb.ScanInput{TableName: aws.String(s.Name)}
	indexes := append(append([]Index(nil), s.GSIs...), s.LSIs...)
	if len(indexes) > 0 && g.chance(0.4) {
		in.IndexName = aws.String(indexes[g.pick(len(indexes))].Name)
	}
	e := g.expr()
	if g.chance(0.5) {
		in.FilterExpression = aws.String(e.cond(2))
	}
	if g.chance(0.3) {
		in.ProjectionExpression = aws.String(e.projection())
	}
	if g.chance(0.4) {
		in.Limit = aws.Int32(int32(1 + g.pick(4)))
	}
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
	total := int32(1)
	if g.chance(0.3) {
		total = int32(2 + g.pick(3))
	}
	st := conformance.Step{Name: "Scan " + render(in) + " segments " + render(total), Unordered: true}
	st.Do = func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var items []Item
		count, scanned := int32(0), int32(0)
		for seg := int32(0); seg < total; seg++ {
			cp := *in
			if total > 1 {
				cp.Segment, cp.TotalSegments = aws.Int32(seg), aws.Int32(total)
			}
			p := dynamodb.NewScanPaginator(c, &cp)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				items = append(items, out.Items...)
				count, scanned = count+out.Count, scanned+out.ScannedCount
			}
		}
		return map[string]any{"Items": items, "Count": count, "ScannedCount": scanned}, nil
	}
	return st
}

// distinctKeys returns up to n keys with no duplicates.
func (g *Gen) distinctKeys(n int) []Item {
	var out []Item
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		k := g.Key()
		id := render(k)
		if !seen[id] {
			seen[id] = true
			out = append(out, k)
		}
	}
	return out
}

func (g *Gen) batchWrite() conformance.Step {
	var reqs []types.WriteRequest
	seen := map[string]bool{}
	for i, n := 0, 1+g.pick(4); i < n; i++ {
		if g.chance(0.7) {
			it := g.Item()
			id := render(Item{"pk": it["pk"], "sk": it["sk"]})
			if !seen[id] {
				seen[id] = true
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
			}
			continue
		}
		k := g.Key()
		if id := render(Item{"pk": k["pk"], "sk": k["sk"]}); !seen[id] {
			seen[id] = true
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
		}
	}
	return step("BatchWriteItem", (*dynamodb.Client).BatchWriteItem, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{g.schema.Name: reqs}})
}

func (g *Gen) batchGet() conformance.Step {
	ka := types.KeysAndAttributes{Keys: g.distinctKeys(1 + g.pick(4)), ConsistentRead: aws.Bool(true)}
	if g.chance(0.4) {
		e := g.expr()
		ka.ProjectionExpression = aws.String(e.projection())
		ka.ExpressionAttributeNames = e.namesOrNil()
	}
	st := step("BatchGetItem", (*dynamodb.Client).BatchGetItem, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{g.schema.Name: ka}})
	st.Unordered = true
	return st
}

func (g *Gen) transactWrite() conformance.Step {
	t := aws.String(g.schema.Name)
	var items []types.TransactWriteItem
	for _, k := range g.distinctKeys(1 + g.pick(3)) {
		e := g.expr()
		var cond *string
		if g.chance(0.5) {
			cond = aws.String(e.cond(1))
		}
		var ti types.TransactWriteItem
		switch g.pick(4) {
		case 0:
			it := g.Item()
			for n, v := range k {
				it[n] = v
			}
			ti.Put = &types.Put{TableName: t, Item: it, ConditionExpression: cond}
		case 1:
			ti.Update = &types.Update{TableName: t, Key: k, UpdateExpression: aws.String(e.update()), ConditionExpression: cond}
		case 2:
			ti.Delete = &types.Delete{TableName: t, Key: k, ConditionExpression: cond}
		default:
			if cond == nil {
				cond = aws.String(e.cond(1))
			}
			ti.ConditionCheck = &types.ConditionCheck{TableName: t, Key: k, ConditionExpression: cond,
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
		}
		names, values := e.namesOrNil(), e.valuesOrNil()
		switch {
		case ti.Put != nil:
			ti.Put.ExpressionAttributeNames, ti.Put.ExpressionAttributeValues = names, values
		case ti.Update != nil:
			ti.Update.ExpressionAttributeNames, ti.Update.ExpressionAttributeValues = names, values
		case ti.Delete != nil:
			ti.Delete.ExpressionAttributeNames, ti.Delete.ExpressionAttributeValues = names, values
		default:
			ti.ConditionCheck.ExpressionAttributeNames, ti.ConditionCheck.ExpressionAttributeValues = names, values
		}
		items = append(items, ti)
	}
	return step("TransactWriteItems", (*dynamodb.Client).TransactWriteItems, &dynamodb.TransactWriteItemsInput{TransactItems: items})
}
