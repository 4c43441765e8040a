package dynamorm

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
)

// belongsTo reads the targets whose keys the parents' fk fields hold with
// the batch-get path and points each parent's field at its own copy (nil
// when the fk is zero or the target is missing or unread).
func (l *relLoader) belongsTo(r *model.Relation, parents []reflect.Value) ([]reflect.Value, error) {
	items, err := l.byKey(r.Model, r.FKFields, parents)
	var loaded []reflect.Value
	for i, p := range parents {
		field := p.FieldByIndex(r.Index)
		field.SetZero()
		if items[i] == nil {
			continue
		}
		t := reflect.New(r.Target)
		if derr := l.db.decodeOne(items[i], t.Interface(), nil); derr != nil {
			return loaded, derr
		}
		field.Set(t)
		loaded = append(loaded, t.Elem())
	}
	return loaded, err
}

// byKey reads the items of target whose keys the fk fields of holders
// give, through the one batch-get path (deduplicated, chunked, retried):
// items[i] is holder i's item, nil when its fk is zero, the item is missing
// or it could not be read (then listed by the error, a *BatchError).
func (l *relLoader) byKey(target *model.Model, fk []*model.Field, holders []reflect.Value) ([]map[string]types.AttributeValue, error) {
	items := make([]map[string]types.AttributeValue, len(holders))
	q, err := l.query(target)
	if err != nil {
		return items, err
	}
	var keys []any
	var of []int // of[k]: the holder of keys[k]
	for i, h := range holders {
		if key, ok := keyValue(target, fk, h); ok {
			keys = append(keys, key)
			of = append(of, i)
		}
	}
	if len(keys) == 0 {
		return items, nil
	}
	reqs, err := q.batchKeys("Preload", keys)
	if err != nil {
		return items, err
	}
	o, err := q.batchGetOptions(nil)
	if err != nil {
		return items, err
	}
	read, err := q.readKeys(distinctKeys(reqs), getProjection{}, o)
	byID := make(map[string]map[string]types.AttributeValue, len(read))
	attrs := plan.KeyAttrs(q.model)
	table := q.table()
	for _, item := range ofEntity(q.model, read) {
		byID[plan.ItemID(table, q.model, plan.KeyOf(item, attrs))] = item
	}
	for k, req := range reqs {
		items[of[k]] = byID[req.id]
	}
	return items, err
}

// keyValue returns a new value of target with its key fields set from the
// fk fields of holder; false when one of them is zero (no target).
func keyValue(target *model.Model, fk []*model.Field, holder reflect.Value) (any, bool) {
	v := reflect.New(target.Type)
	for i, kf := range target.KeyFields() {
		src, err := holder.FieldByIndexErr(fk[i].Index)
		if err != nil || src.IsZero() {
			return nil, false
		}
		dst := v.Elem().FieldByIndex(kf.Index)
		if !src.Type().AssignableTo(dst.Type()) {
			src = src.Convert(dst.Type()) // same key type (checked at registration)
		}
		dst.Set(src)
	}
	return v.Interface(), true
}

// hasMany reads the targets of each distinct owner key with one Query on
// the target's fk fields (through index:NAME when given, else the index the
// planner chooses), bounded as batch chunks are, and gives each parent its
// own slice (has_one: a pointer to the only target, nil when there is none).
func (l *relLoader) hasMany(r *model.Relation, parents []reflect.Value) ([]reflect.Value, error) {
	if len(parents) == 0 {
		return nil, nil
	}
	owner, err := model.Of(parents[0].Type())
	if err != nil {
		return nil, err
	}
	for _, p := range parents {
		p.FieldByIndex(r.Index).SetZero()
	}
	groups, order := ownerGroups(owner, parents)
	results := make([]reflect.Value, len(order))
	errs := make([]error, len(order))
	runBounded(len(order), defaultBatchConcurrency, func(i int) {
		results[i], errs[i] = l.targetsOf(r, groups[order[i]].key)
	})
	var loaded []reflect.Value
	for i, id := range order {
		if errs[i] != nil {
			continue
		}
		for _, p := range groups[id].parents {
			got, err := fillRelation(r, p.FieldByIndex(r.Index), results[i])
			if err != nil {
				errs[i] = err
				break
			}
			loaded = append(loaded, got...)
		}
	}
	return loaded, errors.Join(errs...)
}

// ownerGroup is the parents that share one owner key.
type ownerGroup struct {
	key     []reflect.Value // the owner's key field values
	parents []reflect.Value
}

