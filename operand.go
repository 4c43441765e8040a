package dynamorm

import (
	"fmt"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Operands of conditions are encoded by the codec of the field they compare
// with (so unixtime, set and custom codecs give the stored form), and a value
// whose encoding cannot be of the field's stored type is refused before
// sending: DynamoDB would compare it with nothing and match nothing, or
// reject a key of the wrong type.

// encode encodes x as a value of the attribute t ends at.
func (t target) encode(x any) (types.AttributeValue, error) {
	if t.leaf == nil {
		return t.codecs.MarshalValue(x)
	}
	codec, err := t.codecs.StructCodecOf(t.owner)
	if err != nil {
		return nil, err
	}
	return codec.EncodeAttrValue(t.leaf.Attr, x)
}

// storedType is the attribute type values at t are stored as ("S", "N",
// "B", "BOOL", "SS", "NS", "BS", "L", "M"), or "" when the type does not
// tell (an interface, a custom codec).
func storedType(t target) string {
	typ := t.typ
	if typ == nil {
		return ""
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if t.leaf != nil && t.leaf.Set {
		return model.ScalarType(elemType(typ)) + "S"
	}
	if t.leaf != nil && (t.leaf.UnixTime || t.leaf.TTL) && typ == reflect.TypeOf(time.Time{}) {
		return "N"
	}
	if typ == reflect.TypeOf(time.Time{}) {
		return "S"
	}
	if model.IsConverted(typ) {
		return model.ScalarType(typ) // "" for a converter that stores no scalar
	}
	if customCodec(typ) {
		return ""
	}
	switch typ.Kind() {
	case reflect.Bool:
		return "BOOL"
	case reflect.Slice, reflect.Array:
		if typ.Elem().Kind() == reflect.Uint8 {
			return "B"
		}
		return "L"
	case reflect.Struct:
		return "M"
	case reflect.Map:
		if typ.Elem().Kind() == reflect.Struct && typ.Elem().NumField() == 0 {
			return "" // map[T]struct{} without set: leave it to the codec
		}
		return "M"
	}
	return model.ScalarType(typ)
}

func elemType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Map {
		return t.Key()
	}
	return t.Elem()
}

// checkOperand refuses av as an operand of op on t when its type cannot be
// what t stores. NULL is accepted everywhere (a comparison with nil).
func checkOperand(t target, op expr.Op, av types.AttributeValue) error {
	want := storedType(t)
	got := attr.TypeName(av)
	if want == "" || got == "NULL" {
		return nil
	}
	switch op {
	case expr.Contains, expr.NotContains:
		switch want {
		case "SS", "NS", "BS":
			want = want[:1]
		case "S":
		default:
			return nil // a list or map may contain anything
		}
	case expr.BeginsWith:
		if want != "S" && want != "B" {
			return fmt.Errorf("%w: BEGINS_WITH applies to strings and binary values; %s is stored as %s", core.ErrValidation, pathName(t), want)
		}
	}
	if got != want {
		return fmt.Errorf("%w: %s is stored as %s (%s), but the value %s is %s; pass a %s", core.ErrValidation,
			pathName(t), want, t.typ, attr.Format(av), got, goTypeHint(t, want))
	}
	return nil
}

func pathName(t target) string {
	s := ""
	for i, p := range t.path {
		if i > 0 && p[0] != '[' {
			s += "."
		}
		s += p
	}
	return s
}

// goTypeHint names the Go values that encode as want, for messages.
func goTypeHint(t target, want string) string {
	switch want {
	case "N":
		return "number"
	case "S":
		return "string"
	case "B":
		return "[]byte"
	case "BOOL":
		return "bool"
	}
	if t.typ != nil {
		return t.typ.String()
	}
	return want
}

// fieldTarget is the target of a whole model field.
func (q *query) fieldTarget(f *model.Field) target {
	return target{field: f, path: f.AttrPath(), owner: q.model.Type, leaf: f, typ: f.Type, codecs: q.db.shared.codecs}
}
