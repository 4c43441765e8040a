package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// updateBuilder is dynamorm's core.UpdateBuilder. Its methods record
// actions in order; nothing is rendered until Execute, so one placeholder
// allocator serves the whole request. It requires the item to exist (a
// missing item is ErrItemNotFound, never a silent create) unless Upsert
// asks for the item to be created.
type updateBuilder struct {
	q       *query
	err     error
	actions []plan.Action
	conds   expr.Node
	rv      types.ReturnValue
	version *int64 // ConditionVersion
	upsert  bool
}

var _ core.UpdateBuilder = (*updateBuilder)(nil)

// UpdateBuilder starts an update expression on the item whose key the
// model value (or Where equality conditions on the keys) gives.
func (q *query) UpdateBuilder() core.UpdateBuilder {
	return &updateBuilder{q: q, err: q.err}
}

func (u *updateBuilder) setErr(err error) *updateBuilder {
	if u.err == nil {
		u.err = err
	}
	return u
}

// add resolves field, encodes value (when given) and records the action.
func (u *updateBuilder) add(kind plan.ActionKind, field string, value any, hasValue bool) *updateBuilder {
	if u.err != nil {
		return u
	}
	t, err := u.q.resolveTarget(field)
	if err != nil {
		return u.setErr(err)
	}
	f, path := t.field, t.path
	if f != nil && f.Template != nil {
		return u.setErr(fmt.Errorf("%w: UpdateBuilder on %s: %s is a key derived from %s; update those fields instead", core.ErrValidation, u.q.model.Name(), f.Attr, f.Template))
	}
	if f != nil && (f.PK || f.SK) {
		return u.setErr(fmt.Errorf("%w: UpdateBuilder on %s: %s is part of the primary key and cannot be updated", core.ErrValidation, u.q.model.Name(), f.GoName))
	}
	a := plan.Action{Kind: kind, Field: f, Path: path}
	if hasValue {
		var av types.AttributeValue
		switch {
		case kind == plan.ActAppend || kind == plan.ActPrepend:
			av, err = u.q.db.shared.codecs.MarshalValue(value)
			if err == nil {
				if _, isList := av.(*types.AttributeValueMemberL); !isList {
					err = fmt.Errorf("%w: list operations on %s take a slice, got %T", core.ErrValidation, field, value)
				}
			}
		default:
			av, err = t.encode(value) // by the codec of the (nested) field
		}
		if err == nil && (kind == plan.ActSet || kind == plan.ActSetIfNotExists) {
			err = checkOperand(t, expr.Eq, av)
		}
		if err == nil && (kind == plan.ActDelete || kind == plan.ActAdd) {
			av, err = u.addOperand(t, av, field, kind == plan.ActDelete)
		}
		if err != nil {
			return u.setErr(errs.Within("UpdateBuilder on "+u.q.model.Name(), err))
		}
		if av == nil {
			return u.setErr(fmt.Errorf("%w: UpdateBuilder on %s: the value for %s is empty (an empty set or omitted value); use Remove to delete an attribute", core.ErrValidation, u.q.model.Name(), field))
		}
		a.Value = av
	}
	u.actions = append(u.actions, a)
	return u
}

// Set sets field to value.
func (u *updateBuilder) Set(field string, value any) core.UpdateBuilder {
	return u.add(plan.ActSet, field, value, true)
}

// SetIfNotExists sets field to value only when the attribute is absent.
func (u *updateBuilder) SetIfNotExists(field string, value any) core.UpdateBuilder {
	return u.add(plan.ActSetIfNotExists, field, value, true)
}

// Add adds a number to a number attribute or elements to a set.
func (u *updateBuilder) Add(field string, value any) core.UpdateBuilder {
	return u.add(plan.ActAdd, field, value, true)
}

// Increment adds 1.
func (u *updateBuilder) Increment(field string) core.UpdateBuilder {
	return u.add(plan.ActAdd, field, 1, true)
}

