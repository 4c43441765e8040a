package plan

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// updateFields plans Update(names...): an UpdateItem of the named fields
// (all non-key fields but created_at when none are named) of an existing
// item, with updated_at and the version check and bump. Fields whose value
// would be omitted are removed.
func updateFields(t *Target, names []string) (*Write, error) {
	m := t.Model
	key, err := Key(t, "Update")
	if err != nil {
		return nil, err
	}
	var fieldsBuf [maxShapeFields]*model.Field // fields of the common Update, on the stack
	fields, err := updatedFields(m, names, fieldsBuf[:0])
	if err != nil {
		return nil, err
	}
	derived, err := derivedUpdates(m, "Update", fields)
	if err != nil {
		return nil, err
	}
	fields = append(fields, derived...)
	ch := &Changes{}
	fail := func(err error) (*Write, error) { ch.Undo(); return nil, err }
	t.stampUpdate(ch)
	if m.UpdatedAt != nil {
		fields = append(fields, m.UpdatedAt)
	}
	// vals are the expression's values in the order the expression uses
	// them: an entity's name, the current version, then each field that is
	// set.
	var valsBuf [maxShapeFields]types.AttributeValue
	vals := valsBuf[:0]
	if m.Entity != nil {
		vals = append(vals, entityValue(m))
	}
	zeroVersion := false
	if m.Version != nil {
		cur, err := t.bumpVersion(ch)
		if err != nil {
			return fail(err)
		}
		fields = append(fields, m.Version)
		zeroVersion = cur == 0
		vals = append(vals, versionNumber(cur))
	}
	if len(fields) == 0 {
		return fail(fmt.Errorf("%w: Update %s: nothing to update", errs.ErrValidation, m.Name()))
	}
	var removedBuf [maxShapeFields]bool
	prefix := len(vals)
	removed, vals, err := encodeUpdated(t, fields, vals, removedBuf[:0])
	if err != nil {
		return fail(err)
	}
	w := &Write{Kind: WriteUpdate, Op: "Update", Model: m, Table: t.Table, Key: key, Changes: ch,
		MissingIsNotFound: true, HasConditions: true}
	sh := shape{fields: fields, removed: removed, zeroVersion: zeroVersion}
	if err := renderShape(t, w, sh, vals); err != nil {
		return fail(err)
	}
	if snap := m.SnapshotOf(t.Item); snap != nil {
		// A tracked value remembers what the update wrote, so that a
		// later Save does not send it again (a counter's difference twice).
		w.remember(t, snap.Over(written(fields, removed, vals[prefix:])))
	}
	return w, nil
}

// written is the layer of attributes an update of fields leaves: the
// values set (vals, in order) and nil for the ones removed.
func written(fields []*model.Field, removed []bool, vals []types.AttributeValue) []model.Attr {
	layer := make([]model.Attr, len(fields))
	for i, f := range fields {
		layer[i].Name = f.Attr
		if !removed[i] {
			layer[i].Value, vals = vals[0], vals[1:]
		}
	}
	return layer
}

