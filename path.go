package dynamorm

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// A field name in Where, Filter, Select, conditions and the update builder
// is a Go field name or attribute name, optionally followed by a document
// path: .child parts and [N] list indexes. Every part below a struct-typed
// field is translated through that struct's metadata, exactly as the codec
// stores it; parts below a map, an interface or a custom codec are taken as
// attribute names as written.

// target is what a name resolves to.
type target struct {
	field *model.Field // the model's field when the name is one whole field; nil for a path below it
	path  []string     // the attribute path
	// owner and leaf are the struct type and its field the path ends at, so
	// that values are encoded by that field's codec; leaf is nil when the
	// path ends below a list index, a map key or an interface.
	owner reflect.Type
	leaf  *model.Field
	// typ is the Go type at the end of the path; nil when it is not known
	// (an interface, a map key of an interface map, a custom codec).
	typ reflect.Type
	// codecs encode values at the path: the DB's.
	codecs *marshal.Codecs
}

// resolve finds the field or document path a caller named; see target.
func (q *query) resolve(name string) (*model.Field, []string, error) {
	t, err := q.resolveTarget(name)
	return t.field, t.path, err
}

// resolveTarget translates name, a Go or attribute name optionally followed
// by .child and [N] parts, into the attribute path it is stored under.
func (q *query) resolveTarget(name string) (target, error) {
	if f, ok := q.model.Field(name); ok {
		return q.fieldTarget(f), nil
	}
	segs, err := splitPath(name)
	if err != nil {
		return target{}, fmt.Errorf("%w: %s: %v", core.ErrValidation, q.model.Name(), err)
	}
	f, err := q.model.MustField(segs[0])
	if err != nil {
		return target{}, err
	}
	t := target{path: []string{f.Attr}, owner: q.model.Type, leaf: f, typ: f.Type, codecs: q.db.shared.codecs}
	where := f.GoName
	for _, seg := range segs[1:] {
		if err := t.step(seg, where); err != nil {
			return target{}, fmt.Errorf("%w: %s path %q: %v", core.ErrValidation, q.model.Name(), name, err)
		}
		where += pathSep(seg) + seg
	}
	return t, nil
}

func pathSep(seg string) string {
	if strings.HasPrefix(seg, "[") {
		return ""
	}
	return "."
}

// step follows one part of a path (a name or "[N]") below t; where is the
// path so far, for messages.
func (t *target) step(seg, where string) error {
	typ := t.typ
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	t.leaf, t.owner = nil, nil
	if strings.HasPrefix(seg, "[") {
		t.path = append(t.path, seg)
		switch {
		case typ == nil || typ.Kind() == reflect.Interface:
			t.typ = nil
		case (typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array) && typ.Elem().Kind() != reflect.Uint8 && !customCodec(typ):
			t.typ = typ.Elem()
		default:
			return fmt.Errorf("%s is a %s, not a list, so it has no element %s", where, typ, seg)
		}
		return nil
	}
	switch {
	case typ == nil || typ.Kind() == reflect.Interface || customCodec(typ):
		t.path, t.typ = append(t.path, seg), nil
	case typ.Kind() == reflect.Map:
		t.path, t.typ = append(t.path, seg), typ.Elem()
	case typ.Kind() == reflect.Struct && typ != reflect.TypeOf(time.Time{}):
		fields, err := model.Fields(typ)
		if err != nil {
			return err
		}
		nf := findField(fields, seg)
		if nf == nil {
			names := make([]string, len(fields))
			for i, x := range fields {
				names[i] = x.GoName
			}
			return fmt.Errorf("%s (%s) has no field or attribute %q (fields: %s)", where, typ, seg, strings.Join(names, ", "))
		}
		t.path = append(t.path, nf.Attr)
		t.owner, t.leaf, t.typ = typ, nf, nf.Type
	default:
		return fmt.Errorf("%s is a %s, which has no attribute %q", where, typ, seg)
	}
	return nil
}

// findField finds a field by Go name, then by attribute name.
func findField(fields []*model.Field, name string) *model.Field {
	for _, f := range fields {
		if f.GoName == name {
			return f
		}
	}
	for _, f := range fields {
		if f.Attr == name {
			return f
		}
	}
	return nil
}

var (
	marshalerType    = reflect.TypeOf((*marshal.Marshaler)(nil)).Elem()
	sdkMarshalerType = reflect.TypeOf((*interface {
		MarshalDynamoDBAttributeValue() (types.AttributeValue, error)
	})(nil)).Elem()
	textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// customCodec reports whether values of t encode themselves, so that their
// stored form is not known from the type.
// Whether a type implements the marshaler interfaces is cached per type
// (the types of a program are finite): the six Implements checks cost more
// than a Where.
func customCodec(t reflect.Type) bool {
	if model.IsConverted(t) { // registered converters can come later: not cached
		return true
	}
	if known, ok := customCodecs.Load(t); ok {
		return known.(bool)
	}
	p := reflect.PointerTo(t)
	custom := false
	for _, i := range []reflect.Type{marshalerType, sdkMarshalerType, textMarshalerType} {
		if t.Implements(i) || p.Implements(i) {
			custom = true
			break
		}
	}
	customCodecs.Store(t, custom)
	return custom
}

var customCodecs sync.Map // reflect.Type -> bool

// splitPath splits "a.b[0][1].c" into "a", "b", "[0]", "[1]", "c".
func splitPath(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ".") {
		name, idx, _ := strings.Cut(part, "[")
		if name == "" && (len(out) == 0 || idx == "") {
			return nil, fmt.Errorf("path %q has an empty part", s)
		}
		if name != "" {
			out = append(out, name)
		}
		if idx == "" {
			continue
		}
		for _, ix := range strings.SplitAfter("["+idx, "]") {
			if ix == "" {
				continue
			}
			n := strings.TrimSuffix(strings.TrimPrefix(ix, "["), "]")
			if !strings.HasPrefix(ix, "[") || !strings.HasSuffix(ix, "]") || n == "" || strings.Trim(n, "0123456789") != "" {
				return nil, fmt.Errorf("path %q: %q is not a list index [N]", s, ix)
			}
			if _, err := strconv.Atoi(n); err != nil {
				return nil, fmt.Errorf("path %q: list index %s is out of range", s, ix)
			}
			out = append(out, ix)
		}
	}
	return out, nil
}