// Decrement subtracts 1.
func (u *updateBuilder) Decrement(field string) core.UpdateBuilder {
	return u.add(plan.ActAdd, field, -1, true)
}

// Remove removes the attribute.
func (u *updateBuilder) Remove(field string) core.UpdateBuilder {
	return u.add(plan.ActRemove, field, nil, false)
}

// Delete removes elements from a set attribute.
func (u *updateBuilder) Delete(field string, value any) core.UpdateBuilder {
	return u.add(plan.ActDelete, field, value, true)
}

// AppendToList appends values (a slice) to a list, creating it if absent.
func (u *updateBuilder) AppendToList(field string, values any) core.UpdateBuilder {
	return u.add(plan.ActAppend, field, values, true)
}

// PrependToList puts values (a slice) before a list, creating it if absent.
func (u *updateBuilder) PrependToList(field string, values any) core.UpdateBuilder {
	return u.add(plan.ActPrepend, field, values, true)
}

// RemoveFromListAt removes the list element at index.
func (u *updateBuilder) RemoveFromListAt(field string, index int) core.UpdateBuilder {
	if index < 0 {
		return u.setErr(fmt.Errorf("%w: RemoveFromListAt(%q, %d): negative index", core.ErrValidation, field, index))
	}
	return u.add(plan.ActRemove, field+"["+strconv.Itoa(index)+"]", nil, false)
}

// SetListElement sets the list element at index.
func (u *updateBuilder) SetListElement(field string, index int, value any) core.UpdateBuilder {
	if index < 0 {
		return u.setErr(fmt.Errorf("%w: SetListElement(%q, %d): negative index", core.ErrValidation, field, index))
	}
	if u.err != nil {
		return u
	}
	av, err := u.q.db.shared.codecs.MarshalValue(value)
	if err != nil {
		return u.setErr(err)
	}
	n := len(u.actions)
	u.add(plan.ActRemove, field+"["+strconv.Itoa(index)+"]", nil, false)
	if u.err == nil {
		u.actions[n].Kind, u.actions[n].Value = plan.ActSet, av
	}
	return u
}

func (u *updateBuilder) condition(or bool, field, op string, value any) *updateBuilder {
	if u.err != nil {
		return u
	}
	c, err := u.q.condition(field, op, value)
	if err != nil {
		return u.setErr(err)
	}
	cond := expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}
	u.conds.Children = append(u.conds.Children, expr.Node{Or: or, Cond: &cond})
	return u
}

// Condition adds a condition joined with AND.
func (u *updateBuilder) Condition(field, op string, value any) core.UpdateBuilder {
	return u.condition(false, field, op, value)
}

// OrCondition adds a condition joined with OR.
func (u *updateBuilder) OrCondition(field, op string, value any) core.UpdateBuilder {
	return u.condition(true, field, op, value)
}

// ConditionExists requires the attribute to exist.
func (u *updateBuilder) ConditionExists(field string) core.UpdateBuilder {
	return u.condition(false, field, "EXISTS", nil)
}

// ConditionNotExists requires the attribute to be absent.
func (u *updateBuilder) ConditionNotExists(field string) core.UpdateBuilder {
	return u.condition(false, field, "NOT_EXISTS", nil)
}

// ConditionVersion requires the version field to equal v; the update then
// sets it to v+1.
func (u *updateBuilder) ConditionVersion(v int64) core.UpdateBuilder {
	if u.err == nil && u.q.model.Version == nil {
		return u.setErr(fmt.Errorf("%w: ConditionVersion: %s has no version field", core.ErrValidation, u.q.model.Name()))
	}
	u.version = &v
	return u
}

// Upsert makes the update create the item when it does not exist, in the
// same UpdateItem: the key comes from the update's key, created_at and
// non-key ULID fields are set with if_not_exists, updated_at is set, and the
// version is bumped with ADD, so a created item starts at version 1.
func (u *updateBuilder) Upsert() core.UpdateBuilder {
	u.upsert = true
	return u
}

