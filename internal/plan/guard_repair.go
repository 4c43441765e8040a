package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/keyenc"
	"github.com/dynamorm/dynamorm/internal/model"
)

// GuardScan is a strongly consistent Scan of the guards of m's unique
// constraints in table (of tenant tenantID's, for a tenant-scoped model).
func GuardScan(m *model.Model, tenantID, table string) *Read {
	var b expr.Builder
	name := m.Name()
	if m.Entity != nil {
		name = m.Entity.Name
	}
	prefix := string(append(keyenc.AppendString(nil, name), keyenc.Separator))
	r := &Read{Operation: Scan, Table: table, Forward: true, Consistent: true, KeyAttrs: tableKeyAttrs(m)}
	r.Filter = "begins_with(" + b.Name(GuardAttr) + ", " + b.Value(&types.AttributeValueMemberS{Value: prefix}) + ")"
	if m.Tenant {
		r.Filter += " AND " + tenantIs(&b, tenantID)
	}
	r.Names, r.Values = b.Names(), b.Values()
	return r
}

// ItemValues are u's values in item (the stored attributes).
func ItemValues(u *model.Unique, item map[string]types.AttributeValue) []types.AttributeValue {
	vals := make([]types.AttributeValue, len(u.Fields))
	for i, f := range u.Fields {
		vals[i] = item[f.Attr]
	}
	return vals
}

// ReserveFor is the reservation of u's value vals for owner, in table
// (for tenant tenantID, of a tenant-scoped model);
// with previous (an owner's encoded key) it may take the guard over from
// that owner too.
func ReserveFor(m *model.Model, tenantID, table string, u *model.Unique, vals []types.AttributeValue, owner map[string]types.AttributeValue, previous string) (*Write, error) {
	w, err := guardWrite(&Target{Model: m, Table: table, Tenant: tenantID}, u, vals, owner, true)
	if err != nil || w == nil || previous == "" {
		return w, err
	}
	return handover(w, &Write{Guard: &Guard{id: previous}}), nil
}

// ReleaseGuard is the delete of the guard item guard, on the condition
// that it still has the owner it was read with.
func ReleaseGuard(m *model.Model, table string, guard map[string]types.AttributeValue) *Write {
	var b expr.Builder
	return &Write{Kind: WriteDelete, Op: "ReleaseUnique", Model: m, Table: table, Key: KeyOf(guard, KeyAttrs(m)), HasConditions: true,
		Cond: b.Name(OwnerAttr) + " = " + b.Value(guard[OwnerAttr]), Names: b.Names(), Values: b.Values()}
}
