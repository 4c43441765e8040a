package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dynamorm/dynamorm/internal/keyenc"
)

// Marker is embedded in a struct to make it a single-table entity; its tag
// names the table, the entity and the templates of its keys (the root
// package exports it as dynamorm.Entity). It also holds what the last read
// of the value returned (see Snapshot), so that Save sends only changes.
type Marker struct{ snap *Snapshot }

var markerType = reflect.TypeOf(Marker{})

// Entity is the single-table metadata of a model: its entity name, the
// attribute that stores it on every item, and the key attributes derived
// from its fields.
type Entity struct {
	Name     string   // the entity name, stored in TypeAttr
	TypeAttr string   // the attribute holding the entity name (default "_type")
	Keys     []*Field // derived key attributes: the table's, then each index's
	// Iteration is the iteration index of an entity declared iterable,
	// nil otherwise (see iterable.go).
	Iteration *Iteration
}

// DefaultTypeAttr is the attribute that stores an item's entity name unless
// the marker's typeattr option names another.
const DefaultTypeAttr = "_type"

// Template is how a derived key is composed: segments joined by '#', each a
// literal or the encoding of one field's value (see package keyenc).
type Template struct {
	Segments []Segment
	// Tenant: the key is a partition key of a tenant-scoped model, whose
	// value begins with the tenant's prefix (package tenant) before the
	// segments.
	Tenant     bool
	components []*Field
}

// Segment is one part of a Template: a literal, a field (Field != nil),
// or the iteration bucket of the item's primary key (Bucket != nil).
type Segment struct {
	Literal string
	Field   *Field
	Bucket  *Iteration
}

// Components are the fields the template is composed of, in order. The
// slice is shared: callers must not modify it.
func (t *Template) Components() []*Field { return t.components }

// Uses reports whether f is one of the template's components.
func (t *Template) Uses(f *Field) bool {
	for _, s := range t.Segments {
		if s.Field == f {
			return true
		}
	}
	return t.Bucket() != nil && slices.Contains(t.components, f)
}

// Bucket is the iteration a template's bucket segment belongs to, nil for
// a template without one.
func (t *Template) Bucket() *Iteration {
	for _, s := range t.Segments {
		if s.Bucket != nil {
			return s.Bucket
		}
	}
	return nil
}

// String is the template as declared, CUSTOMER#{CustomerID}.
func (t *Template) String() string {
	parts := make([]string, len(t.Segments))
	for i, s := range t.Segments {
		switch {
		case s.Field != nil:
			parts[i] = "{" + s.Field.GoName + "}"
		case s.Bucket != nil:
			parts[i] = "<bucket>"
		default:
			parts[i] = s.Literal
		}
	}
	return strings.Join(parts, string(keyenc.Separator))
}

// markerTag is the parsed tag of an embedded Marker.
type markerTag struct {
	table, entity, typeAttr string
	tenant                  bool      // the tenant option
	keys                    []keyDecl // in the tag's order
	buckets                 int       // iterable: the iteration index's bucket count, 0 if not iterable
}

// keyDecl is one derived key the marker declares: the attribute (the
// option's name), the index it belongs to ("" for the table) and its role.
type keyDecl struct {
	attr, index, template string
	sk                    bool
}

// findMarker returns the tag of t's embedded Marker, if it has one.
func findMarker(t reflect.Type) (string, bool) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type == markerType {
			return sf.Tag.Get(TagKey), true
		}
	}
	return "", false
}

func parseMarker(s string) (markerTag, error) {
	var mt markerTag
	for _, opt := range strings.Split(s, ",") {
		name, arg, _ := strings.Cut(strings.TrimSpace(opt), ":")
		lower := strings.ToLower(name)
		switch {
		case name == "iterable":
			n, err := parseBuckets(arg)
			if err != nil {
				return mt, err
			}
			mt.buckets = n
		case name == "":
			return mt, fmt.Errorf("empty option in tag %q", s)
		case name == "tenant" && arg == "":
			mt.tenant = true
		case arg == "":
			return mt, fmt.Errorf("option %q needs a value, as in %s:VALUE", name, name)
		case name == "table":
			mt.table = arg
		case name == "entity":
			mt.entity = arg
		case name == "typeattr":
			mt.typeAttr = arg
		case strings.HasSuffix(lower, "pk") || strings.HasSuffix(lower, "sk"):
			index := name[:len(name)-2]
			mt.keys = append(mt.keys, keyDecl{attr: name, index: index, template: arg, sk: strings.HasSuffix(lower, "sk")})
		default:
			return mt, fmt.Errorf("unknown option %q (known: table:NAME, entity:NAME, typeattr:NAME, tenant, iterable, iterable:BUCKETS, pk:TEMPLATE, sk:TEMPLATE, INDEXpk:TEMPLATE, INDEXsk:TEMPLATE)", name)
		}
	}
	if mt.entity == "" {
		return mt, fmt.Errorf("an entity needs a name; add entity:NAME to the tag")
	}
	if strings.ContainsFunc(mt.entity, keyenc.Reserved) {
		return mt, fmt.Errorf("entity name %q contains one of # $ { }, which key templates reserve", mt.entity)
	}
	if mt.typeAttr == "" {
		mt.typeAttr = DefaultTypeAttr
	}
	return mt, nil
}

// parseTemplate reads a template such as ORDER#{PlacedAt}#{ID} against the
// fields of m.
func (m *Model) parseTemplate(s string) (*Template, error) {
	t := &Template{}
	for _, seg := range strings.Split(s, string(keyenc.Separator)) {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			f, ok := m.Field(seg[1 : len(seg)-1])
			if !ok {
				return nil, fmt.Errorf("template %q names %s, which is not a field (fields: %s)", s, seg, m.fieldList())
			}
			if f.KeyType() == "" {
				return nil, fmt.Errorf("template %q: %s is %s; a key component must be a string, number, []byte or time.Time", s, f.GoName, f.Type)
			}
			t.Segments = append(t.Segments, Segment{Field: f})
			t.components = append(t.components, f)
			continue
		}
		if seg == "" || strings.ContainsFunc(seg, keyenc.Reserved) {
			return nil, fmt.Errorf("template %q: segment %q must be a literal without # $ { } or one {Field}", s, seg)
		}
		t.Segments = append(t.Segments, Segment{Literal: seg})
	}
	return t, nil
}
