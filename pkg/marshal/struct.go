package marshal

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// StructCodec is the compiled codec of one struct type: the encoder and
// decoder of every stored field, built once from the model metadata. The
// ORM uses it on its hot paths; it is safe for concurrent use.
//
// A StructCodec always works field by field: custom marshalers on the
// struct type itself are for Marshal and MarshalValue, not for items.
type StructCodec struct {
	set    *codecSet // the converters it was compiled under
	typ    reflect.Type
	fields []field
	byAttr map[string]int
}

// field is one stored field with everything its encoding needs.
type field struct {
	attr   string
	goName string
	index  []int  // reflect path from the struct
	c      *codec // the field type, with the field's options applied
	omit   func(reflect.Value) bool
	// keyLimit is the size limit of the field's values as a table or index
	// key (the smallest of its roles), 0 for other fields.
	keyLimit int
	// keyKind is the key type of a key field whose type has a converter,
	// whose results are checked against it; "" otherwise.
	keyKind string
}

// StructCodecOf returns the codec of struct type t (a pointer to a struct
// is dereferenced). It is compiled on first use and cached; errors name the
// struct and field and wrap core.ErrUnsupportedType for types that cannot be
// stored, or core.ErrInvalidModel for invalid tags.
func StructCodecOf(t reflect.Type) (*StructCodec, error) { return global.Load().structCodecOf(t) }

// StructCodecOf is the package's StructCodecOf with cs's converters.
func (cs *Codecs) StructCodecOf(t reflect.Type) (*StructCodec, error) {
	return cs.set().structCodecOf(t)
}

func (s *codecSet) structCodecOf(t reflect.Type) (*StructCodec, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: a struct codec needs a struct type, got %v", core.ErrUnsupportedType, t)
	}
	c, err := s.codecFor(t)
	if err != nil {
		return nil, located(err, "", t)
	}
	if c.st == nil {
		return nil, fmt.Errorf("%w: %s has a codec of its own and is stored as one value, not as an item", core.ErrUnsupportedType, t)
	}
	return c.st, nil
}

// Type returns the struct type the codec was compiled for.
func (sc *StructCodec) Type() reflect.Type { return sc.typ }

func (cp *compiler) fillStruct(c *codec) error {
	t := c.typ
	mf, err := model.Fields(t)
	if err != nil {
		return fmt.Errorf("%w: %v", core.ErrInvalidModel, err)
	}
	sc := &StructCodec{set: cp.set, typ: t, fields: make([]field, 0, len(mf)), byAttr: make(map[string]int, len(mf))}
	for _, f := range mf {
		fc, err := cp.fieldCodec(f.Type, f)
		if err == nil && keyLimit(f) > 0 {
			err = cp.convertedKey(f)
		}
		if err != nil {
			return withPath(err, fieldStep(f.GoName))
		}
		sc.byAttr[f.Attr] = len(sc.fields)
		sc.fields = append(sc.fields, field{
			attr:     f.Attr,
			goName:   f.GoName,
			index:    f.Index,
			c:        fc,
			omit:     omitFunc(f, fc),
			keyLimit: keyLimit(f),
			keyKind:  convertedKeyKind(f),
		})
	}
	c.st = sc
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		if err := e.enter(); err != nil {
			return nil, err
		}
		m, err := sc.encode(e, v)
		e.depth--
		if err != nil {
			return nil, err
		}
		return e.mapValue(m), nil
	}
	c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberM:
			if depth >= maxContainers {
				return &nestingError{}
			}
			return sc.decode(a.Value, v, depth+1)
		case *types.AttributeValueMemberNULL:
			v.SetZero()
			return nil
		}
		return mismatch(av, t)
	}
	return nil
}

