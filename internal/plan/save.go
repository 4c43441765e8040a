package plan

import (
	"fmt"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// changeKind is how Save writes one changed attribute.
type changeKind uint8

const (
	changeSet    changeKind = iota // SET to the value in hand
	changeRemove                   // REMOVE (the value in hand is omitted)
	changeAdd                      // ADD: a counter's difference, or set members added
	changeDelete                   // DELETE set members removed
)

// change is one attribute Save writes: how, the value the expression
// carries (nil for a removal) and the value in hand after the write (nil
// when it is absent).
type change struct {
	field *model.Field
	kind  changeKind
	arg   types.AttributeValue
	now   types.AttributeValue
}

// save plans Save of a tracked value. A value never read (or written) is
// a create. Otherwise it is one UpdateItem of the attributes that differ
// from what was read: SET or REMOVE, ADD of a counter's difference, ADD
// and DELETE of set members, the derived keys those changes touch, then
// updated_at and the version check and bump, on the condition that the
// item (of this entity) exists. Nothing changed: a nil Write and no error.
func save(t *Target) (*Write, error) {
	m := t.Model
	if m.Track == nil {
		return nil, fmt.Errorf("%w: Save %s: the model does not remember what was read; embed dynamorm.Tracked in %s (an entity's dynamorm.Entity does it) or use Update(fields...)", errs.ErrValidation, m.Name(), m.Name())
	}
	snap := m.SnapshotOf(t.Item)
	if snap == nil {
		return create(t, "Save", true)
	}
	if snap.IsUnknown() {
		return nil, fmt.Errorf("%w: Save %s: an UpdateBuilder changed the item without returning what it stored (in a transaction, or with ReturnValues of its own), so the value no longer knows what is stored; read it again before saving", errs.ErrValidation, m.Name())
	}
	key, err := Key(t, "Save")
	if err != nil {
		return nil, err
	}
	if err := sameKey(t, snap); err != nil {
		return nil, err
	}
	changes, err := diff(t, snap)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	if changes, err = derivedChanges(t, snap, changes); err != nil {
		return nil, err
	}
	if err := checkChangesSize(m, changes); err != nil {
		return nil, err
	}
	ch := &Changes{}
	w, err := planSave(t, key, changes, ch)
	if err != nil {
		ch.Undo()
		return nil, err
	}
	return w, nil
}

// planSave renders the UpdateItem of changes and their lifecycle fields
// (updated_at, the version), and makes the value remember the result.
func planSave(t *Target, key map[string]types.AttributeValue, changes []change, ch *Changes) (*Write, error) {
	snap := t.Model.SnapshotOf(t.Item)
	changes, cur, err := saveLifecycle(t, changes, ch)
	if err != nil {
		return nil, err
	}
	w := &Write{Kind: WriteUpdate, Op: "Save", Model: t.Model, Table: t.Table, Key: key, Changes: ch,
		MissingIsNotFound: true, HasConditions: true}
	if onlySetAndRemove(changes) {
		err = renderSaveShape(t, w, changes, cur)
	} else {
		err = renderSave(t, w, changes, cur)
	}
	if err != nil {
		return nil, err
	}
	w.remember(t, afterSave(snap, changes))
	return w, nil
}

// checkChangesSize refuses changes that alone exceed DynamoDB's item
// size, before sending.
func checkChangesSize(m *model.Model, changes []change) error {
	size := 0
	for _, c := range changes {
		size += len(c.field.Attr) + attr.Size(c.arg)
	}
	if size > MaxItemSize {
		return fmt.Errorf("%w: Save %s: the changed attributes alone are %d bytes; DynamoDB's item limit is %d", errs.ErrValidation, m.Name(), size, MaxItemSize)
	}
	return nil
}

// saveLifecycle stamps updated_at and bumps the version, appending them to
// changes; cur is the version being replaced (-1 without a version).
func saveLifecycle(t *Target, changes []change, ch *Changes) ([]change, int64, error) {
	m := t.Model
	t.stampUpdate(ch)
	cur := int64(-1)
	if m.Version != nil {
		var err error
		if cur, err = t.bumpVersion(ch); err != nil {
			return nil, 0, err
		}
	}
	for _, f := range [2]*model.Field{m.UpdatedAt, m.Version} {
		if f == nil {
			continue
		}
		av, err := t.fieldValue(f)
		if err != nil {
			return nil, 0, err
		}
		changes = append(changes, change{field: f, kind: changeSet, arg: av, now: av})
	}
	return changes, cur, nil
}

func onlySetAndRemove(changes []change) bool {
	for _, c := range changes {
		if c.kind != changeSet && c.kind != changeRemove {
			return false
		}
	}
	return true
}

// renderSaveShape renders changes of SET and REMOVE only as Update(fields)
// renders its fields, through the same shape cache: the expressions of a
// shape are rendered once.
func renderSaveShape(t *Target, w *Write, changes []change, cur int64) error {
	m := t.Model
	var fieldsBuf [maxShapeFields]*model.Field
	var removedBuf [maxShapeFields]bool
	var valsBuf [maxShapeFields + 2]types.AttributeValue
	fields, removed, vals := fieldsBuf[:0], removedBuf[:0], valsBuf[:0]
	if m.Entity != nil {
		vals = append(vals, entityValue(m))
	}
	if cur >= 0 {
		vals = append(vals, versionNumber(cur))
	}
	for _, c := range changes {
		fields = append(fields, c.field)
		removed = append(removed, c.kind == changeRemove)
		if c.kind == changeSet {
			vals = append(vals, c.arg)
		}
	}
	return renderShape(t, w, shape{fields: fields, removed: removed, zeroVersion: cur == 0}, vals)
}

// sameKey refuses a value whose primary key changed since it was read:
// Save would write another item.
func sameKey(t *Target, snap *model.Snapshot) error {
	for _, c := range t.Model.KeyFields() {
		av, err := t.Codec.EncodeAttr(t.Item, c.Attr)
		if err != nil {
			return err
		}
		if old, ok := snap.Get(c.Attr); ok && !attr.Equal(av, old) {
			return fmt.Errorf("%w: Save %s: %s is part of the primary key and changed since the item was read; dynamorm.MoveItem moves an item to a new key", errs.ErrValidation, t.Model.Name(), c.GoName)
		}
	}
	return nil
}

// diff compares every updatable field with what was read. A field that a
// projected read did not read may not be saved unless it is still empty
// (it is then left alone).
func diff(t *Target, snap *model.Snapshot) ([]change, error) {
	m := t.Model
	out := make([]change, 0, 4)
	base := t.Item.Addr().UnsafePointer()
	for _, f := range m.Updatable() { // (the key cannot change; Save maintains the lifecycle fields)
		if !snap.Has(f.Attr) {
			if !IsZeroField(t.Item, f) {
				return nil, fmt.Errorf("%w: Save %s: %s was not read (the read's Select did not name it) and Save would overwrite what is stored; read it too, or write it with Update(%q)", errs.ErrValidation, m.Name(), f.GoName, f.GoName)
			}
			continue
		}
		old, _ := snap.Get(f.Attr)
		if f.Scalar && sameScalar(unsafe.Add(base, f.Offset), f.Type.Kind(), old) {
			continue
		}
		av, err := t.fieldValue(f)
		if err != nil {
			return nil, errs.Within("Save "+m.Name(), err)
		}
		if attr.Equal(av, old) {
			continue
		}
		c, changed, err := fieldChange(f, old, av)
		if err != nil {
			return nil, errs.Within("Save "+m.Name(), err)
		}
		if changed {
			out = append(out, c)
		}
	}
	return out, nil
}

// fieldChange is how field f goes from old to av (which differ); false
// when a counter's difference is 0 after all ("1.0" read, 1 in hand).
func fieldChange(f *model.Field, old, av types.AttributeValue) (change, bool, error) {
	switch {
	case f.Counter:
		d, err := numberDelta(old, av)
		if err != nil {
			return change{}, false, fmt.Errorf("counter %s: %w", f.GoName, err)
		}
		return change{field: f, kind: changeAdd, arg: d, now: av}, d != nil, nil
	case av == nil:
		return change{field: f, kind: changeRemove}, true, nil
	case f.Set && old != nil:
		added, removed, ok := setDelta(old, av)
		switch {
		case ok && removed == nil:
			return change{field: f, kind: changeAdd, arg: added, now: av}, true, nil
		case ok && added == nil:
			return change{field: f, kind: changeDelete, arg: removed, now: av}, true, nil
		}
	}
	// A set with members both added and removed is SET whole: DynamoDB
	// refuses ADD and DELETE of one attribute in one update.
	return change{field: f, kind: changeSet, arg: av, now: av}, true, nil
}

// derivedChanges adds the derived index keys of an entity whose components
// changed, recomputed from the full value in hand: every component must
// have been read, otherwise ErrIncompleteKey.
func derivedChanges(t *Target, snap *model.Snapshot, changes []change) ([]change, error) {
	m := t.Model
	if m.Entity == nil {
		return changes, nil
	}
	fields := make([]*model.Field, len(changes))
	for i, c := range changes {
		fields[i] = c.field
	}
	for _, k := range m.Entity.Keys {
		touched := false
		for _, c := range k.Template.Components() {
			touched = touched || containsField(fields, c)
		}
		if !touched {
			continue
		}
		if k.PK || k.SK {
			return nil, primaryComponentError(m, "Save", k)
		}
		for _, c := range k.Template.Components() {
			if !snap.Has(c.Attr) {
				return nil, fmt.Errorf("%w: %w: Save %s: the change of a component of %s (%s) needs %s, which the read's Select did not name; read it too",
					errs.ErrIncompleteKey, errs.ErrValidation, m.Name(), k.Attr, k.Template, c.GoName)
			}
		}
		av, err := t.fieldValue(k)
		if err != nil {
			return nil, err
		}
		if av == nil {
			changes = append(changes, change{field: k, kind: changeRemove})
		} else {
			changes = append(changes, change{field: k, kind: changeSet, arg: av, now: av})
		}
	}
	return changes, nil
}

// renderSave renders changes that include ADD or DELETE (counters, set
// members), on the conditions Update has: the item (of this entity)
// exists and has version cur (none when cur is -1).
func renderSave(t *Target, w *Write, changes []change, cur int64) error {
	m := t.Model
	var b expr.Builder
	var u expr.Update
	extra := []string{isEntity(&b, m)}
	if m.Entity == nil {
		extra[0] = "attribute_exists(" + b.Name(m.PK.Attr) + ")"
	}
	if cur >= 0 {
		ver, v := b.Name(m.Version.Attr), b.Value(versionNumber(cur))
		if cur == 0 {
			extra = append(extra, "attribute_not_exists("+ver+") OR "+ver+" = "+v)
		} else {
			extra = append(extra, ver+" = "+v)
		}
	}
	counters := renderChanges(&b, &u, changes)
	cond, err := renderConds(t, &b, extra...)
	if err != nil {
		return err
	}
	w.Update, w.Cond, w.Names, w.Values = u.String(), cond, b.Names(), b.Values()
	if counters {
		// The counters' totals after the ADD, into the value in hand.
		w.ReturnValues = types.ReturnValueUpdatedNew
	}
	return nil
}

// renderChanges adds changes to u and reports whether a counter is among
// them.
func renderChanges(b *expr.Builder, u *expr.Update, changes []change) bool {
	counters := false
	for _, c := range changes {
		name := b.Name(c.field.Attr)
		switch c.kind {
		case changeSet:
			u.Set(name, b.Value(c.arg))
		case changeRemove:
			u.Remove(name)
		case changeAdd:
			u.Add(name, b.Value(c.arg))
			counters = counters || c.field.Counter
		case changeDelete:
			u.Delete(name, b.Value(c.arg))
		}
	}
	return counters
}

// afterSave is the snapshot of the item once changes are applied to snap.
func afterSave(snap *model.Snapshot, changes []change) *model.Snapshot {
	layer := make([]model.Attr, len(changes))
	for i, c := range changes {
		layer[i] = model.Attr{Name: c.field.Attr, Value: c.now}
	}
	return snap.Over(layer)
}

// sameScalar reports whether the Scalar field of kind k at p holds what
// old (present) stores. False means "not shown equal": the caller encodes
// the field to know.
func sameScalar(p unsafe.Pointer, k reflect.Kind, old types.AttributeValue) bool {
	switch o := old.(type) {
	case *types.AttributeValueMemberS:
		return k == reflect.String && *(*string)(p) == o.Value
	case *types.AttributeValueMemberBOOL:
		return k == reflect.Bool && *(*bool)(p) == o.Value
	case *types.AttributeValueMemberN:
		switch k {
		case reflect.Int:
			return sameInt(int64(*(*int)(p)), o.Value)
		case reflect.Int64:
			return sameInt(*(*int64)(p), o.Value)
		case reflect.Int32:
			return sameInt(int64(*(*int32)(p)), o.Value)
		case reflect.Int16:
			return sameInt(int64(*(*int16)(p)), o.Value)
		case reflect.Int8:
			return sameInt(int64(*(*int8)(p)), o.Value)
		case reflect.Uint:
			return sameDigits(uint64(*(*uint)(p)), o.Value)
		case reflect.Uint64:
			return sameDigits(*(*uint64)(p), o.Value)
		case reflect.Uint32:
			return sameDigits(uint64(*(*uint32)(p)), o.Value)
		case reflect.Uint16:
			return sameDigits(uint64(*(*uint16)(p)), o.Value)
		case reflect.Uint8:
			return sameDigits(uint64(*(*uint8)(p)), o.Value)
		}
	}
	return false
}

// sameInt reports whether s is n in decimal, as the codec writes it.
func sameInt(n int64, s string) bool {
	if n >= 0 {
		return sameDigits(uint64(n), s)
	}
	return len(s) > 1 && s[0] == '-' && sameDigits(uint64(-(n+1))+1, s[1:])
}

// sameDigits reports whether s is u in decimal, without leading zeros
// (as the codec writes it), parsing s rather than formatting u.
func sameDigits(u uint64, s string) bool {
	if len(s) == 0 || len(s) > 19 || len(s) > 1 && s[0] == '0' {
		return len(s) == 20 && s == strconv.FormatUint(u, 10) // (20 digits overflow the parse below)
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return false
		}
		n = n*10 + uint64(d)
	}
	return n == u
}
