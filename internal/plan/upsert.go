package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// upsert plans CreateOrUpdate: a put whether or not the item exists (a
// version field must match the stored one). With a created_at field it is
// an UpdateItem instead, so that the stored creation time survives
// (created_at = if_not_exists(created_at, :now)) and is read back into the
// Go value.
func upsert(t *Target) (*Write, error) {
	const op = "CreateOrUpdate"
	ch := &Changes{}
	fail := func(err error) (*Write, error) { ch.Undo(); return nil, err }
	t.stampCreate(ch)
	var b expr.Builder
	extra := []string{absentOrEntity(&b, t.Model)}
	if t.Model.Version != nil {
		cur, err := t.bumpVersion(ch)
		if err != nil {
			return fail(err)
		}
		extra = append(extra, notExists(&b, t.Model)+" OR "+b.Name(t.Model.Version.Attr)+" = "+b.Value(versionNumber(cur)))
	}
	var w *Write
	var err error
	if t.Model.CreatedAt == nil {
		w, err = put(t, op, ch)
	} else {
		w, err = upsertKeepingCreated(t, &b, ch)
	}
	if err != nil {
		return fail(err)
	}
	if w.Cond, err = renderConds(t, &b, extra...); err != nil {
		return fail(err)
	}
	w.Names, w.Values = b.Names(), b.Values()
	return w, nil
}

// upsertKeepingCreated renders the UpdateItem of an upsert whose model has
// a created_at field.
func upsertKeepingCreated(t *Target, b *expr.Builder, ch *Changes) (*Write, error) {
	const op = "CreateOrUpdate"
	key, err := Key(t, op)
	if err != nil {
		return nil, err
	}
	item, err := t.Codec.Encode(t.Item)
	if err != nil {
		return nil, errs.Within(op+" "+t.Model.Name(), err)
	}
	if err := deriveItem(t.Model, t.Tenant, item, op); err != nil {
		return nil, err
	}
	if err := checkSize(t.Model, op, item); err != nil {
		return nil, err
	}
	created, codec, dest := t.Model.CreatedAt, t.Codec, t.Item
	var u expr.Update
	for _, f := range upsertedFields(t.Model) {
		if f == t.Model.PK || f == t.Model.SK {
			continue // in the request's Key
		}
		name := b.Name(f.Attr)
		av, ok := item[f.Attr]
		switch {
		case f == created:
			if ok {
				u.Set(name, "if_not_exists("+name+", "+b.Value(av)+")")
			}
		case ok:
			u.Set(name, b.Value(av))
		default:
			u.Remove(name)
		}
	}
	w := &Write{Kind: WriteUpdate, Op: op, Model: t.Model, Table: t.Table, Key: key, Changes: ch,
		Update: u.String(), ReturnValues: types.ReturnValueUpdatedNew, HasConditions: true,
		OnResult: func(attrs map[string]types.AttributeValue) error {
			stored, ok := attrs[created.Attr]
			if !ok {
				return nil
			}
			return codec.Decode(map[string]types.AttributeValue{created.Attr: stored}, dest)
		}}
	if t.Model.Track != nil {
		w.remember(t, &model.Snapshot{Item: item})
	}
	return w, nil
}

// upsertedFields are the attributes an upsert writes: every field and, for
// an entity, its derived index keys (which are set, or removed when a
// component has no value), its entity type and (tenant-scoped) its tenant.
func upsertedFields(m *model.Model) []*model.Field {
	if m.Entity == nil {
		return m.Fields
	}
	out := append([]*model.Field(nil), m.Fields...)
	out = append(out, m.Entity.Keys...)
	out = append(out, &model.Field{GoName: m.Entity.TypeAttr, Attr: m.Entity.TypeAttr})
	if m.Tenant {
		out = append(out, tenantField)
	}
	return out
}
