package dynamorm

import (
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// Converter gives a type you do not own (decimal.Decimal, uuid.UUID,
// netip.Addr, ...) a stored form; see marshal.Converter.
type Converter = marshal.Converter

// RegisterTypeConverter registers conv as the converter of type t on db
// and every handle derived from it (WithContext): items, keys, Where,
// Filter and condition operands, the update builder, pointers, slices,
// arrays, maps and sets of t, db.UnmarshalItem(s) and cursors encode and
// decode t through it. It takes precedence over a process-wide converter
// of t (marshal.RegisterConverter), which takes precedence over t's own
// marshaler methods. Models compiled before are compiled again on their
// next use, so the converter is never ignored; registering concurrently
// with requests is safe. A type whose converter stores S, N or B (judged by
// its zero value) can be a table or index key.
func (db *DB) RegisterTypeConverter(t reflect.Type, conv Converter) error {
	return db.shared.codecs.RegisterConverter(t, conv)
}

// RegisterConverter registers the converter of T made of to and from on
// db; see DB.RegisterTypeConverter. to and from are called without boxing
// the value in an interface.
//
//	err := dynamorm.RegisterConverter(db,
//		func(d decimal.Decimal) (types.AttributeValue, error) { return &types.AttributeValueMemberN{Value: d.String()}, nil },
//		func(av types.AttributeValue) (decimal.Decimal, error) { ... })
func RegisterConverter[T any](db *DB, to func(T) (types.AttributeValue, error), from func(types.AttributeValue) (T, error)) error {
	return db.RegisterTypeConverter(reflect.TypeFor[T](), marshal.NewConverter(to, from))
}