// fieldCodec applies the options of field f that change how type t is
// stored (set, unixtime; the model sets unixtime on ttl times), through
// any pointers.
func (cp *compiler) fieldCodec(t reflect.Type, f *model.Field) (*codec, error) {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	unix := base == timeType && f.UnixTime
	if !f.Set && !unix {
		return cp.compile(t)
	}
	if t.Kind() == reflect.Pointer {
		elem, err := cp.fieldCodec(t.Elem(), f)
		if err != nil {
			return nil, err
		}
		c := &codec{typ: t, empty: emptyFunc(t)}
		fillPointerTo(c, elem)
		return c, nil
	}
	if unix {
		return unixTimeCodec(), nil
	}
	return cp.setCodec(t)
}

// omitFunc returns the test that leaves field f out of an item, or nil when
// it is always written. omitempty leaves out empty values. Keys of secondary
// indexes that are not table keys are left out when DynamoDB could not index
// them: string and binary keys when empty (even through pointers), number
// keys only when nil (0 is a valid key). ttl fields are left out when zero,
// since a zero expiry would mean "expired in 1970". So sparse indexes work
// and no item carries an empty index key.
func omitFunc(f *model.Field, fc *codec) func(reflect.Value) bool {
	indexKey := len(f.Indexes) > 0 && !f.PK && !f.SK
	switch {
	case f.TTL || indexKey && f.KeyType() != "N":
		return func(v reflect.Value) bool { return deepEmpty(v, fc) }
	case f.OmitEmpty:
		return fc.empty
	case indexKey:
		return func(v reflect.Value) bool { return v.Kind() == reflect.Pointer && v.IsNil() }
	}
	return nil
}

// deepEmpty reports whether v is nil or, through its pointers, empty.
func deepEmpty(v reflect.Value, c *codec) bool {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return true
		}
		v, c = v.Elem(), c.elem
	}
	return c.empty(v)
}

