package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// Lookup is a read by a unique constraint: a GetItem of the guard of the
// value (Read.Key), then a GetItem of the owner the guard names, which
// must still hold the value (a guard read before its owner's change
// committed may name an item that no longer holds it).
type Lookup struct {
	Unique *model.Unique
	Values []types.AttributeValue // the value of each field of Unique
	Tenant string                 // the tenant of a tenant-scoped model
}

// Holds reports whether item (the owner read) holds the lookup's value.
func (l *Lookup) Holds(m *model.Model, item map[string]types.AttributeValue) bool {
	want, ok, err := GuardKey(m, l.Tenant, l.Unique, l.Values)
	if err != nil || !ok {
		return false
	}
	vals := make([]types.AttributeValue, len(l.Unique.Fields))
	for i, f := range l.Unique.Fields {
		vals[i] = item[f.Attr]
	}
	got, ok, err := GuardKey(m, l.Tenant, l.Unique, vals)
	return err == nil && ok && KeyID(m, got) == KeyID(m, want)
}

// planLookup makes r a lookup when in is exactly equalities on the fields
// of one unique constraint (and nothing else that a GetItem could not
// serve: no index, filter, scan or count).
func planLookup(in ReadInput, r *Read) bool {
	m := in.Model
	if len(m.Uniques) == 0 || in.ForceScan || in.AnyEntity || in.Index != "" || in.Count || in.Paginated ||
		len(in.Filter.Children) > 0 || in.Filter.Cond != nil {
		return false
	}
	for _, u := range m.Uniques {
		vals, ok := lookupValues(in.Where, u)
		if !ok {
			continue
		}
		key, ok, err := GuardKey(m, in.Tenant, u, vals)
		if err != nil || !ok {
			return false
		}
		r.Operation, r.Key, r.KeyAttrs = GetItem, key, tableKeyAttrs(m)
		r.Lookup = &Lookup{Unique: u, Values: vals, Tenant: in.Tenant}
		r.entity = m.Entity
		if len(in.Projection) > 0 {
			keep := tableKeyAttrs(m)
			for _, f := range u.Fields {
				keep = append(keep, f.Attr)
			}
			if m.Entity != nil {
				keep = append(keep, m.Entity.TypeAttr)
			}
			if m.Tenant {
				keep = append(keep, tenant.Attr)
			}
			var b expr.Builder
			r.Projection = b.Projection(WithKeys(in.Projection, keep))
			r.Names = b.Names()
		}
		return true
	}
	return false
}

// lookupValues returns the values where gives u's fields when where is
// exactly one equality on each of them.
func lookupValues(where []Condition, u *model.Unique) ([]types.AttributeValue, bool) {
	if len(where) != len(u.Fields) {
		return nil, false
	}
	vals := make([]types.AttributeValue, len(u.Fields))
	for i, f := range u.Fields {
		j := findCond(where, f, func(op expr.Op) bool { return op == expr.Eq })
		if j < 0 || len(where[j].Path) != 1 || len(where[j].Values) != 1 || vals[i] != nil {
			return nil, false
		}
		vals[i] = where[j].Values[0]
	}
	return vals, true
}

// GuardRead is the first request of lookup r: the GetItem of the guard.
func (r *Read) GuardRead() *Read {
	return &Read{Operation: GetItem, Table: r.Table, Key: r.Key, Consistent: r.Consistent, KeyAttrs: r.KeyAttrs, Tenant: r.Tenant, tenantModel: r.tenantModel}
}

// OwnerRead is the second request of lookup r, given the guard read (nil
// when the item is no guard of r's constraint): the GetItem of its owner.
func (r *Read) OwnerRead(m *model.Model, guard map[string]types.AttributeValue) *Read {
	scope, ok := guard[GuardAttr].(*types.AttributeValueMemberS)
	owner, isMap := guard[OwnerKeyAttr].(*types.AttributeValueMemberM)
	if !ok || !isMap || scope.Value != GuardScope(m, r.Lookup.Unique) {
		return nil
	}
	or := *r
	or.Key, or.Lookup = owner.Value, nil
	return &or
}
