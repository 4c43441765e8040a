package marshal

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Lists, arrays, maps and pointers. Decoding replaces slices and maps as a
// whole (it does not merge into the old ones); arrays are filled in place
// and their remaining elements zeroed.

// fillSlice stores slices as L; nil is NULL, an empty slice an empty L.
// Decoding also accepts SS, NS and BS when the element type fits.
func (cp *compiler) fillSlice(c *codec) error {
	elem, err := cp.compile(c.typ.Elem())
	if err != nil {
		return err
	}
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return e.nullValue(), nil
		}
		return encodeList(e, elem, v)
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		n, ok := seqLen(av)
		if !ok {
			if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
				v.SetZero()
				return nil
			}
			return mismatch(av, c.typ)
		}
		// A new backing array, never the old one: decoding replaces the
		// slice. (Grow on a nil slice allocates only the array, where
		// MakeSlice would allocate a slice header as well.)
		if n == 0 {
			v.Set(reflect.MakeSlice(c.typ, 0, 0)) // empty, not nil
			return nil
		}
		v.SetZero()
		v.Grow(n)
		v.SetLen(n)
		return decodeSeq(elem, av, v, depth)
	}
	return nil
}

// fillArray stores arrays as L of their full length.
func (cp *compiler) fillArray(c *codec) error {
	elem, err := cp.compile(c.typ.Elem())
	if err != nil {
		return err
	}
	size := c.typ.Len()
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		return encodeList(e, elem, v)
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		n, ok := seqLen(av)
		if !ok {
			if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
				v.SetZero()
				return nil
			}
			return mismatch(av, c.typ)
		}
		if n > size {
			return fmt.Errorf("%s of %d elements does not fit %s", avType(av), n, c.typ)
		}
		if err := decodeSeq(elem, av, v, depth); err != nil {
			return err
		}
		for i := n; i < size; i++ {
			v.Index(i).SetZero()
		}
		return nil
	}
	return nil
}

func encodeList(e *encState, elem *codec, v reflect.Value) (types.AttributeValue, error) {
	if err := e.enter(); err != nil {
		return nil, err
	}
	n := v.Len()
	l := make([]types.AttributeValue, n)
	for i := range n {
		av, err := elem.enc(e, v.Index(i))
		if err != nil {
			err = withPath(err, indexStep(i))
			if v.Kind() == reflect.Slice {
				err = noteAddr(err, v)
			}
			return nil, err
		}
		if av == nil {
			av = e.nullValue()
		}
		l[i] = av
	}
	e.depth--
	return e.list(l), nil
}

// seqLen returns the number of elements of a list or set value.
func seqLen(av types.AttributeValue) (int, bool) {
	switch a := av.(type) {
	case *types.AttributeValueMemberL:
		return len(a.Value), true
	case *types.AttributeValueMemberSS:
		return len(a.Value), true
	case *types.AttributeValueMemberNS:
		return len(a.Value), true
	case *types.AttributeValueMemberBS:
		return len(a.Value), true
	}
	return 0, false
}

// decodeSeq decodes the elements of a list or set value, which depth lists
// and maps enclose, into the first elements of the slice or array s.
func decodeSeq(elem *codec, av types.AttributeValue, s reflect.Value, depth int) error {
	var err error
	at := -1
	switch a := av.(type) {
	case *types.AttributeValueMemberL:
		if depth >= maxContainers {
			return &nestingError{}
		}
		for i, x := range a.Value {
			if err = elem.dec(x, s.Index(i), depth+1); err != nil {
				at = i
				break
			}
		}
	case *types.AttributeValueMemberSS:
		for i, x := range a.Value {
			if err = decodeText(elem, x, s.Index(i)); err != nil {
				at = i
				break
			}
		}
	case *types.AttributeValueMemberNS:
		for i, x := range a.Value {
			if err = decodeNum(elem, x, s.Index(i)); err != nil {
				at = i
				break
			}
		}
	case *types.AttributeValueMemberBS:
		for i, x := range a.Value {
			if err = decodeBin(elem, x, s.Index(i)); err != nil {
				at = i
				break
			}
		}
	}
	if err != nil {
		return withPath(err, indexStep(at))
	}
	return nil
}

// fillPointer stores what a pointer points to; nil is NULL. Decoding NULL
// sets the pointer to nil, anything else allocates when the pointer is nil.
func (cp *compiler) fillPointer(c *codec) error {
	elem, err := cp.compile(c.typ.Elem())
	if err != nil {
		return err
	}
	fillPointerTo(c, elem)
	return nil
}

