package marshal

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Scalars: strings (S), booleans (BOOL), integers and floats (N), Number
// (N, exact text) and byte slices and arrays (B). Decoding NULL into any of
// them stores the zero value.

func fillString(c *codec) {
	c.scalar = 'S'
	c.text = func(v reflect.Value) (string, error) { return v.String(), checkUTF8(v.String()) }
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		s := v.String()
		if !validUTF8(s) {
			return nil, invalidUTF8(s)
		}
		return e.str(s), nil
	}
	c.fromText = func(s string, v reflect.Value) error {
		v.SetString(s)
		return nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberS:
			v.SetString(a.Value)
			return nil
		case *types.AttributeValueMemberNULL:
			v.SetString("")
			return nil
		}
		return mismatch(av, c.typ)
	}
}

func fillBool(c *codec) {
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		return e.boolean(v.Bool()), nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberBOOL:
			v.SetBool(a.Value)
			return nil
		case *types.AttributeValueMemberNULL:
			v.SetBool(false)
			return nil
		}
		return mismatch(av, c.typ)
	}
}

// fillNumeric installs the parts shared by every number type: encoding
// through text, decoding N through fromNum.
func fillNumeric(c *codec, text func(v reflect.Value) (string, error), fromNum func(s string, v reflect.Value) error) {
	c.scalar = 'N'
	c.text = text
	c.fromNum = fromNum
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		s, err := text(v)
		if err != nil {
			return nil, err
		}
		return e.num(s), nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberN:
			return fromNum(a.Value, v)
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		return mismatch(av, c.typ)
	}
}

func fillInt(c *codec) {
	bits := c.typ.Bits()
	fillNumeric(c,
		func(v reflect.Value) (string, error) { return strconv.FormatInt(v.Int(), 10), nil },
		func(s string, v reflect.Value) error {
			i, status := parseInt(s, bits)
			if status != numOK {
				return numberError(s, status, c.typ.String())
			}
			v.SetInt(i)
			return nil
		})
	// Integers cannot fail to encode: skip the text step.
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		return e.num(strconv.FormatInt(v.Int(), 10)), nil
	}
}

func fillUint(c *codec) {
	bits := c.typ.Bits()
	fillNumeric(c,
		func(v reflect.Value) (string, error) { return strconv.FormatUint(v.Uint(), 10), nil },
		func(s string, v reflect.Value) error {
			u, status := parseUint(s, bits)
			if status != numOK {
				return numberError(s, status, c.typ.String())
			}
			v.SetUint(u)
			return nil
		})
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		return e.num(strconv.FormatUint(v.Uint(), 10)), nil
	}
}

func fillFloat(c *codec) {
	bits := c.typ.Bits()
	fillNumeric(c,
		func(v reflect.Value) (string, error) {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return "", &causeError{msg: fmt.Sprintf("%v cannot be stored: DynamoDB numbers are finite", f), sentinel: core.ErrValidation}
			}
			if err := checkFloat(f); err != nil {
				return "", err
			}
			return formatFloat(f, bits), nil
		},
		func(s string, v reflect.Value) error {
			f, status := parseFloat(s, bits)
			if status != numOK {
				return numberError(s, status, c.typ.String())
			}
			v.SetFloat(f)
			return nil
		})
}

// fillNumber stores Number as N, checking that the text is a number.
func fillNumber(c *codec) {
	fillNumeric(c,
		func(v reflect.Value) (string, error) {
			s := v.String()
			if err := checkNumber(s); err != nil {
				return "", err
			}
			return s, nil
		},
		func(s string, v reflect.Value) error {
			v.SetString(s)
			return nil
		})
}

// Byte slices: nil is absent (left out of a struct, NULL in lists and maps),
// anything else is B. Bytes are copied both ways, so an item never aliases
// the Go value it came from or went to.

func fillByteSlice(c *codec) {
	c.scalar = 'B'
	c.bytes = func(v reflect.Value) ([]byte, error) {
		if v.IsNil() {
			return nil, nil
		}
		return append([]byte{}, v.Bytes()...), nil
	}
	c.enc = func(_ *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return nil, nil
		}
		return &types.AttributeValueMemberB{Value: append([]byte{}, v.Bytes()...)}, nil
	}
	c.fromB = func(b []byte, v reflect.Value) error {
		nb := reflect.MakeSlice(c.typ, len(b), len(b))
		copy(nb.Bytes(), b)
		v.Set(nb)
		return nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberB:
			return c.fromB(a.Value, v)
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		return mismatch(av, c.typ)
	}
}

func fillByteArray(c *codec) {
	c.scalar = 'B'
	n := c.typ.Len()
	c.bytes = func(v reflect.Value) ([]byte, error) {
		b := make([]byte, n)
		if v.CanAddr() {
			copy(b, v.Bytes())
			return b, nil
		}
		for i := range b {
			b[i] = byte(v.Index(i).Uint())
		}
		return b, nil
	}
	c.enc = func(_ *encState, v reflect.Value) (types.AttributeValue, error) {
		b, _ := c.bytes(v)
		return &types.AttributeValueMemberB{Value: b}, nil
	}
	c.fromB = func(b []byte, v reflect.Value) error {
		if len(b) != n {
			return fmt.Errorf("%d bytes do not fit %s", len(b), c.typ)
		}
		copy(v.Bytes(), b) // decoding targets are addressable
		return nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberB:
			return c.fromB(a.Value, v)
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		return mismatch(av, c.typ)
	}
}
