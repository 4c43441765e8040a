package marshal

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Converter gives a Go type that cannot be changed (decimal.Decimal,
// uuid.UUID, netip.Addr, another team's type) a stored form, the shape
// DynamORM's RegisterTypeConverter takes. ToAttributeValue receives a value
// of the registered type; FromAttributeValue receives the stored value
// (NULL included) and a pointer to the value to fill. A nil attribute value
// from ToAttributeValue leaves a struct field's attribute out (NULL inside
// lists and maps). Register one with RegisterConverter (process-wide) or
// Codecs.RegisterConverter (one DB); NewConverter builds one from typed
// functions.
type Converter interface {
	ToAttributeValue(value any) (types.AttributeValue, error)
	FromAttributeValue(av types.AttributeValue, target any) error
}

// NewConverter returns the converter of T made of to and from. The codec
// calls them directly, without boxing T in an interface; as a Converter it
// accepts a T and a *T.
func NewConverter[T any](to func(T) (types.AttributeValue, error), from func(types.AttributeValue) (T, error)) Converter {
	return &funcConverter[T]{to: to, from: from}
}

type funcConverter[T any] struct {
	to   func(T) (types.AttributeValue, error)
	from func(types.AttributeValue) (T, error)
}

// ToAttributeValue encodes value, which must be a T.
func (f *funcConverter[T]) ToAttributeValue(value any) (types.AttributeValue, error) {
	x, ok := value.(T)
	if !ok {
		return nil, fmt.Errorf("%w: the converter of %s cannot encode %T", core.ErrValidation, reflect.TypeFor[T](), value)
	}
	return f.to(x)
}

// FromAttributeValue decodes av into target, which must be a non-nil *T.
func (f *funcConverter[T]) FromAttributeValue(av types.AttributeValue, target any) error {
	p, ok := target.(*T)
	if !ok || p == nil {
		return fmt.Errorf("%w: the converter of %s decodes into a non-nil *%[2]s, not %T", core.ErrValidation, reflect.TypeFor[T](), target)
	}
	x, err := f.from(av)
	if err == nil {
		*p = x
	}
	return err
}

func (f *funcConverter[T]) typ() reflect.Type { return reflect.TypeFor[T]() }

// encode calls to on the T in v; through a pointer when v is addressable,
// so that no T is copied into an interface.
func (f *funcConverter[T]) encode(v reflect.Value) (types.AttributeValue, error) {
	if v.CanAddr() {
		return f.to(*v.Addr().Interface().(*T))
	}
	return f.to(v.Interface().(T))
}

// decode fills v, which is addressable (decoding targets always are).
func (f *funcConverter[T]) decode(av types.AttributeValue, v reflect.Value) error {
	x, err := f.from(av)
	if err == nil {
		*v.Addr().Interface().(*T) = x
	}
	return err
}

// typedConverter is what NewConverter returns, seen by the codec.
type typedConverter interface {
	typ() reflect.Type
	encode(v reflect.Value) (types.AttributeValue, error)
	decode(av types.AttributeValue, v reflect.Value) error
}

// converter is a registered converter as the codec calls it.
type converter struct {
	typ  reflect.Type
	kind string // the DynamoDB type of the zero value's stored form, "" if unknown
	enc  func(v reflect.Value) (types.AttributeValue, error)
	dec  func(av types.AttributeValue, v reflect.Value) error
}

// newConverter checks that conv can be registered for t and prepares it.
func newConverter(t reflect.Type, conv Converter) (*converter, error) {
	if t == nil || conv == nil {
		return nil, fmt.Errorf("%w: RegisterConverter needs a type and a converter, got %v and %T", core.ErrValidation, t, conv)
	}
	switch {
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface:
		return nil, fmt.Errorf("%w: RegisterConverter(%s): register the converter of the type itself, not of a pointer or an interface; pointers, slices, maps and sets of it use it", core.ErrValidation, t)
	case t.Name() == "" || t.PkgPath() == "":
		return nil, fmt.Errorf("%w: RegisterConverter(%s): only named types declared in a package can have a converter, not a built-in or unnamed type", core.ErrValidation, t)
	}
	c := &converter{typ: t}
	if tc, ok := conv.(typedConverter); ok {
		if tc.typ() != t {
			return nil, fmt.Errorf("%w: RegisterConverter(%s): the converter converts %s", core.ErrValidation, t, tc.typ())
		}
		c.enc, c.dec = tc.encode, tc.decode
	} else {
		c.enc = func(v reflect.Value) (types.AttributeValue, error) { return conv.ToAttributeValue(v.Interface()) }
		c.dec = func(av types.AttributeValue, v reflect.Value) error {
			return conv.FromAttributeValue(av, v.Addr().Interface())
		}
	}
	if av, err := probe(c); err == nil && av != nil {
		c.kind = avType(av)
	}
	return c, nil
}

// probe encodes the zero value of the converter's type: its stored form is
// the key type of the converted type.
func probe(c *converter) (av types.AttributeValue, err error) {
	defer func() {
		if p := recover(); p != nil {
			av, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return c.enc(reflect.New(c.typ).Elem())
}

// fillConverter makes c call the converter cv in both directions. The
// converter's results are checked as custom marshalers' are; its errors
// name the type (the caller's path adds the struct and field).
func fillConverter(c *codec, cv *converter) {
	c.customEnc, c.customDec = true, true
	c.conv = cv
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		av, err := cv.enc(v)
		if err != nil {
			return nil, fmt.Errorf("the converter of %s: ToAttributeValue: %w", cv.typ, err)
		}
		return av, checkValue(av, e.depth)
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		if err := cv.dec(av, v); err != nil {
			return fmt.Errorf("the converter of %s: FromAttributeValue(%s): %w", cv.typ, avType(av), err)
		}
		return nil
	}
}

// convertedKey checks key field f of a type with a converter: the set being
// compiled must convert it too, or its values would not have the key type
// the model (and the table) has.
func (cp *compiler) convertedKey(f *model.Field) error {
	bt := f.Type
	for bt.Kind() == reflect.Pointer {
		bt = bt.Elem()
	}
	if !model.IsConverted(bt) {
		return nil
	}
	want := f.KeyType()
	if cv := cp.set.convs[bt]; cv == nil || cv.kind != want {
		return &causeError{msg: fmt.Sprintf("%s is a key of type %s because of a converter registered elsewhere (on another DB), but these codecs have no such converter of it; register the converter on this DB too, or process-wide", bt, want), sentinel: core.ErrInvalidModel}
	}
	return nil
}

// convertedKeyKind is the key type results of f's converter must have, or
// "" when f is no key or its type has no converter.
func convertedKeyKind(f *model.Field) string {
	if keyLimit(f) == 0 || !model.IsConverted(f.Type) {
		return ""
	}
	return f.KeyType()
}

// checkKey checks av, the value of key field f: its type, when a converter
// made it, and its size.
func (f *field) checkKey(av types.AttributeValue) error {
	if f.keyKind != "" && av != nil && avType(av) != f.keyKind {
		return &causeError{msg: fmt.Sprintf("the converter of %s returned %s for a key of type %s", f.c.typ, avType(av), f.keyKind), sentinel: core.ErrValidation}
	}
	return checkKeySize(av, f.keyLimit)
}