func fillPointerTo(c *codec, elem *codec) {
	c.elem = elem
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return e.nullValue(), nil
		}
		if err := e.hop(); err != nil {
			return nil, err
		}
		av, err := elem.enc(e, v.Elem())
		e.hops--
		if err != nil {
			return nil, noteAddr(err, v)
		}
		return av, nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
			v.SetZero()
			return nil
		}
		return elem.dec(av, pointee(v), depth)
	}
	c.fromText = func(s string, v reflect.Value) error { return decodeText(elem, s, pointee(v)) }
	c.fromNum = func(s string, v reflect.Value) error { return decodeNum(elem, s, pointee(v)) }
	c.fromB = func(b []byte, v reflect.Value) error { return decodeBin(elem, b, pointee(v)) }
}

// pointee returns what pointer v points to, allocating it when v is nil.
func pointee(v reflect.Value) reflect.Value {
	if v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return v.Elem()
}

// fillInterface encodes the dynamic value of an interface. Decoding into an
// interface that holds a non-nil pointer decodes into what it points to;
// otherwise an empty interface receives the natural Go form of the value
// (see decodeAny) and other interfaces are an error.
func fillInterface(c *codec, set *codecSet) {
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if v.IsNil() {
			return e.nullValue(), nil
		}
		d := v.Elem()
		dc, err := set.codecFor(d.Type())
		if err != nil {
			return nil, err
		}
		if err := e.hop(); err != nil {
			return nil, err
		}
		av, err := dc.enc(e, d)
		e.hops--
		if av == nil && err == nil {
			av = e.nullValue()
		}
		return av, err
	}
	empty := c.typ.NumMethod() == 0
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
			v.SetZero()
			return nil
		}
		if !v.IsNil() {
			if d := v.Elem(); d.Kind() == reflect.Pointer && !d.IsNil() {
				dc, err := set.codecFor(d.Type().Elem())
				if err != nil {
					return err
				}
				return dc.dec(av, d.Elem(), depth)
			}
		}
		if !empty {
			return fmt.Errorf("cannot decode %s into %s: it holds no pointer to decode into", avType(av), c.typ)
		}
		x, err := decodeAny(av, depth)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(x))
		return nil
	}
}

// decodeAny returns the natural Go form of av: S string, N Number, BOOL
// bool, B []byte, L []any, M map[string]any, SS []string, NS []Number,
// BS [][]byte, NULL nil. Nothing is shared with av. depth is the number of
// lists and maps around av: a value nested deeper than DynamoDB allows (or
// a cyclic one built in memory) is an error, not an endless recursion.
func decodeAny(av types.AttributeValue, depth int) (any, error) {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return a.Value, nil
	case *types.AttributeValueMemberN:
		return Number(a.Value), nil
	case *types.AttributeValueMemberBOOL:
		return a.Value, nil
	case *types.AttributeValueMemberB:
		return append([]byte{}, a.Value...), nil
	case *types.AttributeValueMemberNULL:
		return nil, nil
	case *types.AttributeValueMemberL:
		if depth >= maxContainers {
			return nil, &nestingError{}
		}
		l := make([]any, len(a.Value))
		for i, x := range a.Value {
			var err error
			if l[i], err = decodeAny(x, depth+1); err != nil {
				return nil, withPath(err, indexStep(i))
			}
		}
		return l, nil
	case *types.AttributeValueMemberM:
		if depth >= maxContainers {
			return nil, &nestingError{}
		}
		m := make(map[string]any, len(a.Value))
		for k, x := range a.Value {
			v, err := decodeAny(x, depth+1)
			if err != nil {
				return nil, withPath(err, keyStep(k))
			}
			m[k] = v
		}
		return m, nil
	case *types.AttributeValueMemberSS:
		return append([]string{}, a.Value...), nil
	case *types.AttributeValueMemberNS:
		ns := make([]Number, len(a.Value))
		for i, s := range a.Value {
			ns[i] = Number(s)
		}
		return ns, nil
	case *types.AttributeValueMemberBS:
		bs := make([][]byte, len(a.Value))
		for i, b := range a.Value {
			bs[i] = append([]byte{}, b...)
		}
		return bs, nil
	}
	return nil, fmt.Errorf("cannot decode %s", avType(av))
}
