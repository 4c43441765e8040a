package dynamorm

import (
	"fmt"
	"iter"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

var rawItemsType = reflect.TypeOf([]map[string]types.AttributeValue(nil))

// SkipUnknownEntities makes Collection and CollectionItems skip items of
// entities they were given no type for, instead of failing with
// ErrUnknownEntity.
func (q *query) SkipUnknownEntities() core.Query {
	n := q.clone()
	n.set().skipUnknown = true
	return n
}

// Collection reads the item collection the query's partition key selects
// (Where on the entity's partition-key components): every item stored
// under it, of any entity, one Query. dest is a pointer to a struct whose
// exported fields each take one entity: a slice of it (every item of that
// entity, in sort-key order), a pointer to it or the struct itself (at most
// one item):
//
//	var c struct {
//		Customer *Customer
//		Orders   []Order
//		Lines    []OrderLine
//	}
//	err := db.Model(&Customer{ID: id}).Collection(&c)
//
// or a pointer to a []map[string]types.AttributeValue or
// []map[string]any for the raw items. An item of an entity dest has no
// field for is an error wrapping ErrUnknownEntity, unless
// SkipUnknownEntities was called.
func (q *query) Collection(dest any) error {
	q, c := q.begin("Collection")
	return c.end(q.collectionInto(dest))
}

// collectionInto is Collection without the call's observation.
func (q *query) collectionInto(dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Slice {
		items, err := q.collection()
		if err != nil {
			return err
		}
		return q.db.decodeAll(items, dest, nil)
	}
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("%w: Collection needs a pointer to a struct with a field per entity, or to a slice of maps, got %T", core.ErrValidation, dest)
	}
	es, err := collectionSlots(q.db, rv.Elem().Type())
	if err != nil {
		return err
	}
	items, err := q.collection()
	if err != nil {
		return err
	}
	out := reflect.New(rv.Elem().Type()).Elem()
	for i, item := range items {
		et, err := es.of(item)
		if err != nil {
			if q.skipUnknown {
				continue
			}
			return fmt.Errorf("item %d: %w", i, err)
		}
		if err := fill(out.Field(et.slot), et, item); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	rv.Elem().Set(out)
	return nil
}

// CollectionItems is Collection as an iterator: it yields each item of the
// collection as a pointer to a new value of the one of entities (values
// or pointers of entity types) it holds, for a type switch. An item of
// another entity yields an error wrapping ErrUnknownEntity and ends the
// iteration, unless SkipUnknownEntities was called.
func (q *query) CollectionItems(entities ...any) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		q, c := q.begin("CollectionItems")
		c.end(q.collectionItems(entities, yield))
	}
}

// collectionItems is CollectionItems' iteration without the call's
// observation; it returns the error it yielded, if any.
func (q *query) collectionItems(entities []any, yield func(any, error) bool) error {
	ts, err := entityTypes(entities)
	if err != nil {
		yield(nil, err)
		return err
	}
	es, err := newEntitySet(q.db, ts, nil)
	if err != nil {
		yield(nil, err)
		return err
	}
	items, err := q.collection()
	if err != nil {
		yield(nil, err)
		return err
	}
	for _, item := range items {
		et, err := es.of(item)
		if err != nil && q.skipUnknown {
			continue
		}
		var v any
		if err == nil {
			v, err = et.decodeNew(item, true)
		}
		if !yield(v, err) || err != nil {
			return err
		}
	}
	return nil
}

// collection reads the raw items of the query's item collection.
func (q *query) collection() ([]map[string]types.AttributeValue, error) {
	if q.err != nil {
		return nil, q.err
	}
	if q.model.Entity == nil {
		return nil, fmt.Errorf("%w: Collection on %s: item collections are read through a single-table entity (embed dynamorm.Entity); use All", core.ErrValidation, q.model.Name())
	}
	n := q.clone()
	n.set().anyEntity = true
	r, res, err := n.run(readMatches, n.limit)
	if err != nil {
		return nil, err
	}
	if r.Operation == plan.Scan {
		return nil, fmt.Errorf("%w: Collection on %s: no partition key is given, so this would scan the table; give Where on the components of %s (%s)", core.ErrValidation, q.model.Name(), q.model.PK.Attr, q.model.PK.Template)
	}
	return res.items, nil
}

// collectionSlots maps the entities of a Collection struct's fields to
// the fields.
func collectionSlots(db *DB, st reflect.Type) (*entitySet, error) {
	var ts []reflect.Type
	var slots []int
	for i := 0; i < st.NumField(); i++ {
		sf := st.Field(i)
		if !sf.IsExported() {
			continue
		}
		t := sf.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		md, err := model.Of(t)
		if err != nil || md.Entity == nil {
			return nil, fmt.Errorf("%w: Collection: field %s.%s (%s) must be an entity, a pointer to one or a slice of them", core.ErrValidation, st.Name(), sf.Name, sf.Type)
		}
		ts, slots = append(ts, t), append(slots, i)
	}
	return newEntitySet(db, ts, slots)
}

// fill decodes item into field f of a Collection struct: appended to a
// slice, or into a pointer or struct that must not hold an item yet.
func fill(f reflect.Value, et entityType, item map[string]types.AttributeValue) error {
	v, err := et.decodeNew(item, true)
	if err != nil {
		return err
	}
	pv := reflect.ValueOf(v)
	switch f.Kind() {
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.Pointer {
			f.Set(reflect.Append(f, pv))
		} else {
			f.Set(reflect.Append(f, pv.Elem()))
		}
		return nil
	case reflect.Pointer:
		if !f.IsNil() {
			return fmt.Errorf("%w: Collection: more than one %s in the collection; make the field a slice", core.ErrValidation, et.model.Name())
		}
		f.Set(pv)
		return nil
	}
	if !f.IsZero() {
		return fmt.Errorf("%w: Collection: more than one %s in the collection; make the field a slice", core.ErrValidation, et.model.Name())
	}
	f.Set(pv.Elem())
	return nil
}