// get returns the field of struct value v, and false when the path passes
// a nil embedded pointer (the field is then absent).
func (f *field) get(v reflect.Value) (reflect.Value, bool) {
	v = v.Field(f.index[0])
	for _, i := range f.index[1:] {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

// settable returns the field of struct value v, allocating nil embedded
// pointers on the way.
func (f *field) settable(v reflect.Value) reflect.Value {
	v = v.Field(f.index[0])
	for _, i := range f.index[1:] {
		if v.Kind() == reflect.Pointer {
			v = pointee(v)
		}
		v = v.Field(i)
	}
	return v
}

func (sc *StructCodec) encode(e *encState, v reflect.Value) (map[string]types.AttributeValue, error) {
	m := make(map[string]types.AttributeValue, len(sc.fields))
	for i := range sc.fields {
		f := &sc.fields[i]
		fv, ok := f.get(v)
		if !ok || (f.omit != nil && f.omit(fv)) {
			continue
		}
		av, err := f.c.enc(e, fv)
		if err == nil && f.keyLimit > 0 {
			err = f.checkKey(av)
		}
		if err != nil {
			return nil, withPath(err, fieldStep(f.goName))
		}
		if av != nil {
			m[f.attr] = av
		}
	}
	return m, nil
}

// encode encodes fv, the value of the field, and checks a key's size, as
// StructCodec.encode does inline.
func (f *field) encode(e *encState, fv reflect.Value) (types.AttributeValue, error) {
	av, err := f.c.enc(e, fv)
	if err == nil && f.keyLimit > 0 {
		err = f.checkKey(av)
	}
	if err != nil {
		return nil, withPath(err, fieldStep(f.goName))
	}
	return av, nil
}

func (sc *StructCodec) decode(item map[string]types.AttributeValue, v reflect.Value, depth int) error {
	for i := range sc.fields {
		f := &sc.fields[i]
		av, ok := item[f.attr]
		if !ok {
			continue
		}
		if err := f.c.dec(av, f.settable(v), depth); err != nil {
			return withPath(err, fieldStep(f.goName))
		}
	}
	return nil
}

// structValue checks that v is (or points to) a value of the codec's type.
func (sc *StructCodec) structValue(v reflect.Value, op string) (reflect.Value, error) {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Type() != sc.typ {
		return v, fmt.Errorf("%w: the codec of %s cannot %s %v", core.ErrValidation, sc.typ, op, v.Type())
	}
	return v, nil
}

// Encode encodes struct value v (or a pointer to one) as an item: every
// stored field, except the ones omitempty, sparse index keys, nil embedded
// pointers, nil byte slices and empty sets leave out.
func (sc *StructCodec) Encode(v reflect.Value) (map[string]types.AttributeValue, error) {
	v, err := sc.structValue(v, "encode")
	if err != nil {
		return nil, err
	}
	e := getEncState()
	m, err := sc.encode(e, v)
	putEncState(e)
	if err != nil {
		return nil, located(err, "encode", sc.typ)
	}
	return m, nil
}

// Decode decodes item into the addressable struct value v (or the struct a
// pointer points to). Attributes absent from the item leave their fields
// untouched, as encoding/json does; attributes with no field are ignored.
func (sc *StructCodec) Decode(item map[string]types.AttributeValue, v reflect.Value) error {
	v, err := sc.structValue(v, "decode into")
	if err != nil {
		return err
	}
	if !v.CanSet() {
		return fmt.Errorf("%w: decode %s: the value is not addressable; pass a pointer", core.ErrValidation, sc.typ)
	}
	return located(sc.decode(item, v, 0), "decode", sc.typ)
}

func (sc *StructCodec) field(attr string) (*field, error) {
	i, ok := sc.byAttr[attr]
	if !ok {
		return nil, fmt.Errorf("%w: %s has no attribute %q", core.ErrValidation, sc.typ, attr)
	}
	return &sc.fields[i], nil
}

// EncodeAttr encodes the attribute attr of struct value v as Encode would
// write it, and returns (nil, nil) when Encode would leave it out.
func (sc *StructCodec) EncodeAttr(v reflect.Value, attr string) (types.AttributeValue, error) {
	v, err := sc.structValue(v, "encode")
	if err != nil {
		return nil, err
	}
	f, err := sc.field(attr)
	if err != nil {
		return nil, err
	}
	fv, ok := f.get(v)
	if !ok || (f.omit != nil && f.omit(fv)) {
		return nil, nil
	}
	e := getEncState()
	av, err := f.encode(e, fv)
	putEncState(e)
	if err != nil {
		return nil, located(err, "encode", sc.typ)
	}
	return av, nil
}

// EncodeAttrValue encodes x as a value of attribute attr, for key, query,
// condition and update values. When x has the field's type (or is a pointer
// to it, or what the field points to) the field's own encoder applies, so
// unixtime, set and custom codecs give the stored form; any other x is
// encoded with MarshalValue. Nothing is left out: a value that an item
// would omit is NULL here.
func (sc *StructCodec) EncodeAttrValue(attr string, x any) (types.AttributeValue, error) {
	f, err := sc.field(attr)
	if err != nil {
		return nil, err
	}
	xv := reflect.ValueOf(x)
	c := f.c
	switch {
	case !xv.IsValid():
		return MarshalValue(nil)
	case xv.Type() == f.c.typ:
	case xv.Kind() == reflect.Pointer && xv.Type().Elem() == f.c.typ:
		if xv.IsNil() {
			return MarshalValue(nil)
		}
		xv = xv.Elem()
	case f.c.elem != nil && xv.Type() == f.c.elem.typ:
		c = f.c.elem
	default:
		return sc.set.marshalValue(x)
	}
	e := getEncState()
	av, err := c.enc(e, xv)
	if av == nil && err == nil {
		av = e.nullValue()
	}
	putEncState(e)
	if err != nil {
		return nil, located(withPath(err, fieldStep(f.goName)), "encode", sc.typ)
	}
	return av, nil
}