// ReturnValues selects what the update returns.
func (u *updateBuilder) ReturnValues(option string) core.UpdateBuilder {
	rv := types.ReturnValue(strings.ToUpper(strings.TrimSpace(option)))
	switch rv {
	case types.ReturnValueNone, types.ReturnValueAllOld, types.ReturnValueUpdatedOld, types.ReturnValueAllNew, types.ReturnValueUpdatedNew:
		u.rv = rv
		return u
	}
	return u.setErr(fmt.Errorf("%w: ReturnValues(%q): use NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW", core.ErrValidation, option))
}

// WithContext sets the context of the request.
func (u *updateBuilder) WithContext(ctx context.Context) core.UpdateBuilder {
	u.q = u.q.WithContext(ctx).(*query)
	return u
}

// Execute sends the update.
func (u *updateBuilder) Execute() error {
	u, c := u.begin()
	return c.end(u.execute())
}

// begin starts the library call of an Execute: a copy of u on the call's
// query, or u itself when nothing observes it.
func (u *updateBuilder) begin() (*updateBuilder, *call) {
	q, c := u.q.begin("UpdateBuilder")
	if c == nil {
		return u, nil
	}
	n := *u
	n.q = q
	return &n, c
}

// execute is Execute without the call's observation.
func (u *updateBuilder) execute() error {
	w, err := u.plan(false)
	if err != nil {
		return err
	}
	if u.q.tx != nil {
		return u.q.tx.add(w)
	}
	return u.send(w)
}

// send sends w. When DynamoDB refuses an update that appends to or
// prepends to a list, the list may be stored as NULL (a nil slice without
// omitempty is), which list_append refuses; the update is then sent once
// more with those lists set outright, on the condition that they are NULL.
// If that condition fails too, the first error is returned. In a
// transaction there is no second attempt.
func (u *updateBuilder) send(w *plan.Write) error {
	err := u.q.send(w)
	if err == nil || !isValidationException(err) || !u.hasListActions() {
		return err
	}
	retry, perr := u.plan(true)
	if perr != nil {
		return err
	}
	retry.OnResult = w.OnResult
	rerr := u.q.send(retry)
	if rerr != nil && (errors.Is(rerr, core.ErrConditionFailed) || isValidationException(rerr)) {
		return err // the lists were not NULL: the first refusal stands
	}
	return rerr
}

func (u *updateBuilder) hasListActions() bool {
	for _, a := range u.actions {
		if a.Kind == plan.ActAppend || a.Kind == plan.ActPrepend {
			return true
		}
	}
	return false
}

// ExecuteWithResult sends the update and decodes the returned attributes
// (ALL_NEW unless ReturnValues chose otherwise) into dest, a pointer to a
// struct or to a map[string]any.
func (u *updateBuilder) ExecuteWithResult(dest any) error {
	u, c := u.begin()
	return c.end(u.executeWithResult(dest))
}

// executeWithResult is ExecuteWithResult without the call's observation.
func (u *updateBuilder) executeWithResult(dest any) error {
	if u.err == nil && u.q.tx != nil {
		return fmt.Errorf("%w: ExecuteWithResult cannot run inside a transaction (transactions return no values); use Execute", core.ErrValidation)
	}
	if v := reflect.ValueOf(dest); !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("%w: ExecuteWithResult needs a non-nil pointer, got %T", core.ErrValidation, dest)
	}
	if u.rv == "" || u.rv == types.ReturnValueNone {
		u.rv = types.ReturnValueAllNew
	}
	w, err := u.plan(false)
	if err != nil {
		return err
	}
	w.OnResult = func(attrs map[string]types.AttributeValue) error {
		return u.q.db.shared.codecs.Unmarshal(attrs, dest)
	}
	return u.send(w)
}

