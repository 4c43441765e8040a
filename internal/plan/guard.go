package plan

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/keyenc"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// A guard item reserves one value of a unique constraint. It lives in the
// model's table under a key of its own partition:
//
//	pk = UNIQUE#<entity or model>#<constraint>#<value>   sk = UNIQUE (if the table has one)
//
// where <value> is the constraint's field values (case-folded where the
// tag says casefold), each encoded with keyenc and joined by '#'. It
// records its owner: OwnerAttr (the owner's key, encoded, which conditions
// compare) and OwnerKeyAttr (the owner's key attributes, for Repair).
const (
	GuardPrefix  = "UNIQUE"     // first segment of every guard's partition key
	GuardSort    = "UNIQUE"     // a guard's sort key, in a table with one
	GuardAttr    = "_unique"    // on every guard: "<entity or model>#<constraint>"
	OwnerAttr    = "_owner"     // the owner's key, encoded
	OwnerKeyAttr = "_owner_key" // the owner's key attributes (a map)
	GuardType    = "_unique"    // an entity table's type attribute of a guard
)

// Guard describes the guard item a guard write puts or deletes.
type Guard struct {
	Unique *model.Unique
	Values []types.AttributeValue // the constraint's field values, as the item holds them
	Owner  map[string]types.AttributeValue
	Put    bool   // a reservation (else a release)
	id     string // the owner's key, encoded (OwnerID)
}

// ValueString is the guarded value for messages: the field values, joined
// by ", ".
func (g *Guard) ValueString() string {
	parts := make([]string, len(g.Values))
	for i, v := range g.Values {
		parts[i] = attr.Format(v)
	}
	return strings.Join(parts, ", ")
}

// GuardScope names a constraint's guards: "<entity or model>#<constraint>",
// the value of their GuardAttr.
func GuardScope(m *model.Model, u *model.Unique) string { return u.Scope }

// GuardKey is the key of the guard of u's value vals (one per field of u,
// none empty) in m's table, and false when a value is empty (an item
// without a value reserves nothing). The guard of a tenant-scoped model
// begins with the prefix of tenantID, so that each tenant's values are
// reserved apart; without a tenant it is ErrTenantRequired.
func GuardKey(m *model.Model, tenantID string, u *model.Unique, vals []types.AttributeValue) (map[string]types.AttributeValue, bool, error) {
	for _, v := range vals {
		if emptyComponent(v) {
			return nil, false, nil
		}
	}
	var stack [128]byte
	buf := stack[:0]
	if m.Tenant {
		if tenantID == "" {
			return nil, false, fmt.Errorf("%w: the unique guards of %s begin with the tenant, and none is given", errs.ErrTenantRequired, m.Name())
		}
		buf = tenant.AppendPrefix(buf, tenantID)
	}
	buf = append(append(buf, GuardPrefix...), keyenc.Separator)
	buf = append(buf, u.Scope...)
	for i, f := range u.Fields {
		buf = append(buf, keyenc.Separator)
		if s, ok := vals[i].(*types.AttributeValueMemberS); ok && f.CaseFold {
			buf = keyenc.AppendString(buf, strings.ToLower(s.Value))
			continue
		}
		var err error
		if buf, err = keyenc.Append(buf, vals[i]); err != nil {
			return nil, false, err
		}
	}
	key := make(map[string]types.AttributeValue, 2)
	key[m.PK.Attr] = &types.AttributeValueMemberS{Value: string(buf)}
	if m.SK != nil {
		key[m.SK.Attr] = guardSort
	}
	return key, true, nil
}

// OfModel reports whether item, read from m's table, is an item of m:
// not one of the guards a model that owns its table shares it with (an
// entity's reads check its type attribute instead, see Read.OfEntity).
func OfModel(m *model.Model, item map[string]types.AttributeValue) bool {
	if m.Entity != nil || len(m.Uniques) == 0 {
		return true
	}
	_, guard := item[GuardAttr]
	return !guard
}

// guardSort is the value of a guard's sort key (never modified).
var guardSort types.AttributeValue = &types.AttributeValueMemberS{Value: GuardSort}

// OwnerID encodes an item's primary key as a guard records it.
func OwnerID(m *model.Model, key map[string]types.AttributeValue) (string, error) {
	var buf []byte
	for i, a := range KeyAttrs(m) {
		if i > 0 {
			buf = append(buf, keyenc.Separator)
		}
		var err error
		if buf, err = keyenc.Append(buf, key[a]); err != nil {
			return "", err
		}
	}
	return string(buf), nil
}

