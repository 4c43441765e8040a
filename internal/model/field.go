package model

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Field describes one stored attribute of a struct type.
type Field struct {
	GoName string       // the Go field name
	Attr   string       // the attribute name in DynamoDB
	Index  []int        // reflect index path from the outer struct (through embedded structs)
	Type   reflect.Type // the Go type of the field

	OmitEmpty bool // omit the attribute when the value is empty
	Set       bool // store a slice or map[T]struct{} as SS, NS or BS
	UnixTime  bool // store time.Time as Unix seconds (N)

	PK, SK    bool // table partition and sort key
	Version   bool // optimistic-lock counter
	TTL       bool // expiry, stored as Unix seconds
	CreatedAt bool // set once, on create
	UpdatedAt bool // set on every write
	ULID      bool // filled with a new ULID on create when empty
	Counter   bool // Save sends ADD of the difference from the value read
	// Encrypted: the value is stored as an envelope (B) sealed with a KMS
	// data key and bound to its item and attribute (internal/envelope).
	Encrypted bool

	Indexes []IndexRole // secondary indexes this field is a key of

	// Unique names the unique constraint the field belongs to ("" for none).
	Unique string
	// CaseFold: the field's unique value is compared case-insensitively
	// (its guard holds the value in lower case; the item keeps its own).
	CaseFold bool

	// Template is set on the derived key attributes of an entity (pk, sk,
	// gsi1pk, ...), which no struct field stores: their values are composed
	// from the template's component fields. Index is nil for them.
	Template *Template

	attrPath []string // []string{Attr}, shared

	// ThroughPointer is true when Index passes through an embedded pointer,
	// so reading the field may meet a nil pointer.
	ThroughPointer bool
	// Scalar is true for a string, bool or integer field the codec stores
	// as is (no methods, no options that change its encoding): Save
	// compares it with what was read without encoding it.
	Scalar bool
	// Offset is a Scalar field's offset in the outer struct (its Index
	// passes through no pointer), so Save reads it without reflection.
	Offset uintptr
}

// KeyName names the field in messages that tell the caller which field to
// give: its Go name, or for a derived key the components it is composed of.
func (f *Field) KeyName() string {
	if f.Template == nil {
		return f.GoName
	}
	names := make([]string, 0, len(f.Template.Components()))
	for _, c := range f.Template.Components() {
		names = append(names, c.GoName)
	}
	return strings.Join(names, ", ")
}

// AttrPath is the field's attribute as a document path of one part. The
// slice is shared: callers must not modify it.
func (f *Field) AttrPath() []string {
	if f.attrPath == nil {
		return []string{f.Attr}
	}
	return f.attrPath
}

// KeyType is the DynamoDB scalar type ("S", "N" or "B") values of the field
// are stored as, or "" when the field cannot be a key.
func (f *Field) KeyType() string {
	return scalarType(f.Type, f.UnixTime)
}

var (
	timeType            = reflect.TypeOf(time.Time{})
	textMarshalerType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// ScalarType is the DynamoDB scalar type ("S", "N" or "B") values of Go
// type t are stored as, or "" when t is not a scalar.
func ScalarType(t reflect.Type) string { return scalarType(t, false) }

func scalarType(t reflect.Type, unixTime bool) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if kinds, ok := convertedKinds(t); ok {
		return convertedScalar(kinds)
	}
	if t == timeType {
		if unixTime {
			return "N"
		}
		return "S"
	}
	switch t.Kind() {
	case reflect.String:
		return "S"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "N"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "B"
		}
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return "S"
	}
	return ""
}

var fieldCache sync.Map // reflect.Type -> fieldsResult

type fieldsResult struct {
	fields []*Field
	err    error
	gen    uint64 // converted types' generation it was built under
}

// Fields returns the stored fields of struct type t, in declaration order,
// with the fields of embedded structs promoted as in Go. The result is
// computed once per type and shared: callers must not modify it.
func Fields(t reflect.Type) ([]*Field, error) {
	gen := generation()
	if cached, ok := fieldCache.Load(t); ok {
		if r := cached.(fieldsResult); r.gen == gen {
			return r.fields, r.err
		}
	}
	fields, err := walkFields(t)
	fieldCache.Store(t, fieldsResult{fields, err, gen})
	return fields, err
}

// walkFields collects the fields of t breadth-first by embedding depth, so
// that a shallower field hides a deeper one with the same attribute name, as
// Go's own field promotion does. Two fields with one name at the same depth
// are an error.
// level is one struct walkFields visits: the model, or an embedded struct
// at index, reached through a pointer when viaPtr.
type level struct {
	t      reflect.Type
	index  []int
	viaPtr bool
}

