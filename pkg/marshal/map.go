package marshal

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// mapKey converts map keys to and from attribute names.
type mapKey struct {
	enc func(k reflect.Value) (string, error)
	dec func(s string, k reflect.Value) error // k is settable
}

// keyCodec supports keys with a converter that stores S or N, keys that
// are encoding.TextMarshaler and TextUnmarshaler, strings, and integers.
func (cp *compiler) keyCodec(t reflect.Type) (mapKey, error) {
	if cv := cp.set.convs[t]; cv != nil {
		return convertedMapKey(cv)
	}
	p := reflect.PointerTo(t)
	if (t.Implements(textMarshalerType) || p.Implements(textMarshalerType)) && p.Implements(textUnmarshalerType) {
		byValue := t.Implements(textMarshalerType)
		return mapKey{
			enc: func(k reflect.Value) (string, error) {
				b, err := receiver(k, byValue).(encoding.TextMarshaler).MarshalText()
				if err != nil {
					return "", err
				}
				return string(b), checkUTF8(string(b))
			},
			dec: func(s string, k reflect.Value) error {
				return k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
			},
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return mapKey{
			enc: func(k reflect.Value) (string, error) { return k.String(), checkUTF8(k.String()) },
			dec: func(s string, k reflect.Value) error { k.SetString(s); return nil },
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return mapKey{
			enc: func(k reflect.Value) (string, error) { return strconv.FormatInt(k.Int(), 10), nil },
			dec: func(s string, k reflect.Value) error {
				i, status := parseInt(s, t.Bits())
				if status != numOK {
					return numberError(s, status, t.String())
				}
				k.SetInt(i)
				return nil
			},
		}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return mapKey{
			enc: func(k reflect.Value) (string, error) { return strconv.FormatUint(k.Uint(), 10), nil },
			dec: func(s string, k reflect.Value) error {
				u, status := parseUint(s, t.Bits())
				if status != numOK {
					return numberError(s, status, t.String())
				}
				k.SetUint(u)
				return nil
			},
		}, nil
	}
	return mapKey{}, unsupported(t, "map keys must be strings, integers or encoding.TextMarshaler and TextUnmarshaler")
}

var (
	stringMapType = reflect.TypeOf(map[string]string(nil))
	stringType    = reflect.TypeOf("")
)

// fillMap stores maps as M; nil is NULL, an empty map an empty M. A map of
// empty structs (map[T]struct{}, a set) also decodes from SS, NS, BS and L.
func (cp *compiler) fillMap(c *codec) error {
	t := c.typ
	key, err := cp.keyCodec(t.Key())
	if err != nil {
		return err
	}
	elem, err := cp.compile(t.Elem())
	if err != nil {
		return err
	}
	plainKey := t.Key().Kind() == reflect.String && !cp.hasCustomCodec(t.Key())
	switch {
	case plainKey && t.Elem() == stringType:
		fillStringMap(c) // map[string]string, common enough for a fast path
		return nil
	}
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return e.nullValue(), nil
		}
		if err := e.enter(); err != nil {
			return nil, err
		}
		m := make(map[string]types.AttributeValue, v.Len())
		k := reflect.New(t.Key()).Elem()
		x := reflect.New(t.Elem()).Elem()
		it := v.MapRange()
		for it.Next() {
			k.SetIterKey(it)
			x.SetIterValue(it)
			name, err := key.enc(k)
			if err != nil {
				return nil, fmt.Errorf("map key: %w", err)
			}
			av, err := elem.enc(e, x)
			if err != nil {
				return nil, noteAddr(withPath(err, keyStep(name)), v)
			}
			if av == nil {
				av = e.nullValue()
			}
			m[name] = av
		}
		e.depth--
		return e.mapValue(m), nil
	}
	var setElem *codec // decodes set elements into keys, for map[T]struct{}
	if t.Elem().Kind() == reflect.Struct && t.Elem().NumField() == 0 {
		if setElem, err = cp.compile(t.Key()); err != nil {
			return err
		}
	}
	c.dec = mapDecoder(t, key, elem, setElem)
	return nil
}