// guardWrite plans the put (reserve) or delete (release) of the guard of
// vals for the item owner. A put succeeds when no guard holds the value or
// when this item already holds it (so a retried write is idempotent); a
// delete when the guard is this item's or is missing (data written before
// the constraint existed), never when another item holds it.
func guardWrite(t *Target, u *model.Unique, vals []types.AttributeValue, owner map[string]types.AttributeValue, put bool) (*Write, error) {
	m := t.Model
	key, ok, err := GuardKey(m, t.Tenant, u, vals)
	if err != nil || !ok {
		return nil, err
	}
	id, err := OwnerID(m, owner)
	if err != nil {
		return nil, err
	}
	var b expr.Builder
	cond := "attribute_not_exists(" + b.Name(m.PK.Attr) + ") OR " + b.Name(OwnerAttr) + " = " + b.Value(&types.AttributeValueMemberS{Value: id})
	w := &Write{Model: m, Table: t.Table, Tenant: t.Tenant, Cond: cond, Names: b.Names(), Values: b.Values(), HasConditions: true,
		Guard: &Guard{Unique: u, Values: vals, Owner: owner, Put: put, id: id}}
	if !put {
		w.Kind, w.Op, w.Key = WriteDelete, "ReleaseUnique", key
		return w, nil
	}
	w.Kind, w.Op, w.Item = WritePut, "ReserveUnique", GuardItem(m, t.Tenant, u, key, id, owner)
	return w, nil
}

// GuardItem is the stored guard of key for the owner whose key is owner
// (encoded as id); a tenant-scoped model's guard stores its tenant.
func GuardItem(m *model.Model, tenantID string, u *model.Unique, key map[string]types.AttributeValue, id string, owner map[string]types.AttributeValue) map[string]types.AttributeValue {
	item := make(map[string]types.AttributeValue, len(key)+4)
	for k, v := range key {
		item[k] = v
	}
	item[GuardAttr] = &types.AttributeValueMemberS{Value: u.Scope}
	item[OwnerAttr] = &types.AttributeValueMemberS{Value: id}
	item[OwnerKeyAttr] = &types.AttributeValueMemberM{Value: owner}
	if m.Entity != nil {
		item[m.Entity.TypeAttr] = &types.AttributeValueMemberS{Value: GuardType}
	}
	if m.Tenant {
		item[tenant.Attr] = &types.AttributeValueMemberS{Value: tenantID}
	}
	return item
}

// All is w followed by its guard writes: what a transaction sends for it.
func (w *Write) All() Writes {
	if len(w.Guards) == 0 {
		return Writes{w}
	}
	return append(Writes{w}, w.Guards...)
}

// WithGuards is ws with each write's guard writes after it.
func (ws Writes) WithGuards() Writes {
	n := 0
	for _, w := range ws {
		n += len(w.Guards)
	}
	if n == 0 {
		return ws
	}
	out := make(Writes, 0, len(ws)+n)
	for _, w := range ws {
		out = append(out, w.All()...)
	}
	return mergeHandovers(out)
}

// mergeHandovers merges, in a transaction, the release of a value by one
// item and its reservation by another (DynamoDB allows one operation per
// item, and both touch the guard) into one reservation that accepts either
// owner: the releasing item's own operation is conditioned on still
// holding the value, so the hand-over is atomic.
func mergeHandovers(ws Writes) Writes {
	seen := map[string]int{}
	out := ws[:0:0]
	for _, w := range ws {
		if w.Guard == nil {
			out = append(out, w)
			continue
		}
		id := w.ID()
		j, dup := seen[id]
		if !dup || out[j].Guard.Put == w.Guard.Put {
			seen[id] = len(out)
			out = append(out, w)
			continue
		}
		put, release := out[j], w
		if w.Guard.Put {
			put, release = w, out[j]
		}
		out[j] = handover(put, release)
	}
	return out
}

// handover is reservation put, which may take the value from the owner
// release releases.
func handover(put, release *Write) *Write {
	var b expr.Builder
	owner := b.Name(OwnerAttr)
	n := *put
	n.Cond = "attribute_not_exists(" + b.Name(put.Model.PK.Attr) + ") OR " + owner + " = " + b.Value(&types.AttributeValueMemberS{Value: put.Guard.id}) +
		" OR " + owner + " = " + b.Value(&types.AttributeValueMemberS{Value: release.Guard.id})
	n.Names, n.Values = b.Names(), b.Values()
	return &n
}