// updateKey is the key of the item to update: from the model value, or
// from Where equality conditions on the table keys (on an entity's key
// components). For an entity it also returns the components' values.
func (u *updateBuilder) updateKey() (map[string]types.AttributeValue, map[*model.Field]types.AttributeValue, error) {
	q := u.q
	if q.filter.Cond != nil || len(q.filter.Children) > 0 {
		return nil, nil, fmt.Errorf("%w: UpdateBuilder on %s: Filter selects what a read returns and does not apply to updates; use Condition(field, op, value) for a condition on the stored item", core.ErrValidation, q.model.Name())
	}
	var tenantID string
	if q.model.Tenant {
		t := q.target()
		if err := t.CheckTenant(); err != nil {
			return nil, nil, err
		}
		tenantID = t.Tenant
	}
	if len(q.where) == 0 && q.item.IsValid() {
		if q.model.Entity != nil {
			t := q.target()
			return plan.ItemKey(&t, "UpdateBuilder")
		}
		key, err := q.key("UpdateBuilder")
		return key, nil, err
	}
	given := map[*model.Field]types.AttributeValue{}
	for _, c := range q.where {
		if c.Op != expr.Eq || c.Field == nil || !q.model.InPrimaryKey(c.Field) {
			return nil, nil, fmt.Errorf("%w: UpdateBuilder on %s: Where(%q, %q, ...) is not an equality on a key; Where gives the key of the item to update, and a condition on the stored item is Condition(field, op, value)", core.ErrValidation, q.model.Name(), strings.Join(c.Path, "."), c.Op)
		}
		given[c.Field] = c.Values[0]
	}
	if q.model.Entity != nil {
		return plan.EntityKey(q.model, tenantID, "UpdateBuilder", func(f *model.Field) (types.AttributeValue, bool, error) {
			v, ok := given[f]
			return v, ok, nil
		})
	}
	key := map[string]types.AttributeValue{}
	for f, v := range given {
		key[f.Attr] = v
	}
	for _, f := range []*model.Field{q.model.PK, q.model.SK} {
		if f == nil {
			continue
		}
		if err := plan.CheckKeyValue(q.model, f, key[f.Attr], "UpdateBuilder"); err != nil {
			return nil, nil, fmt.Errorf("%w (give the key with Model(&%s{...}) or Where(%q, \"=\", v))", err, q.model.Name(), f.GoName)
		}
	}
	return key, nil, nil
}

// plan plans the update as one write; nullLists plans appends and prepends
// for lists stored as NULL (see send).
func (u *updateBuilder) plan(nullLists bool) (*plan.Write, error) {
	if u.err != nil {
		return nil, u.err
	}
	if u.q.overwrite {
		return nil, fmt.Errorf("%w: UpdateBuilder on %s: AllowOverwrite applies to BatchCreate and BatchWrite only", core.ErrValidation, u.q.model.Name())
	}
	key, comps, err := u.updateKey()
	if err != nil {
		return nil, err
	}
	if err := u.checkOverlap(); err != nil {
		return nil, err
	}
	t := u.q.target()
	t.Actions = &plan.Actions{Key: key, List: u.actions, Conds: u.conds, Version: u.version, ReturnValues: u.rv, NullLists: nullLists, Components: comps}
	op := plan.OpUpdateBuild
	if u.upsert {
		op = plan.OpUpsertBuild
	}
	return u.q.planUnique(t, plan.WriteSpec{Op: op}, key)
}

// checkOverlap rejects two actions on overlapping document paths (the same
// attribute, or one inside the other), which DynamoDB refuses in one update.
func (u *updateBuilder) checkOverlap() error {
	paths := make([]string, len(u.actions))
	for i, a := range u.actions {
		paths[i] = strings.Join(a.Path, ".")
		for j := 0; j < i; j++ {
			if overlaps(paths[i], paths[j]) {
				return fmt.Errorf("%w: UpdateBuilder on %s: actions %d and %d both change %s; DynamoDB allows one action per document path in an update, so split them into two updates", core.ErrValidation, u.q.model.Name(), j, i, paths[j])
			}
		}
	}
	return nil
}

func overlaps(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || strings.HasPrefix(b, a) && (b[len(a)] == '.' || b[len(a)] == '[')
}
