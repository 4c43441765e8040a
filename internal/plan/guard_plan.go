package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
)

// planGuards adds to w (the write s of t) the guard writes that keep t's
// unique constraints: for each constraint whose value changes, a release
// of the old value's guard and a reservation of the new one's.
func planGuards(t *Target, s WriteSpec, w *Write) error {
	m := t.Model
	if s.Op == OpCheck {
		return nil
	}
	if s.Op == OpBatchPut {
		return fmt.Errorf("%w: %s %s has unique constraints (%s), which a BatchWriteItem cannot maintain; write the items with Create, or several in one db.Transaction",
			errs.ErrValidation, nameOr(t.OpName, "BatchWrite"), m.Name(), m.Uniques[0].Name)
	}
	owner := w.KeyMap()
	for _, u := range m.Uniques {
		if !touches(t, s, u) {
			continue
		}
		old := priorValues(t, s, u)
		next, err := nextValues(t, s, u, old)
		if err != nil {
			return err
		}
		oldKey, hadOld, err := GuardKey(m, t.Tenant, u, old)
		if err != nil {
			return errs.Within(w.Op+" "+m.Name(), err)
		}
		newKey, hasNew, err := GuardKey(m, t.Tenant, u, next)
		if err != nil {
			return fmt.Errorf("%w: %s %s: unique %s: %v", errs.ErrValidation, w.Op, m.Name(), u.Name, err)
		}
		stays := hadOld && hasNew && KeyID(m, oldKey) == KeyID(m, newKey)
		if stays && (t.Prior == nil || !t.Prior.OrAbsent) {
			continue // the value stays: its guard stays
		}
		// (With OrAbsent the item may be missing: its value is reserved
		// anyway, which is idempotent for the item that holds it.)
		for _, g := range []struct {
			on   bool
			vals []types.AttributeValue
			put  bool
		}{{hadOld && !stays, old, false}, {hasNew, next, true}} {
			if !g.on {
				continue
			}
			gw, err := guardWrite(t, u, g.vals, owner, g.put)
			if err != nil {
				return errs.Within(w.Op+" "+m.Name(), err)
			}
			w.Guards = append(w.Guards, gw)
		}
	}
	if f := m.CreatedAt; f != nil && len(w.Guards) > 0 && w.OnResult != nil && t.Prior != nil && t.Prior.Item[f.Attr] != nil {
		w.Known = map[string]types.AttributeValue{f.Attr: t.Prior.Item[f.Attr]}
	}
	return nil
}

// priorValues are u's values in the stored item before the write (nil
// values when there is none, or for a create).
func priorValues(t *Target, s WriteSpec, u *model.Unique) []types.AttributeValue {
	out := make([]types.AttributeValue, len(u.Fields))
	if s.Op == OpCreate || t.Prior == nil || t.Prior.Item == nil {
		return out
	}
	for i, f := range u.Fields {
		out[i] = t.Prior.Item[f.Attr]
	}
	return out
}

// nextValues are u's values in the item the write leaves: none after a
// delete; an UpdateBuilder's Set or Remove of a field; the Go value's
// field when the write writes it; the prior value otherwise.
func nextValues(t *Target, s WriteSpec, u *model.Unique, old []types.AttributeValue) ([]types.AttributeValue, error) {
	out := make([]types.AttributeValue, len(u.Fields))
	if s.Op == OpDelete {
		return out, nil
	}
	var written []*model.Field
	if s.Op == OpUpdate {
		written, _ = updatedFields(t.Model, s.Fields, nil)
	}
	for i, f := range u.Fields {
		out[i] = old[i]
		switch s.Op {
		case OpUpdateBuild, OpUpsertBuild:
			v, set, err := actionValue(t, f)
			if err != nil {
				return nil, err
			}
			if set {
				out[i] = v
			}
			continue
		case OpUpdate:
			if !containsField(written, f) {
				continue
			}
		}
		v, err := t.Codec.EncodeAttr(t.Item, f.Attr)
		if err != nil {
			return nil, errs.Within(t.Model.Name(), err)
		}
		out[i] = v
	}
	return out, nil
}

// actionValue is the value an UpdateBuilder's actions give unique field f:
// set is false when no action changes it; a removed field has none. Any
// other change (ADD, if_not_exists, a document path below it) is refused:
// the new value, and so its guard, would not be known.
func actionValue(t *Target, f *model.Field) (types.AttributeValue, bool, error) {
	for _, a := range t.Actions.List {
		if a.Field != f {
			continue
		}
		switch {
		case a.Kind == ActSet && len(a.Path) == 1:
			return a.Value, true, nil
		case a.Kind == ActRemove && len(a.Path) == 1:
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("%w: UpdateBuilder %s: %s is unique (constraint %s), and its guard needs the new value: change it with Set or Remove (not an arithmetic, if_not_exists, list or nested update)",
			errs.ErrValidation, t.Model.Name(), f.GoName, f.Unique)
	}
	return nil, false, nil
}
