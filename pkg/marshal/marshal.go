package marshal

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Marshal encodes v, a struct, a pointer to a struct, or a map with string
// (or integer, or TextMarshaler) keys, as a DynamoDB item.
func Marshal(v any) (map[string]types.AttributeValue, error) { return global.Load().marshal(v) }

// Marshal is the package's Marshal with cs's converters.
func (cs *Codecs) Marshal(v any) (map[string]types.AttributeValue, error) { return cs.set().marshal(v) }

func (s *codecSet) marshal(v any) (map[string]types.AttributeValue, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() == reflect.Pointer {
		return nil, fmt.Errorf("%w: Marshal needs a struct or a map, got %T(nil)", core.ErrValidation, v)
	}
	c, err := s.codecFor(rv.Type())
	if err != nil {
		return nil, located(err, "encode", rv.Type())
	}
	e := getEncState()
	defer putEncState(e)
	if c.st != nil && !c.customEnc {
		m, err := c.st.encode(e, rv)
		return m, located(err, "encode", rv.Type())
	}
	av, err := c.enc(e, rv)
	if err != nil {
		return nil, located(err, "encode", rv.Type())
	}
	if m, ok := av.(*types.AttributeValueMemberM); ok {
		return m.Value, nil
	}
	return nil, fmt.Errorf("%w: Marshal needs a value stored as a map (M); %s is stored as %s, so use MarshalValue", core.ErrValidation, rv.Type(), avType(av))
}

// Unmarshal decodes item into v, a pointer to a struct, a map or an
// interface. Attributes absent from the item leave struct fields untouched;
// attributes without a field are ignored.
func Unmarshal(item map[string]types.AttributeValue, v any) error {
	return global.Load().unmarshal(item, v)
}

// Unmarshal is the package's Unmarshal with cs's converters.
func (cs *Codecs) Unmarshal(item map[string]types.AttributeValue, v any) error {
	return cs.set().unmarshal(item, v)
}

func (s *codecSet) unmarshal(item map[string]types.AttributeValue, v any) error {
	rv, err := target(v, "Unmarshal")
	if err != nil {
		return err
	}
	c, err := s.codecFor(rv.Type())
	if err != nil {
		return located(err, "decode", rv.Type())
	}
	if c.st != nil && !c.customDec {
		return located(c.st.decode(item, rv, 0), "decode", rv.Type())
	}
	return located(c.dec(&types.AttributeValueMemberM{Value: item}, rv, -1), "decode", rv.Type())
}

// MarshalValue encodes any supported Go value as one attribute value. nil,
// nil pointers, nil slices and nil maps are NULL.
func MarshalValue(v any) (types.AttributeValue, error) { return global.Load().marshalValue(v) }

// MarshalValue is the package's MarshalValue with cs's converters.
func (cs *Codecs) MarshalValue(v any) (types.AttributeValue, error) { return cs.set().marshalValue(v) }

func (s *codecSet) marshalValue(v any) (types.AttributeValue, error) {
	if v == nil {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	rv := reflect.ValueOf(v)
	c, err := s.codecFor(rv.Type())
	if err != nil {
		return nil, located(err, "encode", rv.Type())
	}
	e := getEncState()
	av, err := c.enc(e, rv)
	if av == nil && err == nil {
		av = e.nullValue()
	}
	putEncState(e)
	return av, located(err, "encode", rv.Type())
}

// UnmarshalValue decodes av into what the non-nil pointer v points to.
func UnmarshalValue(av types.AttributeValue, v any) error {
	return global.Load().unmarshalValue(av, v)
}

// UnmarshalValue is the package's UnmarshalValue with cs's converters.
func (cs *Codecs) UnmarshalValue(av types.AttributeValue, v any) error {
	return cs.set().unmarshalValue(av, v)
}

func (s *codecSet) unmarshalValue(av types.AttributeValue, v any) error {
	rv, err := target(v, "UnmarshalValue")
	if err != nil {
		return err
	}
	c, err := s.codecFor(rv.Type())
	if err != nil {
		return located(err, "decode", rv.Type())
	}
	return located(c.dec(av, rv, 0), "decode", rv.Type())
}

// MarshalList encodes a slice or array as the elements of a list (L).
func MarshalList(v any) ([]types.AttributeValue, error) {
	rv := reflect.ValueOf(v)
	if k := rv.Kind(); k != reflect.Slice && k != reflect.Array {
		return nil, fmt.Errorf("%w: MarshalList needs a slice or array, got %T", core.ErrValidation, v)
	}
	av, err := MarshalValue(v)
	if err != nil {
		return nil, err
	}
	switch l := av.(type) {
	case *types.AttributeValueMemberL:
		return l.Value, nil
	case *types.AttributeValueMemberNULL:
		return nil, nil
	}
	return nil, fmt.Errorf("%w: MarshalList: %T is stored as %s, not as a list", core.ErrValidation, v, avType(av))
}

// UnmarshalList decodes the elements of a list into v, a pointer to a slice
// or array.
func UnmarshalList(l []types.AttributeValue, v any) error {
	return UnmarshalValue(&types.AttributeValueMemberL{Value: l}, v)
}

// target returns the settable value a non-nil pointer v points to.
func target(v any, fn string) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return reflect.Value{}, fmt.Errorf("%w: %s needs a non-nil pointer, got %T", core.ErrValidation, fn, v)
	}
	return rv.Elem(), nil
}
