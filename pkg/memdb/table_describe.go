package memdb

import (
	"fmt"
	"sort"
)

func tpDesc(r, w int64) map[string]any {
	return map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": r, "WriteCapacityUnits": w}
}

func (t *table) arn() string { return "arn:aws:dynamodb:us-east-1:000000000000:table/" + t.name }

func (t *table) describe(status string) map[string]any {
	d := map[string]any{
		"TableName":                 t.name,
		"TableStatus":               status,
		"AttributeDefinitions":      t.attrDefs,
		"KeySchema":                 t.keyElems,
		"CreationDateTime":          float64(t.created.UnixMilli()) / 1000,
		"ProvisionedThroughput":     tpDesc(t.rcu, t.wcu),
		"TableSizeBytes":            t.store.bytes.Load(),
		"ItemCount":                 t.store.count.Load(),
		"TableArn":                  t.arn(),
		"TableId":                   fmt.Sprintf("%08x-0000-0000-0000-000000000000", len(t.name)),
		"DeletionProtectionEnabled": t.protect,
	}
	if t.billing == "PAY_PER_REQUEST" {
		d["BillingModeSummary"] = map[string]any{"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": float64(t.created.UnixMilli()) / 1000}
	}
	if t.tableClass != "" {
		d["TableClassSummary"] = map[string]any{"TableClass": t.tableClass}
	}
	t.describeStream(d)
	var lsis, gsis []any
	for _, ix := range t.lsis {
		lsis = append(lsis, map[string]any{"IndexName": ix.name, "KeySchema": ix.keyElems, "Projection": ix.proj,
			"IndexSizeBytes": ix.store.bytes.Load(), "ItemCount": ix.store.count.Load(), "IndexArn": t.arn() + "/index/" + ix.name})
	}
	for _, ix := range t.gsis {
		gsis = append(gsis, map[string]any{"IndexName": ix.name, "KeySchema": ix.keyElems, "Projection": ix.proj,
			"IndexStatus": "ACTIVE", "ProvisionedThroughput": map[string]any{"ReadCapacityUnits": ix.rcu, "WriteCapacityUnits": ix.wcu},
			"IndexSizeBytes": ix.store.bytes.Load(), "ItemCount": ix.store.count.Load(), "IndexArn": t.arn() + "/index/" + ix.name})
	}
	if lsis != nil {
		d["LocalSecondaryIndexes"] = lsis
	}
	if gsis != nil {
		d["GlobalSecondaryIndexes"] = gsis
	}
	return d
}

func (s *Server) describeTable(body []byte) (any, *apiError) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return locked(s, false, s.tableNamed(in.TableName), func(t *table) (any, *apiError) {
		return map[string]any{"Table": t.describe("ACTIVE")}, nil
	})
}

func (s *Server) listTables(body []byte) (any, *apiError) {
	var in struct {
		ExclusiveStartTableName string
		Limit                   *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 {
			return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
		}
		if *in.Limit > 100 {
			return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", *in.Limit)
		}
		limit = *in.Limit
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		if n > in.ExclusiveStartTableName {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	sort.Strings(names)
	out := map[string]any{}
	if len(names) > limit {
		names = names[:limit]
		out["LastEvaluatedTableName"] = names[limit-1]
	}
	out["TableNames"] = names
	return out, nil
}
