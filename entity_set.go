package dynamorm

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// entitySet tells the entities of items apart: by each entity's name in
// its type attribute.
type entitySet struct {
	byName map[string]entityType
	attrs  []string // the type attributes used (usually one)
}

type entityType struct {
	db    *DB // whose keys decrypt (nil: none)
	model *model.Model
	codec *marshal.StructCodec
	slot  int // the destination field of a Collection struct, -1 for none
}

// newEntitySet builds the set of the entity types ts; slots are their
// destination fields (nil for none).
func newEntitySet(db *DB, ts []reflect.Type, slots []int) (*entitySet, error) {
	var codecs *marshal.Codecs
	if db != nil {
		codecs = db.shared.codecs
	}
	es := &entitySet{byName: map[string]entityType{}}
	for i, t := range ts {
		md, err := model.Of(t)
		if err != nil {
			return nil, err
		}
		if md.Entity == nil {
			return nil, fmt.Errorf("%w: %s is not an entity (embed dynamorm.Entity with an entity:NAME tag)", core.ErrValidation, md.Name())
		}
		if prev, dup := es.byName[md.Entity.Name]; dup && prev.model != md {
			return nil, fmt.Errorf("%w: %s and %s are both entity %q", core.ErrValidation, prev.model.Name(), md.Name(), md.Entity.Name)
		}
		codec, err := codecs.StructCodecOf(md.Type)
		if err != nil {
			return nil, err
		}
		slot := -1
		if slots != nil {
			slot = slots[i]
		}
		es.byName[md.Entity.Name] = entityType{db: db, model: md, codec: codec, slot: slot}
		if !containsString(es.attrs, md.Entity.TypeAttr) {
			es.attrs = append(es.attrs, md.Entity.TypeAttr)
		}
	}
	return es, nil
}

// of returns the entity item holds, or an error wrapping ErrUnknownEntity
// that names it and the entities known.
func (es *entitySet) of(item map[string]types.AttributeValue) (entityType, error) {
	name := ""
	for _, a := range es.attrs {
		if s, ok := item[a].(*types.AttributeValueMemberS); ok {
			name = s.Value
			if et, ok := es.byName[name]; ok && et.model.Entity.TypeAttr == a {
				return et, nil
			}
		}
	}
	known := make([]string, 0, len(es.byName))
	for n := range es.byName {
		known = append(known, n)
	}
	sort.Strings(known)
	if name == "" {
		return entityType{}, fmt.Errorf("%w: the item has no entity type attribute (%s); known entities: %s", core.ErrUnknownEntity, strings.Join(es.attrs, ", "), strings.Join(known, ", "))
	}
	return entityType{}, fmt.Errorf("%w: the item is entity %q; known entities: %s", core.ErrUnknownEntity, name, strings.Join(known, ", "))
}

// decodeNew decodes item into a new value of et and returns a pointer; a
// read (track) makes the value remember item, a stream image does not.
func (et entityType) decodeNew(item map[string]types.AttributeValue, track bool) (any, error) {
	p := reflect.New(et.model.Type)
	item, err := et.db.open(et.model, p.Elem(), item)
	if err != nil {
		return nil, err
	}
	if err := et.codec.Decode(item, p.Elem()); err != nil {
		return nil, err
	}
	if track {
		remember(et.model, p.Elem(), item, nil)
	}
	return p.Interface(), nil
}

// entityTypes returns the struct types of values (structs or pointers).
func entityTypes(values []any) ([]reflect.Type, error) {
	ts := make([]reflect.Type, len(values))
	for i, v := range values {
		t := reflect.TypeOf(v)
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("%w: entities are given as values or pointers of entity structs, got %T", core.ErrValidation, v)
		}
		ts[i] = t
	}
	return ts, nil
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// EntityOf decodes item (an SDK item or a stream image) into a new value
// of the one of entities (values or pointers of entity types) whose entity
// it holds, by its entity type attribute, and returns a pointer to that
// value, for a type switch:
//
//	v, err := dynamorm.EntityOf(record.Change.NewImage, Customer{}, Order{})
//	switch v := v.(type) {
//	case *Customer: ...
//	case *Order: ...
//	}
//
// An item of no entity given is an error wrapping ErrUnknownEntity. An
// item of a tenant-scoped entity belongs to a tenant: EntityOf refuses it
// (ErrTenantRequired); db.EntityOf decodes it in the handle's scope.
func EntityOf[T Item](item T, entities ...any) (any, error) {
	return entityOf(nil, sdkItem(item), entities)
}

// EntityOf is dynamorm.EntityOf with db's converters and tenant scope:
// item (an SDK item or a stream image) of a tenant-scoped entity must be
// stored for the handle's tenant (ErrCrossTenant otherwise); in the
// system scope (AllTenants) items of every tenant are decoded.
func (db *DB) EntityOf(item any, entities ...any) (any, error) {
	it, err := anyItem(item)
	if err != nil {
		return nil, err
	}
	return entityOf(db, it, entities)
}

// entityOf decodes it with db's converters, keys and scope (a nil db:
// the process-wide converters, no keys, no scope).
func entityOf(db *DB, it map[string]types.AttributeValue, entities []any) (any, error) {
	ts, err := entityTypes(entities)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if db != nil {
		ctx = db.ctx
	}
	es, err := newEntitySet(db, ts, nil)
	if err != nil {
		return nil, err
	}
	et, err := es.of(it)
	if err != nil {
		return nil, err
	}
	if err := checkItemTenant(ctx, et.model, it); err != nil {
		return nil, err
	}
	return et.decodeNew(it, false)
}

// checkEntity refuses to decode item into dest's type when dest is an
// entity and item holds another entity.
func checkEntity(item map[string]types.AttributeValue, dest any) error {
	t := reflect.TypeOf(dest)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	md, err := model.Of(t.Elem())
	if err != nil || md.Entity == nil {
		return nil
	}
	s, ok := item[md.Entity.TypeAttr].(*types.AttributeValueMemberS)
	if ok && s.Value == md.Entity.Name {
		return nil
	}
	got := "no entity type"
	if ok {
		got = fmt.Sprintf("entity %q", s.Value)
	}
	return fmt.Errorf("%w: the item holds %s, not %s (entity %q); use dynamorm.EntityOf to decode items of several entities", core.ErrUnknownEntity, got, md.Name(), md.Entity.Name)
}

// ofEntity drops the items of another entity than m's (a key of one entity
// may hold an item of another): a read of an entity returns that entity
// only. Of a model that owns its table, it drops the guards of its unique
// constraints (a key given may be a guard's).
func ofEntity(m *model.Model, items []map[string]types.AttributeValue) []map[string]types.AttributeValue {
	if m.Entity == nil && len(m.Uniques) == 0 {
		return items
	}
	kept := items[:0:0]
	for _, item := range items {
		if m.Entity == nil {
			if plan.OfModel(m, item) {
				kept = append(kept, item)
			}
		} else if s, ok := item[m.Entity.TypeAttr].(*types.AttributeValueMemberS); ok && s.Value == m.Entity.Name {
			kept = append(kept, item)
		}
	}
	return kept
}
