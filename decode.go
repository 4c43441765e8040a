package dynamorm

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// decodeOne decodes item into dest, a pointer to a struct. The struct is
// reset first, so fields absent from the item end up zero. A tracked value
// remembers item; read lists the attributes a projection asked for (nil:
// the whole item was read).
func (db *DB) decodeOne(item map[string]types.AttributeValue, dest any, read map[string]bool) error {
	v := reflect.ValueOf(dest)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("%w: destination must be a non-nil pointer to a struct, got %T", core.ErrValidation, dest)
	}
	codec, err := db.shared.codecs.StructCodecOf(v.Elem().Type())
	if err != nil {
		return err
	}
	m := modelOf(v.Elem().Type())
	item, err = db.open(m, v.Elem(), item)
	if err != nil {
		return err
	}
	v.Elem().SetZero()
	if err := codec.Decode(item, v.Elem()); err != nil {
		return err
	}
	remember(trackedOf(m), v.Elem(), item, read)
	return nil
}

// modelOf is the model of struct type t, nil when t is no valid model
// (the codec decodes it as a plain struct).
func modelOf(t reflect.Type) *model.Model {
	m, err := model.Of(t)
	if err != nil {
		return nil
	}
	return m
}

// trackedOf is m when its values are tracked (it embeds Entity or
// Tracked), nil otherwise.
func trackedOf(m *model.Model) *model.Model {
	if m == nil || m.Track == nil {
		return nil
	}
	return m
}

// trackedModel is the model of struct type t when its values are tracked,
// nil otherwise.
func trackedModel(t reflect.Type) *model.Model { return trackedOf(modelOf(t)) }

// remember makes v, a decoded value of m (nil: not tracked), remember
// the item it was decoded from. Items are not modified once read, so the
// snapshot shares item.
func remember(m *model.Model, v reflect.Value, item map[string]types.AttributeValue, read map[string]bool) {
	if m != nil && m.Track != nil {
		m.Remember(v, &model.Snapshot{Item: item, Read: read})
	}
}

// readAttrs are the attributes a read of q asks for when it has a
// projection: the top-level attributes named whole (a nested path reads
// part of an attribute, which does not count). Nil without a projection.
func readAttrs(paths [][]string) map[string]bool {
	if len(paths) == 0 {
		return nil
	}
	read := make(map[string]bool, len(paths))
	for _, p := range paths {
		if len(p) == 1 {
			read[p[0]] = true
		}
	}
	return read
}

// decodeAll replaces the slice dest points to with the decoded items. The
// element type may be a struct or a pointer to one.
func (db *DB) decodeAll(items []map[string]types.AttributeValue, dest any, read map[string]bool) error {
	sv := reflect.ValueOf(dest).Elem()
	et := sv.Type().Elem()
	if et.Kind() == reflect.Map {
		return db.decodeMaps(items, sv)
	}
	ptr := et.Kind() == reflect.Pointer
	st := et
	if ptr {
		st = et.Elem()
	}
	if st.Kind() != reflect.Struct {
		return fmt.Errorf("%w: destination elements must be structs or pointers to structs, got %s", core.ErrValidation, et)
	}
	codec, err := db.shared.codecs.StructCodecOf(st)
	if err != nil {
		return err
	}
	m := modelOf(st)
	tracked := trackedOf(m)
	out := reflect.MakeSlice(sv.Type(), len(items), len(items))
	for i, item := range items {
		elem := out.Index(i)
		if ptr {
			elem.Set(reflect.New(st))
			elem = elem.Elem()
		}
		item, err := db.open(m, elem, item)
		if err == nil {
			err = codec.Decode(item, elem)
		}
		if err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
		remember(tracked, elem, item, read)
	}
	sv.Set(out)
	return nil
}

// decodeMaps fills sv, a slice of maps, with the items: as they are for
// []map[string]types.AttributeValue, decoded for any other map type
// ([]map[string]any, ...).
func (db *DB) decodeMaps(items []map[string]types.AttributeValue, sv reflect.Value) error {
	out := reflect.MakeSlice(sv.Type(), len(items), len(items))
	raw := sv.Type() == rawItemsType
	for i, item := range items {
		if raw {
			out.Index(i).Set(reflect.ValueOf(item))
			continue
		}
		if err := db.shared.codecs.Unmarshal(item, out.Index(i).Addr().Interface()); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	sv.Set(out)
	return nil
}

// sortItems sorts items by attribute attr, stably; items without it go last.
func sortItems(items []map[string]types.AttributeValue, attr string, desc bool) {
	sort.SliceStable(items, func(i, j int) bool {
		a, aok := items[i][attr]
		b, bok := items[j][attr]
		switch {
		case !aok || !bok:
			return aok && !bok
		case desc:
			return expr.Compare(b, a) < 0
		default:
			return expr.Compare(a, b) < 0
		}
	})
}
