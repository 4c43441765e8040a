package dynamorm

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
// a map), with the same codec and rules as every read. It is meant for
// DynamoDB Streams records in Lambda handlers:
//
//	var order Order
//	if err := dynamorm.UnmarshalItem(record.Change.NewImage, &order); err != nil { ... }
//
// When dest is an entity (see Entity) and the item holds another entity,
// it is an error wrapping ErrUnknownEntity; EntityOf decodes an item of any
// of several entities.
func UnmarshalItem[T Item](item T, dest any) error {
	it := sdkItem(item)
	if err := checkEntity(it, dest); err != nil {
		return err
	}
	return marshal.Unmarshal(it, dest)
}

// UnmarshalItems decodes items into dest, a pointer to a slice of structs or
// of pointers to structs; the slice is replaced by one element per item.
// An error names the index of the item that failed.
func UnmarshalItems[T Item](items []T, dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("%w: UnmarshalItems needs a pointer to a slice, got %T", core.ErrValidation, dest)
	}
	slice := rv.Elem()
	et := slice.Type().Elem()
	out := reflect.MakeSlice(slice.Type(), len(items), len(items))
	for i, item := range items {
		target := out.Index(i)
		if et.Kind() == reflect.Pointer {
			target.Set(reflect.New(et.Elem()))
		} else {
			target = target.Addr()
		}
		if err := UnmarshalItem(item, target.Interface()); err != nil {
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
