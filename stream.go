package dynamorm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// Item is the set of item representations dynamorm decodes: the SDK's
// map[string]types.AttributeValue, and the stream images of aws-lambda-go
// (events.DynamoDBEventRecord.Change.NewImage and OldImage).
type Item interface {
	~map[string]types.AttributeValue | ~map[string]events.DynamoDBAttributeValue
}

// UnmarshalItem decodes item into dest, a pointer to a model struct (or to
// a map), with the same codec and rules as every read, and the
// process-wide converters (marshal.RegisterConverter); db.UnmarshalItem
// uses a DB's own converters as well. It is meant for DynamoDB Streams
// records in Lambda handlers:
//
//	var order Order
//	if err := dynamorm.UnmarshalItem(record.Change.NewImage, &order); err != nil { ... }
//
// When dest is an entity (see Entity) and the item holds another entity,
// it is an error wrapping ErrUnknownEntity; EntityOf decodes an item of any
// of several entities.
func UnmarshalItem[T Item](item T, dest any) error {
	return unmarshalOne(nil, sdkItem(item), dest)
}

// UnmarshalItems decodes items into dest, a pointer to a slice of structs or
// of pointers to structs; the slice is replaced by one element per item.
// An error names the index of the item that failed. Like UnmarshalItem, it
// uses the process-wide converters.
func UnmarshalItems[T Item](items []T, dest any) error {
	return unmarshalItems(nil, len(items), func(i int) map[string]types.AttributeValue { return sdkItem(items[i]) }, dest)
}

// UnmarshalItem is dynamorm.UnmarshalItem with db's converters (registered
// on db, then process-wide): item is a map[string]types.AttributeValue or a
// stream image (map[string]events.DynamoDBAttributeValue).
func (db *DB) UnmarshalItem(item any, dest any) error {
	m, err := anyItem(item)
	if err != nil {
		return err
	}
	return unmarshalOne(db, m, dest)
}

// unmarshalOne decodes item into dest with db's converters and keys (a nil
// db: the process-wide converters, no keys, no scope), after checking an
// entity's type and, for a tenant-scoped model, that item is stored for
// the tenant of db's context; encrypted fields are decrypted.
func unmarshalOne(db *DB, item map[string]types.AttributeValue, dest any) error {
	if err := checkEntity(item, dest); err != nil {
		return err
	}
	ctx, codecs := context.Background(), (*marshal.Codecs)(nil)
	if db != nil {
		ctx, codecs = db.ctx, db.shared.codecs
	}
	if m, err := model.OfValue(dest); err == nil && m.Tenant {
		if err := checkItemTenant(ctx, m, item); err != nil {
			return err
		}
	}
	if v := reflect.ValueOf(dest); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		var err error
		if item, err = db.open(modelOf(v.Elem().Type()), v.Elem(), item); err != nil {
			return err
		}
	}
	return codecs.Unmarshal(item, dest)
}

// UnmarshalItems is dynamorm.UnmarshalItems with db's converters: items is
// a slice of SDK items or of stream images.
func (db *DB) UnmarshalItems(items any, dest any) error {
	switch l := items.(type) {
	case []map[string]types.AttributeValue:
		return unmarshalItems(db, len(l), func(i int) map[string]types.AttributeValue { return l[i] }, dest)
	case []map[string]events.DynamoDBAttributeValue:
		return unmarshalItems(db, len(l), func(i int) map[string]types.AttributeValue { return marshal.FromStreamImage(l[i]) }, dest)
	}
	return fmt.Errorf("%w: UnmarshalItems takes []map[string]types.AttributeValue or stream images ([]map[string]events.DynamoDBAttributeValue), got %T", core.ErrValidation, items)
}

// anyItem is item in the SDK's form, for the DB's UnmarshalItem.
func anyItem(item any) (map[string]types.AttributeValue, error) {
	switch m := item.(type) {
	case map[string]types.AttributeValue:
		return m, nil
	case map[string]events.DynamoDBAttributeValue:
		return marshal.FromStreamImage(m), nil
	}
	return nil, fmt.Errorf("%w: UnmarshalItem takes a map[string]types.AttributeValue or a stream image (map[string]events.DynamoDBAttributeValue), got %T", core.ErrValidation, item)
}

// unmarshalItems decodes the n items item(i) into the slice dest points to.
func unmarshalItems(db *DB, n int, item func(i int) map[string]types.AttributeValue, dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("%w: UnmarshalItems needs a pointer to a slice, got %T", core.ErrValidation, dest)
	}
	slice := rv.Elem()
	et := slice.Type().Elem()
	out := reflect.MakeSlice(slice.Type(), n, n)
	for i := range n {
		target := out.Index(i)
		if et.Kind() == reflect.Pointer {
			target.Set(reflect.New(et.Elem()))
		} else {
			target = target.Addr()
		}
		if err := unmarshalOne(db, item(i), target.Interface()); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	slice.Set(out)
	return nil
}

// sdkItem returns item in the SDK's form, converting stream images.
func sdkItem[T Item](item T) map[string]types.AttributeValue {
	switch m := any(item).(type) {
	case map[string]types.AttributeValue:
		return m
	case map[string]events.DynamoDBAttributeValue:
		return marshal.FromStreamImage(m)
	}
	// A named map type: convert it to its underlying type.
	v := reflect.ValueOf(item)
	if v.Type().Elem() == reflect.TypeOf(events.DynamoDBAttributeValue{}) {
		return marshal.FromStreamImage(v.Convert(reflect.TypeOf(map[string]events.DynamoDBAttributeValue(nil))).Interface().(map[string]events.DynamoDBAttributeValue))
	}
	return v.Convert(reflect.TypeOf(map[string]types.AttributeValue(nil))).Interface().(map[string]types.AttributeValue)
}
