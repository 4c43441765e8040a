package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
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
}

// updateActions plans an UpdateBuilder's update of the existing item with
// key a.Key: the actions, updated_at and the version bump unless an action
// sets them, the version check, then a's and t's conditions.
func updateActions(t *Target, a Actions) (*Write, error) {
	m := t.Model
	var b expr.Builder
	var up expr.Update
	touched := map[*model.Field]bool{}
	for _, act := range a.List {
		if act.Field != nil {
			touched[act.Field] = true
		}
		renderAction(&b, &up, act)
	}
	if up.Empty() {
		return nil, fmt.Errorf("%w: UpdateBuilder on %s: no update actions", errs.ErrValidation, m.Name())
	}
	if f := m.UpdatedAt; f != nil && !touched[f] {
		av, err := t.Codec.EncodeAttrValue(f.Attr, TimeValue(f.Type, t.Clock()).Interface())
		if err != nil {
			return nil, err
		}
		up.Set(b.Name(f.Attr), b.Value(av))
	}
	extra := []string{"attribute_exists(" + b.Name(m.PK.Attr) + ")"}
	if f := m.Version; f != nil && !touched[f] {
		ver := b.Name(f.Attr)
		if a.Version != nil {
			extra = append(extra, ver+" = "+b.Value(versionNumber(*a.Version)))
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
	return &Write{Kind: WriteUpdate, Op: "UpdateBuilder", Model: m, Table: t.Table, Key: a.Key,
		Update: up.String(), Cond: cond, Names: b.Names(), Values: b.Values(),
		ReturnValues: a.ReturnValues, MissingIsNotFound: true, HasConditions: true}, nil
}

func renderAction(b *expr.Builder, up *expr.Update, a Action) {
	path := b.Path(a.Path...)
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
}

func emptyList() types.AttributeValue {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
}
