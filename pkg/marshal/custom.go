package marshal

import (
	"encoding"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Marshaler is implemented by types that encode themselves to a DynamoDB
// attribute value. It is dynamorm's own custom-codec interface; the SDK's
// attributevalue.Marshaler and encoding.TextMarshaler are honoured as well,
// in that order after this one. Returning a nil value leaves a struct field's
// attribute out (and stores NULL inside lists and maps).
type Marshaler interface {
	MarshalAttributeValue() (types.AttributeValue, error)
}

// Unmarshaler is implemented by types that decode themselves from a DynamoDB
// attribute value (including NULL). It takes precedence over the SDK's
// attributevalue.Unmarshaler and encoding.TextUnmarshaler.
type Unmarshaler interface {
	UnmarshalAttributeValue(types.AttributeValue) error
}

// sdkMarshaler and sdkUnmarshaler have the method sets of the SDK's
// attributevalue.Marshaler and attributevalue.Unmarshaler, so types written
// for the SDK's codec keep working here.
type sdkMarshaler interface {
	MarshalDynamoDBAttributeValue() (types.AttributeValue, error)
}

type sdkUnmarshaler interface {
	UnmarshalDynamoDBAttributeValue(types.AttributeValue) error
}

// receiver returns the value to call an interface method on: the pointer
// when v is addressable (its method set includes the value methods and the
// call copies nothing), v itself when the method has a value receiver, or a
// pointer to an addressable copy.
func receiver(v reflect.Value, valueRecv bool) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	if valueRecv {
		return v.Interface()
	}
	return addressable(v).Addr().Interface()
}

// fillCustomEncoder installs the encoder of the first custom interface the
// type implements, on its value or its pointer, and reports whether it did.
func fillCustomEncoder(c *codec) bool {
	t := c.typ
	p := reflect.PointerTo(t)
	switch {
	case t.Implements(marshalerType) || p.Implements(marshalerType):
		byValue := t.Implements(marshalerType)
		c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
			av, err := receiver(v, byValue).(Marshaler).MarshalAttributeValue()
			if err != nil {
				return nil, fmt.Errorf("MarshalAttributeValue: %w", err)
			}
			return av, checkValue(av, e.depth)
		}
	case t.Implements(sdkMarshalerType) || p.Implements(sdkMarshalerType):
		byValue := t.Implements(sdkMarshalerType)
		c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
			av, err := receiver(v, byValue).(sdkMarshaler).MarshalDynamoDBAttributeValue()
			if err != nil {
				return nil, fmt.Errorf("MarshalDynamoDBAttributeValue: %w", err)
			}
			return av, checkValue(av, e.depth)
		}
	case t.Implements(textMarshalerType) || p.Implements(textMarshalerType):
		byValue := t.Implements(textMarshalerType)
		c.scalar = 'S'
		c.text = func(v reflect.Value) (string, error) {
			b, err := receiver(v, byValue).(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return "", fmt.Errorf("MarshalText: %w", err)
			}
			return string(b), checkUTF8(string(b))
		}
		c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
			s, err := c.text(v)
			if err != nil {
				return nil, err
			}
			return e.str(s), nil
		}
	default:
		return false
	}
	return true
}

// fillCustomDecoder installs the decoder of the first custom interface the
// type's pointer implements and reports whether it did. Decoding targets are
// always addressable, so the pointer's method set is the one that counts.
func fillCustomDecoder(c *codec) bool {
	p := reflect.PointerTo(c.typ)
	switch {
	case p.Implements(unmarshalerType):
		c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
			if err := v.Addr().Interface().(Unmarshaler).UnmarshalAttributeValue(av); err != nil {
				return fmt.Errorf("UnmarshalAttributeValue: %w", err)
			}
			return nil
		}
	case p.Implements(sdkUnmarshalerType):
		c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
			if err := v.Addr().Interface().(sdkUnmarshaler).UnmarshalDynamoDBAttributeValue(av); err != nil {
				return fmt.Errorf("UnmarshalDynamoDBAttributeValue: %w", err)
			}
			return nil
		}
	case p.Implements(textUnmarshalerType):
		c.fromText = func(s string, v reflect.Value) error {
			if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
				return fmt.Errorf("UnmarshalText: %w", err)
			}
			return nil
		}
		c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
			switch a := av.(type) {
			case *types.AttributeValueMemberS:
				return c.fromText(a.Value, v)
			case *types.AttributeValueMemberNULL:
				v.SetZero()
				return nil
			}
			return mismatch(av, c.typ)
		}
	default:
		return false
	}
	return true
}
