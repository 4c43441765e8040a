package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// Prior is what a write knows of the stored item before it: the values
// of its unique fields (Item nil: no item is stored). A write that may
// release a value needs it, to know which guard to release; the write is
// then conditioned on the item still holding those values, so that a
// concurrent change makes it fail instead of releasing the wrong guard.
//
// The values are read (a GetItem before the write), or remembered (the
// snapshot of a tracked value), or assumed (Assume): then a failure of the
// write's condition whose stored item shows other values plans the write
// again on them (Write.Retry).
type Prior struct {
	Item map[string]types.AttributeValue
	// OrAbsent: the write's condition also accepts no stored item (a
	// Delete, an upsert without created_at), whose guards it then
	// reserves or releases as for Item (releasing is conditioned on
	// ownership, so only this key's orphans can go).
	OrAbsent bool
	// Assumed: Item was not read; a failure that disproves it is retried.
	Assumed bool
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
// touches (or either, with OrAbsent).
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
	held := Cond{Kind: CondHolds, OrAbsent: t.Prior.OrAbsent}
	for _, u := range t.Model.Uniques {
		if !touches(t, s, u) {
			continue
		}
		for _, f := range u.Fields {
			c := expr.Cond{Path: f.AttrPath(), Op: expr.NotExists}
			if v, ok := t.Prior.Item[f.Attr]; ok {
				c.Op, c.Values = expr.Eq, []types.AttributeValue{v}
			}
			held.All = append(held.All, c)
		}
	}
	t.Conds = append(conds, held)
	return nil
}

// Assume is the prior write s of t (which NeedsPrior) can go without
// reading, or nil when the stored values cannot be known and must be read:
//
//   - a Save: the values its tracked value read (a stale snapshot is a
//     conflict for the caller, as any other change a Save did not see);
//   - with retry (a write sent on its own, not in a transaction):
//   - a tracked value that was read: its snapshot's values;
//   - otherwise the values the write leaves (the Go value's, an
//     UpdateBuilder's Set): a write that keeps its unique values is then
//     one request with no guard write, a Delete releases what its value
//     holds; a Delete whose value holds none of them (a key alone) is nil.
func Assume(t *Target, s WriteSpec, retry bool) (*Prior, error) {
	if s.Op == OpSave {
		return PriorOf(t), nil
	}
	if !retry {
		return nil, nil
	}
	orAbsent := s.Op == OpDelete || s.Op == OpUpsert && t.Model.CreatedAt == nil
	if t.Model.SnapshotOf(t.Item) != nil {
		p := PriorOf(t)
		p.Assumed, p.OrAbsent = true, s.Op == OpDelete
		return p, nil
	}
	p := &Prior{Item: map[string]types.AttributeValue{}, Assumed: true, OrAbsent: orAbsent}
	held := false
	for _, u := range t.Model.Uniques {
		if !touches(t, s, u) {
			continue
		}
		for _, f := range u.Fields {
			v, err := leftValue(t, s, f)
			if err != nil {
				return nil, err
			}
			if v != nil {
				p.Item[f.Attr] = v
			}
			held = held || !emptyComponent(v)
		}
	}
	if s.Op == OpDelete && !held {
		return nil, nil // a key alone: which values the item holds is unknown
	}
	return p, nil
}

// leftValue is the value of unique field f that write s of t leaves: an
// UpdateBuilder's Set or Remove of it, or else the Go value's.
func leftValue(t *Target, s WriteSpec, f *model.Field) (types.AttributeValue, error) {
	if (s.Op == OpUpdateBuild || s.Op == OpUpsertBuild) && t.Actions != nil {
		if v, set, err := actionValue(t, f); err != nil || set {
			return v, err
		}
	}
	return t.Codec.EncodeAttr(t.Item, f.Attr)
}

// replan is what a write planned on an assumed prior needs to be planned
// again (Write.Retry).
type replan struct {
	t     Target // before the prior's conditions were added
	s     WriteSpec
	prior *Prior
}

// Retry is w planned again on stored, the item DynamoDB returned when
// w's condition failed (nil: none is stored), when w was planned on an
// assumed prior that stored disproves: other values of the constraints
// it touches, or no item where w assumed one (a Delete, an upsert). It
// is nil when the failure is w's own (a version, a caller's condition, a
// missing item for an Update, another entity's item): its error stands.
// The retry is conditioned on stored's values, so a change racing it fails
// it as any conditional write.
func (w *Write) Retry(stored map[string]types.AttributeValue) (*Write, error) {
	r := w.retry
	if r == nil {
		return nil, nil
	}
	t := r.t
	if stored == nil {
		if r.prior.OrAbsent || (r.s.Op != OpDelete && r.s.Op != OpUpsert && r.s.Op != OpUpsertBuild) {
			return nil, nil
		}
		t.Prior = &Prior{}
		return PlanWrite(t, r.s)
	}
	if e := t.Model.Entity; e != nil {
		if s, ok := stored[e.TypeAttr].(*types.AttributeValueMemberS); !ok || s.Value != e.Name {
			return nil, nil
		}
	}
	if !r.prior.disprovedBy(&t, r.s, stored) {
		return nil, nil
	}
	t.Prior = &Prior{Item: stored}
	return PlanWrite(t, r.s)
}

// disprovedBy reports whether stored holds other values than p for a
// constraint write s of t touches.
func (p *Prior) disprovedBy(t *Target, s WriteSpec, stored map[string]types.AttributeValue) bool {
	for _, u := range t.Model.Uniques {
		if !touches(t, s, u) {
			continue
		}
		for _, f := range u.Fields {
			if !attr.Equal(stored[f.Attr], p.Item[f.Attr]) {
				return true
			}
		}
	}
	return false
}