// mapDecoder decodes an M (or NULL) into a map of type t, each key by key
// and each value by elem; with setElem (a map[T]struct{}) it also decodes
// the elements of a set or list into keys.
func mapDecoder(t reflect.Type, key mapKey, elem, setElem *codec) decodeFunc {
	return func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberM:
			if depth >= maxContainers {
				return &nestingError{}
			}
			m := reflect.MakeMapWithSize(t, len(a.Value))
			k := reflect.New(t.Key()).Elem()
			x := reflect.New(t.Elem()).Elem()
			for name, xav := range a.Value {
				if err := key.dec(name, k); err != nil {
					return withPath(fmt.Errorf("map key: %w", err), keyStep(name))
				}
				x.SetZero()
				if err := elem.dec(xav, x, depth+1); err != nil {
					return withPath(err, keyStep(name))
				}
				m.SetMapIndex(k, x)
			}
			v.Set(m)
			return nil
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		if setElem != nil {
			return decodeMapSet(setElem, t, av, v, depth)
		}
		return mismatch(av, t)
	}
}

// decodeMapSet decodes the elements of a set or list into the keys of a
// map[T]struct{}.
func decodeMapSet(elem *codec, t reflect.Type, av types.AttributeValue, v reflect.Value, depth int) error {
	n, ok := seqLen(av)
	if !ok {
		if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
			v.SetZero()
			return nil
		}
		return mismatch(av, t)
	}
	keys := reflect.MakeSlice(reflect.SliceOf(t.Key()), n, n)
	if err := decodeSeq(elem, av, keys, depth); err != nil {
		return err
	}
	m := reflect.MakeMapWithSize(t, n)
	present := reflect.New(t.Elem()).Elem()
	for i := range n {
		m.SetMapIndex(keys.Index(i), present)
	}
	v.Set(m)
	return nil
}

// convertedMapKey stores map keys of a converted type as the text of the S or
// N value the converter gives them.
func convertedMapKey(cv *converter) (mapKey, error) {
	if cv.kind != "S" && cv.kind != "N" {
		return mapKey{}, unsupported(cv.typ, "a map key needs a converter that stores S or N, and its converter stores "+cv.kind)
	}
	return mapKey{
		enc: func(k reflect.Value) (string, error) {
			av, err := cv.enc(k)
			if err != nil {
				return "", fmt.Errorf("the converter of %s: ToAttributeValue: %w", cv.typ, err)
			}
			switch a := av.(type) {
			case *types.AttributeValueMemberS:
				return a.Value, checkUTF8(a.Value)
			case *types.AttributeValueMemberN:
				return a.Value, nil
			}
			return "", fmt.Errorf("the converter of %s returned %s for a map key", cv.typ, avType(av))
		},
		dec: func(s string, k reflect.Value) error {
			var av types.AttributeValue = &types.AttributeValueMemberS{Value: s}
			if cv.kind == "N" {
				av = &types.AttributeValueMemberN{Value: s}
			}
			if err := cv.dec(av, k); err != nil {
				return fmt.Errorf("the converter of %s: FromAttributeValue(%s): %w", cv.typ, cv.kind, err)
			}
			return nil
		},
	}, nil
}

// hasCustomCodec reports whether t has a converter, or t or *t implements
// any custom codec interface.
func (cp *compiler) hasCustomCodec(t reflect.Type) bool {
	if cp.set.convs[t] != nil {
		return true
	}
	p := reflect.PointerTo(t)
	return t.Implements(textMarshalerType) || p.Implements(textMarshalerType) ||
		p.Implements(textUnmarshalerType) || t.Implements(marshalerType) || p.Implements(marshalerType) ||
		t.Implements(sdkMarshalerType) || p.Implements(sdkMarshalerType) ||
		p.Implements(unmarshalerType) || p.Implements(sdkUnmarshalerType)
}

// fillStringMap handles maps whose keys and values are plain strings
// without going through reflection for every entry.
func fillStringMap(c *codec) {
	t := c.typ
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return e.nullValue(), nil
		}
		if v.Type() != stringMapType {
			v = v.Convert(stringMapType) // a named map type
		}
		if e.depth >= maxContainers {
			return nil, &nestingError{}
		}
		src := v.Interface().(map[string]string)
		m := make(map[string]types.AttributeValue, len(src))
		for k, s := range src {
			if err := checkUTF8(k); err != nil {
				return nil, err
			}
			if err := checkUTF8(s); err != nil {
				return nil, withPath(err, keyStep(k))
			}
			m[k] = e.str(s)
		}
		return e.mapValue(m), nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberM:
			m := make(map[string]string, len(a.Value))
			for k, x := range a.Value {
				switch s := x.(type) {
				case *types.AttributeValueMemberS:
					m[k] = s.Value
				case *types.AttributeValueMemberNULL:
					m[k] = ""
				default:
					return withPath(mismatch(x, stringType), keyStep(k))
				}
			}
			v.Set(reflect.ValueOf(m).Convert(t))
			return nil
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		return mismatch(av, t)
	}
}
