package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// ActionKind is one kind of UpdateBuilder action.
type ActionKind uint8

// The update actions.
const (
	ActSet ActionKind = iota
	ActSetIfNotExists
	ActAdd
	ActRemove
	ActDelete
	ActAppend
	ActPrepend
)

// Action is one UpdateBuilder action, its value already encoded.
type Action struct {
	Kind  ActionKind
	Field *model.Field // nil for document paths below a field
	Path  []string
	Value types.AttributeValue
}

// Actions is an UpdateBuilder's update: its actions in order, its own
// conditions, the version it requires (ConditionVersion) and what it returns.
type Actions struct {
	Key          map[string]types.AttributeValue
	List         []Action
	Conds        expr.Node
	Version      *int64
	ReturnValues types.ReturnValue
	// Components are the values of an entity's primary-key components
	// (from the model value or the Where conditions that gave Key), from
	// which derived index keys are recomputed.
	Components map[*model.Field]types.AttributeValue
	// NullLists renders appends and prepends for attributes stored as NULL
	// (a nil slice): SET to the given list, on the condition that the
	// attribute is NULL, since list_append refuses a NULL operand.
	NullLists bool
}

// updateActions plans an UpdateBuilder's update of the item with key
// a.Key: the actions, then the lifecycle fields no action sets (updated_at,
// the version bump, and for an upsert created_at and non-key ULIDs, filled
// with if_not_exists), the version check, then a's and t's conditions. An
// update requires the item to exist; an upsert creates it when missing, as
// one UpdateItem, its version starting at 1.
func updateActions(t *Target, a Actions, upsert bool) (*Write, error) {
	m := t.Model
	op := "UpdateBuilder"
	if upsert {
		op = "Upsert"
	}
	var b expr.Builder
	var up expr.Update
	touched := map[*model.Field]bool{}
	var extra []string
	for _, act := range a.List {
		if act.Field != nil {
			touched[act.Field] = true
		}
		if c := renderAction(&b, &up, act, a.NullLists); c != "" {
			extra = append(extra, c)
		}
	}
	if up.Empty() {
		return nil, fmt.Errorf("%w: %s on %s: no update actions", errs.ErrValidation, op, m.Name())
	}
	if err := renderLifecycle(t, &b, &up, touched, upsert); err != nil {
		return nil, err
	}
	if err := renderDerived(t, a, &b, &up, op); err != nil {
		return nil, err
	}
	switch {
	case m.Entity != nil && upsert:
		// An item the upsert creates has its entity type and the
		// attributes of its key components, as a put would.
		up.Set(b.Name(m.Entity.TypeAttr), b.Value(entityValue(m)))
		if m.Tenant {
			up.Set(b.Name(tenant.Attr), b.Value(&types.AttributeValueMemberS{Value: t.Tenant}))
		}
		for _, c := range m.KeyFields() {
			if v, ok := a.Components[c]; ok && !touched[c] {
				up.Set(b.Name(c.Attr), b.Value(v))
			}
		}
		if err := renderKeyOnlyDerived(m, t.Tenant, a, &b, &up); err != nil {
			return nil, err
		}
		extra = append(extra, absentOrEntity(&b, m))
	case m.Entity != nil:
		extra = append(extra, isEntity(&b, m))
	case !upsert:
		extra = append(extra, "attribute_exists("+b.Name(m.PK.Attr)+")")
	}
	if f := m.Version; f != nil && !touched[f] {
		// ADD 1: an item the upsert creates starts at version 1.
		ver := b.Name(f.Attr)
		if a.Version != nil {
			cur := b.Value(versionNumber(*a.Version))
			if upsert && *a.Version == 0 {
				extra = append(extra, "attribute_not_exists("+ver+") OR "+ver+" = "+cur)
			} else {
				extra = append(extra, ver+" = "+cur)
			}
		}
		up.Add(ver, b.Value(&types.AttributeValueMemberN{Value: "1"}))
	}
	conds, err := b.Render(a.Conds)
	if err != nil {
		return nil, err
	}
	cond, err := renderConds(t, &b, append(extra, conds)...)
	if err != nil {
		return nil, err
	}
	w := &Write{Kind: WriteUpdate, Op: op, Model: m, Table: t.Table, Key: a.Key,
		Update: up.String(), Cond: cond, Names: b.Names(), Values: b.Values(),
		ReturnValues: a.ReturnValues, MissingIsNotFound: !upsert, HasConditions: true}
	trackActions(t, w)
	return w, nil
}

