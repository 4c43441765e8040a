package dynamorm

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// addOperand is the operand of an ADD (setOnly false) or DELETE (setOnly
// true) at t (field names it in messages), encoded as av. Where a `set`
// field is stored it is a set of the field's element type: a scalar becomes
// a one-element set, a slice the set of its elements, and any other type is
// refused. Where a number is stored ADD takes a number. Anywhere else (a
// string, a list, a map) both are refused; where the type is not known (an
// interface, a map value, a custom codec) the value decides (asSetOrNumber).
func (u *updateBuilder) addOperand(t target, av types.AttributeValue, field string, setOnly bool) (types.AttributeValue, error) {
	op := "Add"
	if setOnly {
		op = "Delete"
	}
	want := storedType(t)
	if t.leaf != nil && t.leaf.Set && len(want) != 2 {
		want = "" // a set of elements the type does not tell (a custom codec)
	}
	switch want {
	case "":
		return asSetOrNumber(av, field, setOnly)
	case "SS", "NS", "BS":
		return setOperand(av, field, want)
	case "N":
		if _, isNumber := av.(*types.AttributeValueMemberN); isNumber && !setOnly {
			return av, nil
		}
		if !setOnly {
			return nil, fmt.Errorf("%w: Add on %s: %s holds a number, so ADD takes a number, got %s", core.ErrValidation, field, field, core.FormatValue(av))
		}
		fallthrough
	default:
		return nil, fmt.Errorf("%w: %s on %s: %s is stored as %s; ADD works on numbers and sets (tag a slice `set`), DELETE on sets; use Set, Remove or the list operations", core.ErrValidation, op, field, field, want)
	}
}

// setOperand converts av to a set of type want ("SS", "NS" or "BS"): a
// scalar is a one-element set; a value of another type is refused.
func setOperand(av types.AttributeValue, field, want string) (types.AttributeValue, error) {
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
	if attr.TypeName(set) != want {
		return nil, fmt.Errorf("%w: %s is a set of type %s; the value given is %s", core.ErrValidation, field, want, core.FormatValue(set))
	}
	return set, nil
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