func walkFields(t reflect.Type) ([]*Field, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct", t)
	}
	var (
		out     []*Field
		byAttr  = map[string]int{} // attr -> depth where it was taken
		current = []level{{t: t}}
		visited = map[reflect.Type]bool{t: true}
	)
	for depth := 0; len(current) > 0; depth++ {
		var next []level
		seenHere := map[string]string{}
		for _, lv := range current {
			for i := 0; i < lv.t.NumField(); i++ {
				f, embedded, err := fieldAt(t, lv, i)
				if err != nil {
					return nil, err
				}
				if embedded != nil && !visited[embedded.t] {
					visited[embedded.t] = true
					next = append(next, *embedded)
				}
				if f == nil {
					continue
				}
				if d, hidden := byAttr[f.Attr]; hidden && d < depth {
					continue // a shallower field with this name wins
				}
				if prev, dup := seenHere[f.Attr]; dup {
					return nil, fmt.Errorf("%s: fields %s and %s both store attribute %q; give one of them another name with attr:NAME", t.Name(), prev, f.GoName, f.Attr)
				}
				seenHere[f.Attr] = f.GoName
				byAttr[f.Attr] = depth
				out = append(out, f)
			}
		}
		current = next
	}
	return out, nil
}

// fieldAt reads field i of lv (of model t): the field it stores, or the
// embedded struct to walk next, or neither (skipped, unexported).
func fieldAt(t reflect.Type, lv level, i int) (*Field, *level, error) {
	sf := lv.t.Field(i)
	if sf.Anonymous && (sf.Type == markerType || sf.Type == trackingType) {
		return nil, nil, nil // the entity or tracking marker: its tag is the model's (see findMarker)
	}
	raw := sf.Tag.Get(TagKey)
	tg, err := parseTag(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s.%s: tag `%s:%q`: %v", t.Name(), sf.Name, TagKey, raw, err)
	}
	if tg.skip {
		return nil, nil, nil
	}
	index := append(append([]int(nil), lv.index...), i)
	ft := sf.Type
	if sf.Anonymous && tg.attr == "" && jsonName(sf) == "" {
		et := ft
		ptr := false
		if et.Kind() == reflect.Pointer {
			et, ptr = et.Elem(), true
		}
		if et.Kind() == reflect.Struct && et != timeType && !isTextCodec(et) && !IsConverted(et) {
			if ptr && !sf.IsExported() {
				return nil, nil, fmt.Errorf("%s.%s: embedded pointer to unexported struct %s cannot be filled when decoding; embed it by value or export the type", t.Name(), sf.Name, et)
			}
			return nil, &level{t: et, index: index, viaPtr: lv.viaPtr || ptr}, nil
		}
	}
	if !sf.IsExported() {
		return nil, nil, nil
	}
	f := &Field{
		GoName:         sf.Name,
		Attr:           attrName(sf, tg),
		Index:          index,
		Type:           ft,
		OmitEmpty:      tg.omitEmpty,
		Set:            tg.set,
		UnixTime:       tg.unixTime,
		PK:             tg.pk,
		SK:             tg.sk,
		Version:        tg.version,
		TTL:            tg.ttl,
		CreatedAt:      tg.createdAt,
		UpdatedAt:      tg.updatedAt,
		ULID:           tg.ulid,
		Counter:        tg.counter,
		Encrypted:      tg.encrypted,
		Indexes:        tg.indexes,
		Unique:         tg.unique,
		CaseFold:       tg.caseFold,
		ThroughPointer: lv.viaPtr,
	}
	if f.Unique == uniqueOwnName {
		f.Unique = f.GoName
	}
	f.attrPath = []string{f.Attr}
	if err := checkFieldOptions(t, f); err != nil {
		return nil, nil, err
	}
	if f.TTL && derefType(ft) == timeType {
		f.UnixTime = true // DynamoDB's TTL reads Unix seconds
	}
	if f.Scalar = isPlainScalar(f); f.Scalar {
		f.Offset = offsetOf(t, index)
	}
	return f, nil, nil
}

// offsetOf is the offset in struct type t of the field at index, a path
// through embedded structs (not pointers).
func offsetOf(t reflect.Type, index []int) uintptr {
	var off uintptr
	for _, i := range index {
		sf := t.Field(i)
		off += sf.Offset
		t = sf.Type
	}
	return off
}