// ownerGroups groups parents by their key fields' values (parents with a
// zero key field have no targets and are left out), in first-seen order.
func ownerGroups(owner *model.Model, parents []reflect.Value) (map[string]*ownerGroup, []string) {
	groups := map[string]*ownerGroup{}
	var order []string
	for _, p := range parents {
		key := make([]reflect.Value, 0, len(owner.KeyFields()))
		var id strings.Builder
		for _, kf := range owner.KeyFields() {
			fv, err := p.FieldByIndexErr(kf.Index)
			if err != nil || fv.IsZero() {
				key = nil
				break
			}
			key = append(key, fv)
			fmt.Fprintf(&id, "%#v\x00", fv.Interface())
		}
		if key == nil {
			continue
		}
		g, ok := groups[id.String()]
		if !ok {
			g = &ownerGroup{key: key}
			groups[id.String()] = g
			order = append(order, id.String())
		}
		g.parents = append(g.parents, p)
	}
	return groups, order
}

// targetsOf runs the Query for the targets of one owner key: a []Target.
func (l *relLoader) targetsOf(r *model.Relation, key []reflect.Value) (reflect.Value, error) {
	q, err := l.query(r.Model)
	if err != nil {
		return reflect.Value{}, err
	}
	var c = q
	for i, f := range r.FKFields {
		c = c.Where(f.GoName, "=", key[i].Interface()).(*query)
	}
	if r.IndexName != "" {
		c = c.Index(r.IndexName).(*query)
	}
	dest := reflect.New(reflect.SliceOf(r.Target))
	if err := c.all(dest.Interface()); err != nil {
		return reflect.Value{}, err
	}
	return dest.Elem(), nil
}

// fillRelation sets a parent's relationship field from the targets read for its
// owner key (a copy of the slice, so that parents never share one) and
// returns the values now in the field.
func fillRelation(r *model.Relation, field, targets reflect.Value) ([]reflect.Value, error) {
	if r.Kind == model.HasOne {
		field.SetZero()
		switch targets.Len() {
		case 0:
			return nil, nil
		case 1:
			t := reflect.New(r.Target)
			t.Elem().Set(targets.Index(0))
			field.Set(t)
			return []reflect.Value{t.Elem()}, nil
		}
		return nil, fmt.Errorf("has_one %s: %d %s items refer to one owner; use has_many, or keep one", r.Name, targets.Len(), r.Target.Name())
	}
	n := targets.Len()
	own := reflect.MakeSlice(reflect.SliceOf(r.Target), n, n)
	reflect.Copy(own, targets)
	out := make([]reflect.Value, n)
	if !r.Ptr {
		field.Set(own)
		for i := range out {
			out[i] = field.Index(i)
		}
		return out, nil
	}
	ptrs := reflect.MakeSlice(field.Type(), n, n)
	for i := range out {
		ptrs.Index(i).Set(own.Index(i).Addr())
		out[i] = own.Index(i)
	}
	field.Set(ptrs)
	return out, nil
}

// manyToMany loads the mapping items (the through has_many), then their
// targets by key in one deduplicated batch read, and fills each parent's
// field with the targets of its mapping items, in their order (a missing
// target is left out; an unread one is in the error).
func (l *relLoader) manyToMany(r *model.Relation, parents []reflect.Value) ([]reflect.Value, error) {
	mappings, err := l.hasMany(r.Via, parents)
	if err != nil {
		return nil, fmt.Errorf("through %s: %w", r.Via.Name, err)
	}
	items, err := l.byKey(r.Model, r.FKFields, mappings)
	byMapping := make(map[uintptr]map[string]types.AttributeValue, len(mappings))
	for i, m := range mappings {
		byMapping[m.Addr().Pointer()] = items[i]
	}
	var loaded []reflect.Value
	for _, p := range parents {
		via := p.FieldByIndex(r.Via.Index)
		field := p.FieldByIndex(r.Index)
		own := reflect.MakeSlice(reflect.SliceOf(r.Target), 0, via.Len())
		for j := 0; j < via.Len(); j++ {
			m := via.Index(j)
			if r.Via.Ptr {
				m = m.Elem()
			}
			item := byMapping[m.Addr().Pointer()]
			if item == nil {
				continue
			}
			t := reflect.New(r.Target)
			if derr := l.db.decodeOne(item, t.Interface(), nil); derr != nil {
				return loaded, derr
			}
			own = reflect.Append(own, t.Elem())
		}
		got, _ := fillRelation(&model.Relation{Kind: model.HasMany, Target: r.Target, Ptr: r.Ptr}, field, own)
		loaded = append(loaded, got...)
	}
	return loaded, err
}