// trackActions makes an UpdateBuilder's write w of a tracked value that was
// read refresh it: w asks for the attributes it updates (UPDATED_NEW),
// which are decoded into the value and layered over its snapshot, so that
// a Save after it neither sends them again nor misses a change back. With
// ReturnValues of the caller's own, or in a transaction (which returns
// nothing), the value forgets what is stored (model.Unknown).
func trackActions(t *Target, w *Write) {
	snap := t.Model.SnapshotOf(t.Item)
	if snap == nil {
		return
	}
	w.remember(t, snap)
	switch w.ReturnValues {
	case "", types.ReturnValueNone:
		w.ReturnValues = types.ReturnValueUpdatedNew
	case types.ReturnValueUpdatedNew, types.ReturnValueAllNew:
	default:
		w.track.next = model.Unknown()
		return
	}
	w.track.returned = true
}

// renderLifecycle adds the lifecycle fields no action sets: updated_at
// and, for an upsert, created_at and non-key ULIDs when the item has none
// yet. The version is the caller's.
func renderLifecycle(t *Target, b *expr.Builder, up *expr.Update, touched map[*model.Field]bool, upsert bool) error {
	m := t.Model
	now := t.Clock()
	if f := m.CreatedAt; upsert && f != nil && !touched[f] {
		av, err := t.Codec.EncodeAttrValue(f.Attr, TimeValue(f.Type, now).Interface())
		if err != nil {
			return err
		}
		name := b.Name(f.Attr)
		up.Set(name, "if_not_exists("+name+", "+b.Value(av)+")")
	}
	for _, f := range m.ULIDs {
		if !upsert || f.PK || f.SK || touched[f] {
			continue
		}
		name := b.Name(f.Attr)
		up.Set(name, "if_not_exists("+name+", "+b.Value(&types.AttributeValueMemberS{Value: newULID(now)})+")")
	}
	if f := m.UpdatedAt; f != nil && !touched[f] {
		av, err := t.Codec.EncodeAttrValue(f.Attr, TimeValue(f.Type, now).Interface())
		if err != nil {
			return err
		}
		up.Set(b.Name(f.Attr), b.Value(av))
	}
	return nil
}

// renderAction renders one action and returns the condition it needs, if
// any: with nullLists, an append or prepend replaces a stored NULL (what a
// nil slice is stored as), on the condition that the attribute is NULL.
func renderAction(b *expr.Builder, up *expr.Update, a Action, nullLists bool) string {
	path := b.Path(a.Path...)
	if nullLists && (a.Kind == ActAppend || a.Kind == ActPrepend) {
		up.Set(path, b.Value(a.Value))
		return "attribute_type(" + path + ", " + b.Value(&types.AttributeValueMemberS{Value: "NULL"}) + ")"
	}
	switch a.Kind {
	case ActSet:
		up.Set(path, b.Value(a.Value))
	case ActSetIfNotExists:
		up.Set(path, "if_not_exists("+path+", "+b.Value(a.Value)+")")
	case ActAdd:
		up.Add(path, b.Value(a.Value))
	case ActRemove:
		up.Remove(path)
	case ActDelete:
		up.Delete(path, b.Value(a.Value))
	case ActAppend:
		up.Set(path, "list_append(if_not_exists("+path+", "+b.Value(emptyList())+"), "+b.Value(a.Value)+")")
	case ActPrepend:
		up.Set(path, "list_append("+b.Value(a.Value)+", if_not_exists("+path+", "+b.Value(emptyList())+"))")
	}
	return ""
}

func emptyList() types.AttributeValue {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
}
