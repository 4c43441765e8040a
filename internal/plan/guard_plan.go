package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// Prior is what a write knows of the stored item before it: the values
// of its unique fields (Item nil: no item is stored). A write that may
// release a value needs it, to know which guard to release; the write is
// then conditioned on the item still holding those values, so that a
// concurrent change makes it fail instead of releasing the wrong guard.
type Prior struct {
	Item map[string]types.AttributeValue
}

// NeedsPrior reports whether the write s of t needs t.Prior: a model with
// unique constraints, and a write that may change or release a constrained
// value of an item that may exist (CreateOrUpdate, an Update naming a
// constrained field, Delete). It returns the attributes to read.
func NeedsPrior(t *Target, s WriteSpec) ([]string, bool) {
	m := t.Model
	if len(m.Uniques) == 0 || s.Op == OpCreate || s.Op == OpCheck || s.Op == OpBatchPut ||
		s.Op == OpSave && m.SnapshotOf(t.Item) == nil { // a Save of a value never read creates it
		return nil, false
	}
	var attrs []string
	for _, u := range m.Uniques {
		if touches(t, s, u) {
			for _, f := range u.Fields {
				attrs = append(attrs, f.Attr)
			}
		}
	}
	if len(attrs) > 0 && s.Op == OpUpsert && m.CreatedAt != nil {
		// A transaction returns no attributes: the stored creation time,
		// which the upsert keeps, is read with the values (see Known).
		attrs = append(attrs, m.CreatedAt.Attr)
	}
	return attrs, len(attrs) > 0
}

// touches reports whether write s of t writes (or, for a delete, removes)
// a field of u.
func touches(t *Target, s WriteSpec, u *model.Unique) bool {
	switch s.Op {
	case OpUpdate:
		fields, err := updatedFields(t.Model, s.Fields, nil)
		if err != nil {
			return false // the update itself reports it
		}
		for _, f := range fields {
			if u.Has(f) {
				return true
			}
		}
		return false
	case OpSave:
		return savedChanges(t, u)
	case OpUpdateBuild, OpUpsertBuild:
		if t.Actions == nil {
			return false
		}
		for _, a := range t.Actions.List {
			if a.Field != nil && u.Has(a.Field) {
				return true
			}
		}
		return false
	}
	return true
}

// savedChanges reports whether a Save of t changes a field of u: its Go
// value differs from what the tracked value read (a Save of a value never
// read creates the item, which writes every field).
func savedChanges(t *Target, u *model.Unique) bool {
	snap := t.Model.SnapshotOf(t.Item)
	if snap == nil {
		return true
	}
	for _, f := range u.Fields {
		av, err := t.Codec.EncodeAttr(t.Item, f.Attr)
		if err != nil {
			return true // the save itself reports it
		}
		if read, _ := snap.Get(f.Attr); !attr.Equal(av, read) {
			return true
		}
	}
	return false
}

// PriorOf is the prior of a Save of t: the values its tracked value read.
func PriorOf(t *Target) *Prior {
	snap := t.Model.SnapshotOf(t.Item)
	if snap == nil {
		return &Prior{}
	}
	item := map[string]types.AttributeValue{}
	for _, u := range t.Model.Uniques {
		for _, f := range u.Fields {
			if v, ok := snap.Get(f.Attr); ok && v != nil {
				item[f.Attr] = v
			}
		}
	}
	return &Prior{Item: item}
}

// holdPrior adds to t's conditions that the stored item is as t.Prior
// says: absent, or holding the prior values of every constraint the write
// touches.
func holdPrior(t *Target, s WriteSpec) error {
	if _, need := NeedsPrior(t, s); !need {
		return nil
	}
	if t.Prior == nil {
		return fmt.Errorf("dynamorm: %s: the stored values of its unique fields were not read", t.Model.Name())
	}
	conds := append([]Cond(nil), t.Conds...)
	if t.Prior.Item == nil {
		t.Conds = append(conds, Cond{Kind: CondNotExists})
		return nil
	}
	for _, u := range t.Model.Uniques {
		if !touches(t, s, u) {
			continue
		}
		for _, f := range u.Fields {
			c := expr.Cond{Path: f.AttrPath(), Op: expr.NotExists}
			if v, ok := t.Prior.Item[f.Attr]; ok {
				c.Op, c.Values = expr.Eq, []types.AttributeValue{v}
			}
			conds = append(conds, Cond{Kind: CondField, Cond: c})
		}
	}
	t.Conds = conds
	return nil
}

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
		oldKey, hadOld, err := GuardKey(m, u, old)
		if err != nil {
			return errs.Within(w.Op+" "+m.Name(), err)
		}
		newKey, hasNew, err := GuardKey(m, u, next)
		if err != nil {
			return fmt.Errorf("%w: %s %s: unique %s: %v", errs.ErrValidation, w.Op, m.Name(), u.Name, err)
		}
		if hadOld && hasNew && KeyID(m, oldKey) == KeyID(m, newKey) {
			continue // the value stays: its guard stays
		}
		for _, g := range []struct {
			on   bool
			vals []types.AttributeValue
			put  bool
		}{{hadOld, old, false}, {hasNew, next, true}} {
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