// updatedFields resolves the fields an Update names (all updatable ones
// when none are), leaving out the ones Update maintains itself.
func updatedFields(m *model.Model, names []string, fields []*model.Field) ([]*model.Field, error) {
	if len(names) == 0 {
		return append(fields, m.Updatable()...), nil
	}
	for _, name := range names {
		f, err := m.MustField(name)
		if err != nil {
			return nil, errs.Within("Update "+m.Name(), err)
		}
		if f.Template != nil {
			return nil, fmt.Errorf("%w: Update %s: %s is a key derived from %s and is written with them; update those fields instead", errs.ErrValidation, m.Name(), f.Attr, f.Template)
		}
		if m.InPrimaryKey(f) {
			return nil, fmt.Errorf("%w: Update %s: %s is part of the primary key and cannot be updated; delete the item and create it with the new key (dynamorm.MoveItem does both in one transaction)", errs.ErrValidation, m.Name(), f.GoName)
		}
		if f == m.Version || f == m.UpdatedAt || slices.Contains(fields, f) {
			continue // maintained by Update, or named twice
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// encodeUpdated encodes each field's value, appending the set ones to vals;
// removed[i] says fields[i] is to be removed (removed's capacity is used
// when it suffices).
func encodeUpdated(t *Target, fields []*model.Field, vals []types.AttributeValue, removed []bool) ([]bool, []types.AttributeValue, error) {
	if cap(removed) >= len(fields) {
		removed = removed[:len(fields)]
	} else {
		removed = make([]bool, len(fields))
	}
	size := 0
	for i, f := range fields {
		av, err := t.fieldValue(f)
		if err != nil {
			return nil, nil, errs.Within("Update "+t.Model.Name(), err)
		}
		if av == nil {
			removed[i] = true
			continue
		}
		size += len(f.Attr) + attr.Size(av)
		vals = append(vals, av)
	}
	if size > MaxItemSize {
		return nil, nil, fmt.Errorf("%w: Update %s: the updated attributes alone are %d bytes; DynamoDB's item limit is %d", errs.ErrValidation, t.Model.Name(), size, MaxItemSize)
	}
	return removed, vals, nil
}

// renderShape fills w's expressions. They depend only on the shape (the
// fields, which of them are removed, whether the version is zero); without
// caller conditions they are rendered once per shape and reused.
func renderShape(t *Target, w *Write, sh shape, vals []types.AttributeValue) error {
	sk, cacheable := sh.key()
	cacheable = cacheable && len(t.Conds) == 0
	if cacheable {
		if r := updateShapes.get(sk); r != nil {
			w.Update, w.Cond, w.Names = r.update, r.cond, maps.Clone(r.names)
			if len(vals) > 0 {
				w.Values = make(map[string]types.AttributeValue, len(vals))
				for k, ph := range r.values {
					w.Values[ph] = vals[k]
				}
			}
			return nil
		}
	}
	var b expr.Builder
	r, extra := renderUpdate(&b, t.Model, sh)
	var err error
	if r.cond, err = renderConds(t, &b, extra...); err != nil {
		return err
	}
	w.Update, w.Cond, w.Names, w.Values = r.update, r.cond, b.Names(), b.Values()
	for k, ph := range r.values {
		w.Values[ph] = vals[k]
	}
	if cacheable {
		r.names = maps.Clone(w.Names)
		updateShapes.put(sk, &r)
	}
	return nil
}

// renderUpdate renders the update expression of a shape and returns the
// conditions Update adds: the item exists, and has the version being
// replaced. Values are placeholders only.
func renderUpdate(b *expr.Builder, m *model.Model, sh shape) (rendered, []string) {
	var r rendered
	extra := make([]string, 1, 2)
	if m.Entity != nil {
		// The stored item is of this entity (which implies that it exists).
		ph := b.Value(nil)
		r.values = append(r.values, ph)
		extra[0] = b.Name(m.Entity.TypeAttr) + " = " + ph
	} else {
		extra[0] = "attribute_exists(" + b.Name(m.PK.Attr) + ")"
	}
	if m.Version != nil {
		ver, cur := b.Name(m.Version.Attr), b.Value(nil)
		r.values = append(r.values, cur)
		if sh.zeroVersion {
			extra = append(extra, "attribute_not_exists("+ver+") OR "+ver+" = "+cur)
		} else {
			extra = append(extra, ver+" = "+cur)
		}
	}
	var u expr.Update
	for i, f := range sh.fields {
		if sh.removed[i] {
			u.Remove(b.Name(f.Attr))
			continue
		}
		ph := b.Value(nil)
		r.values = append(r.values, ph)
		u.Set(b.Name(f.Attr), ph)
	}
	r.update = u.String()
	return r, extra
}