func isTextCodec(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return (t.Implements(textMarshalerType) || p.Implements(textMarshalerType)) &&
		p.Implements(textUnmarshalerType)
}

func jsonName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func attrName(sf reflect.StructField, tg tag) string {
	if tg.attr != "" {
		return tg.attr
	}
	if name := jsonName(sf); name != "" {
		return name
	}
	return sf.Name
}

// checkFieldOptions rejects option combinations that cannot work, naming the
// struct, the field and the fix.
func checkFieldOptions(owner reflect.Type, f *Field) error {
	where := owner.Name() + "." + f.GoName
	base := f.Type
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	isInt := func() bool {
		switch base.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return true
		}
		return false
	}
	switch {
	case !utf8.ValidString(f.Attr):
		return fmt.Errorf("%s: attribute name %q is not valid UTF-8; DynamoDB names are UTF-8", where, f.Attr)
	case f.Version && !isInt():
		return fmt.Errorf("%s: a version field must be an integer, not %s", where, f.Type)
	case f.TTL && !isInt() && base != timeType:
		return fmt.Errorf("%s: a ttl field must be an integer (Unix seconds) or time.Time, not %s", where, f.Type)
	case (f.CreatedAt || f.UpdatedAt) && !isInt() && base != timeType:
		return fmt.Errorf("%s: a created_at or updated_at field must be time.Time or an integer (Unix seconds), not %s", where, f.Type)
	case f.UnixTime && base != timeType:
		return fmt.Errorf("%s: unixtime applies to time.Time fields, not %s", where, f.Type)
	case f.ULID && base.Kind() != reflect.String:
		return fmt.Errorf("%s: a ulid field must be a string, not %s", where, f.Type)
	case f.Set && !isSetType(base):
		return fmt.Errorf("%s: set applies to slices or map[T]struct{} of strings, numbers or []byte, not %s", where, f.Type)
	case f.PK && f.SK:
		return fmt.Errorf("%s: a field cannot be both pk and sk", where)
	case f.Counter && !isNumber(base):
		return fmt.Errorf("%s: a counter must be a number (an integer or a float), not %s", where, f.Type)
	case f.Counter && (f.PK || f.SK || f.Version || len(f.Indexes) > 0 || f.Set):
		return fmt.Errorf("%s: a counter cannot be a key, an index key, a set or the version; tag it counter alone", where)
	case f.Encrypted:
		return checkEncrypted(where, f)
	}
	return nil
}

// checkEncrypted refuses the roles an encrypted field cannot have: its
// stored value is an envelope that differs on every write and that
// DynamoDB cannot compare, index or add to.
func checkEncrypted(where string, f *Field) error {
	role := ""
	switch {
	case f.PK || f.SK:
		role = "a table key (keys are stored in plaintext, and an envelope differs on every write)"
	case len(f.Indexes) > 0:
		role = "an index key (DynamoDB indexes the stored envelope, which differs on every write)"
	case f.Unique != "":
		role = "unique (the guard item would hold the plaintext value as its key)"
	case f.Version:
		role = "the version (its condition compares the stored number)"
	case f.Counter:
		role = "a counter (DynamoDB cannot ADD to an envelope)"
	case f.TTL:
		role = "the ttl (DynamoDB reads the stored number to expire the item)"
	case f.CreatedAt || f.UpdatedAt:
		role = "created_at or updated_at (kept by conditions and if_not_exists on the stored value)"
	default:
		return nil
	}
	return fmt.Errorf("%s: an encrypted field cannot be %s; drop encrypted or the other option", where, role)
}

func isPlainScalar(f *Field) bool {
	switch f.Type.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return false
	}
	return f.Type.NumMethod() == 0 && reflect.PointerTo(f.Type).NumMethod() == 0 &&
		!f.Set && !f.TTL && !f.UnixTime && len(f.Indexes) == 0 && !f.ThroughPointer && !f.Encrypted
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func isSetType(t reflect.Type) bool {
	var elem reflect.Type
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		elem = t.Elem()
	case reflect.Map:
		if t.Elem().Kind() != reflect.Struct || t.Elem().NumField() != 0 {
			return false
		}
		elem = t.Key()
	default:
		return false
	}
	return scalarType(elem, false) != ""
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// StringValue returns s as a value of type t: a string kind, or a pointer
// (to a pointer...) to one, newly allocated. It fills ulid fields, which
// may be *string.
func StringValue(t reflect.Type, s string) reflect.Value {
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		p.Elem().Set(StringValue(t.Elem(), s))
		return p
	}
	return reflect.ValueOf(s).Convert(t)
}
