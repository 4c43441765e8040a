package dynamorm

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// addOperand is the operand of an ADD (setOnly false) or DELETE (setOnly
// true) on field, encoded as av. On a `set` field it is a set of the
// field's element type: a scalar becomes a one-element set, a slice the
// set of its elements, and any other type is refused. On another field ADD
// takes a number, and DELETE is refused. Document paths and interface
// fields take what the value is (asSetOrNumber).
func (u *updateBuilder) addOperand(f *model.Field, av types.AttributeValue, field string, setOnly bool) (types.AttributeValue, error) {
	if f == nil || f.Type.Kind() == reflect.Interface {
		return asSetOrNumber(av, field, setOnly)
	}
	if !f.Set {
		if _, isNumber := av.(*types.AttributeValueMemberN); isNumber && !setOnly {
			return av, nil
		}
		if setOnly {
			return nil, fmt.Errorf("%w: Delete on %s: DELETE removes elements from a set, and %s is not a set field (tag it `set`); use Remove to delete the attribute", core.ErrValidation, field, f.GoName)
		}
		return nil, fmt.Errorf("%w: Add on %s: ADD takes a number here (%s is not a set field), got %s", core.ErrValidation, field, f.GoName, core.FormatValue(av))
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberN:
		av = &types.AttributeValueMemberNS{Value: []string{v.Value}}
	case *types.AttributeValueMemberB:
		av = &types.AttributeValueMemberBS{Value: [][]byte{v.Value}}
	}
	set, err := asSetOrNumber(av, field, true)
	if err != nil {
		return nil, err
	}
	if want := u.setType(f); want != "" && attr.TypeName(set) != want {
		return nil, fmt.Errorf("%w: %s is a set of type %s; the value given is %s", core.ErrValidation, field, want, core.FormatValue(set))
	}
	return set, nil
}

// setType is the DynamoDB set type ("SS", "NS" or "BS") a `set` field is
// stored as: the type its codec gives an element, with "S" appended; ""
// when it cannot tell.
func (u *updateBuilder) setType(f *model.Field) string {
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var elem reflect.Type
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		elem = t.Elem()
	case reflect.Map:
		elem = t.Key()
	default:
		return ""
	}
	av, err := u.q.codec.EncodeAttrValue(f.Attr, reflect.Zero(elem).Interface())
	if err != nil {
		return ""
	}
	switch scalar := attr.TypeName(av); scalar {
	case "S", "N", "B":
		return scalar + "S"
	}
	return ""
}

// setOf converts list elements that are all of member type M to a set; nil
// when one is not.
func setOf[M types.AttributeValue, T any](elems []types.AttributeValue, value func(M) T, set func([]T) types.AttributeValue) types.AttributeValue {
	out := make([]T, len(elems))
	for i, e := range elems {
		m, ok := e.(M)
		if !ok {
			return nil
		}
		out[i] = value(m)
	}
	return set(out)
}

// asSetOrNumber converts a list of scalars to the matching set, as ADD and
// DELETE require; numbers pass for ADD.
func asSetOrNumber(av types.AttributeValue, field string, setOnly bool) (types.AttributeValue, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		return av, nil
	case *types.AttributeValueMemberN:
		if !setOnly {
			return av, nil
		}
	case *types.AttributeValueMemberS:
		return &types.AttributeValueMemberSS{Value: []string{v.Value}}, nil
	case *types.AttributeValueMemberL:
		if len(v.Value) == 0 {
			return nil, fmt.Errorf("%w: %s: an empty set cannot be added or deleted", core.ErrValidation, field)
		}
		var set types.AttributeValue
		switch v.Value[0].(type) {
		case *types.AttributeValueMemberS:
			set = setOf(v.Value, func(e *types.AttributeValueMemberS) string { return e.Value }, func(s []string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: s} })
		case *types.AttributeValueMemberN:
			set = setOf(v.Value, func(e *types.AttributeValueMemberN) string { return e.Value }, func(s []string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: s} })
		case *types.AttributeValueMemberB:
			set = setOf(v.Value, func(e *types.AttributeValueMemberB) []byte { return e.Value }, func(s [][]byte) types.AttributeValue { return &types.AttributeValueMemberBS{Value: s} })
		}
		if set == nil {
			return nil, fmt.Errorf("%w: %s: set elements must all be strings, all numbers or all binary", core.ErrValidation, field)
		}
		return set, nil
	}
	what := "a number or a set"
	if setOnly {
		what = "a set"
	}
	return nil, fmt.Errorf("%w: %s takes %s, got %s", core.ErrValidation, field, what, core.FormatValue(av))
}
