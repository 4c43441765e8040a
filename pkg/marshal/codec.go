package marshal

import (
	"encoding"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// encodeFunc encodes v. A nil result with a nil error means "absent": a
// struct leaves the attribute out, a list or map stores NULL instead.
type encodeFunc func(e *encState, v reflect.Value) (types.AttributeValue, error)

// decodeFunc decodes av into v, which is settable. depth is the number of
// lists and maps around av (0 for an attribute of the item): decoders of
// lists and maps refuse to go beyond MaxNesting, so that no value, not
// even a cyclic one built in memory, makes decoding recurse forever.
type decodeFunc func(av types.AttributeValue, v reflect.Value, depth int) error

// codec is the compiled encoder and decoder of one Go type (with the field
// options that change its form, such as set or unixtime). Codecs are built
// once and shared; codecs refer to each other by pointer, which is how a
// recursive type refers to itself while it is still being compiled.
type codec struct {
	typ reflect.Type
	err error // set on cached failures

	enc encodeFunc
	dec decodeFunc

	// Scalar shortcuts, set for types stored as S, N or B: they let sets,
	// lists read from sets, and map keys skip building an AttributeValue.
	scalar   byte                                  // 'S', 'N', 'B' or 0
	text     func(v reflect.Value) (string, error) // S or N text of v
	bytes    func(v reflect.Value) ([]byte, error) // B value of v
	fromText func(s string, v reflect.Value) error // decode S (or N) text
	fromNum  func(s string, v reflect.Value) error // decode N text
	fromB    func(b []byte, v reflect.Value) error // decode B value
	empty    func(v reflect.Value) bool            // omitempty test
	st       *StructCodec                          // for struct types
	// customEnc and customDec are set when a custom interface replaces the
	// kind rules in that direction (st is then not the whole story).
	customEnc, customDec bool
	elem                 *codec     // for pointers: the pointee
	conv                 *converter // a registered converter of typ, if any
}

// codecFor returns the codec of t in set s, compiling it (and every type it
// reaches) on first use.
func (s *codecSet) codecFor(t reflect.Type) (*codec, error) {
	if c, ok := s.codecs.Load(t); ok {
		c := c.(*codec)
		return c, c.err
	}
	s.compileMu.Lock()
	defer s.compileMu.Unlock()
	if c, ok := s.codecs.Load(t); ok {
		c := c.(*codec)
		return c, c.err
	}
	cp := compiler{set: s, building: map[reflect.Type]*codec{}}
	c, err := cp.compile(t)
	// Every codec started is complete now: filled, or marked failed with
	// functions that return its error.
	for bt, bc := range cp.building {
		s.codecs.Store(bt, bc)
	}
	return c, err
}

// compiler builds the codecs of one type graph in one set. building holds
// the codecs started in this compilation, finished or not: a type met
// again while its codec is being filled (a recursive type) gets the
// unfinished codec, whose functions are in place by the time anything
// calls them.
type compiler struct {
	set      *codecSet
	building map[reflect.Type]*codec
}

func (cp *compiler) compile(t reflect.Type) (*codec, error) {
	if c, ok := cp.set.codecs.Load(t); ok {
		c := c.(*codec)
		return c, c.err
	}
	if c, ok := cp.building[t]; ok {
		return c, nil
	}
	c := &codec{typ: t}
	cp.building[t] = c
	if err := cp.fill(c); err != nil {
		failed(c, err)
		return nil, err
	}
	if c.empty == nil {
		c.empty = emptyFunc(t)
	}
	return c, nil
}

var (
	timeType            = reflect.TypeOf(time.Time{})
	numberType          = reflect.TypeOf(Number(""))
	marshalerType       = reflect.TypeOf((*Marshaler)(nil)).Elem()
	unmarshalerType     = reflect.TypeOf((*Unmarshaler)(nil)).Elem()
	sdkMarshalerType    = reflect.TypeOf((*sdkMarshaler)(nil)).Elem()
	sdkUnmarshalerType  = reflect.TypeOf((*sdkUnmarshaler)(nil)).Elem()
	textMarshalerType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// fill compiles the functions of c for its type. A registered converter
// comes first, then custom codecs (ours, the SDK's, then
// encoding.TextMarshaler), each direction on its own, then the rules for
// the kind of the type.
func (cp *compiler) fill(c *codec) error {
	t := c.typ
	if cv := cp.set.convs[t]; cv != nil {
		fillConverter(c, cv)
		return nil
	}
	switch t {
	case timeType:
		fillTime(c)
		return nil
	case numberType:
		fillNumber(c)
		return nil
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		customEnc := fillCustomEncoder(c)
		customDec := fillCustomDecoder(c)
		c.customEnc, c.customDec = customEnc, customDec
		if customEnc && customDec {
			return nil
		}
		if customEnc || customDec {
			// One direction is custom; the kind rules supply the other. When
			// the kind cannot be stored, only that direction fails, at use.
			custom := *c
			if err := cp.fillKind(c); err != nil {
				failed(c, err)
				c.err = nil
			}
			if customEnc {
				c.enc, c.text, c.bytes, c.scalar = custom.enc, custom.text, custom.bytes, custom.scalar
			} else {
				c.dec, c.fromText, c.fromNum, c.fromB = custom.dec, custom.fromText, custom.fromNum, custom.fromB
			}
			return nil
		}
	}
	return cp.fillKind(c)
}

func (cp *compiler) fillKind(c *codec) error {
	t := c.typ
	switch t.Kind() {
	case reflect.String:
		fillString(c)
	case reflect.Bool:
		fillBool(c)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fillInt(c)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fillUint(c)
	case reflect.Float32, reflect.Float64:
		fillFloat(c)
	case reflect.Slice:
		if cp.isBytes(t) {
			fillByteSlice(c)
			return nil
		}
		return cp.fillSlice(c)
	case reflect.Array:
		if cp.isBytes(t) {
			fillByteArray(c)
			return nil
		}
		return cp.fillArray(c)
	case reflect.Map:
		return cp.fillMap(c)
	case reflect.Struct:
		return cp.fillStruct(c)
	case reflect.Pointer:
		return cp.fillPointer(c)
	case reflect.Interface:
		fillInterface(c, cp.set)
	default: // chan, func, complex, unsafe.Pointer
		return unsupported(t, "")
	}
	return nil
}

// failed makes c return err from every use, and marks it failed.
func failed(c *codec, err error) {
	c.err = err
	c.enc = func(*encState, reflect.Value) (types.AttributeValue, error) { return nil, err }
	c.dec = func(types.AttributeValue, reflect.Value, int) error { return err }
	c.text, c.bytes, c.scalar = nil, nil, 0
	c.fromText, c.fromNum, c.fromB = nil, nil, nil
}

// isBytes reports whether t is a slice or array of a byte kind whose
// elements have no codec of their own, stored as B.
func (cp *compiler) isBytes(t reflect.Type) bool {
	return t.Elem().Kind() == reflect.Uint8 && !cp.hasCustomCodec(t.Elem())
}

// emptyFunc returns the omitempty test of t: length zero for strings,
// slices and maps; IsZero() when the type has that method (time.Time);
// otherwise the Go zero value.
func emptyFunc(t reflect.Type) func(reflect.Value) bool {
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return func(v reflect.Value) bool { return v.Len() == 0 }
	case reflect.Pointer, reflect.Interface:
		return func(v reflect.Value) bool { return v.IsNil() }
	case reflect.Bool:
		return func(v reflect.Value) bool { return !v.Bool() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) bool { return v.Int() == 0 }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) bool { return v.Uint() == 0 }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool { return v.Float() == 0 }
	}
	if t == timeType {
		return func(v reflect.Value) bool { return timeOf(v).IsZero() }
	}
	// An interface assertion, not reflect.Value.Method: a call of Method
	// with a computed index makes the linker keep every exported method of
	// every type in the program, which grows a Lambda binary by megabytes.
	if t.Implements(isZeroerType) {
		return func(v reflect.Value) bool { return v.Interface().(isZeroer).IsZero() }
	}
	return func(v reflect.Value) bool { return v.IsZero() }
}

// isZeroer is the omitempty test of types such as time.Time.
type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// addressable returns v itself when it is addressable, or an addressable
// copy, so that pointer-receiver methods can be called.
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v
	}
	p := reflect.New(v.Type()).Elem()
	p.Set(v)
	return p
}

// decodeText decodes an S value through the codec's shortcut when it has one.
func decodeText(c *codec, s string, v reflect.Value) error {
	if c.fromText != nil {
		return c.fromText(s, v)
	}
	return c.dec(&types.AttributeValueMemberS{Value: s}, v, 0)
}

func decodeNum(c *codec, s string, v reflect.Value) error {
	if c.fromNum != nil {
		return c.fromNum(s, v)
	}
	return c.dec(&types.AttributeValueMemberN{Value: s}, v, 0)
}

func decodeBin(c *codec, b []byte, v reflect.Value) error {
	if c.fromB != nil {
		return c.fromB(b, v)
	}
	return c.dec(&types.AttributeValueMemberB{Value: b}, v, 0)
}
