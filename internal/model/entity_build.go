package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dynamorm/dynamorm/internal/tenant"
)

var stringType = reflect.TypeOf("")

// buildEntity derives the key attributes of an entity: from the marker's
// templates, or from the fields tagged pk, sk and index:NAME,pk|sk, which
// then compose the default template <entity>#{Field}#{Field}...
func (m *Model) buildEntity(mt markerTag) error {
	decls, err := m.keyDecls(mt)
	if err != nil {
		return err
	}
	for _, d := range decls {
		if other, ok := m.byAttr[d.attr]; ok {
			return fmt.Errorf("the derived key attribute %q is also stored by field %s; rename the field with attr:NAME", d.attr, other.GoName)
		}
		tpl, err := m.parseTemplate(d.template)
		if err != nil {
			return fmt.Errorf("%s: %v", d.attr, err)
		}
		tpl.Tenant = m.Tenant && !d.sk
		f := &Field{GoName: d.attr, Attr: d.attr, Type: stringType, Template: tpl, attrPath: []string{d.attr}}
		switch {
		case d.index == "" && !d.sk:
			f.PK, m.PK = true, f
		case d.index == "":
			f.SK, m.SK = true, f
		default:
			role := IndexRole{Name: d.index, SK: d.sk}
			f.Indexes = []IndexRole{role}
			if err := m.addIndexKey(f, role); err != nil {
				return err
			}
		}
		m.byAttr[f.Attr] = f
		m.Entity.Keys = append(m.Entity.Keys, f)
	}
	if other, ok := m.byAttr[m.Entity.TypeAttr]; ok {
		return fmt.Errorf("the entity type attribute %q is also stored by %s; rename one (typeattr:NAME on the Entity, or attr:NAME on the field)", m.Entity.TypeAttr, other.GoName)
	}
	if other, ok := m.byAttr[tenant.Attr]; ok && m.Tenant {
		return fmt.Errorf("the tenant attribute %q is also stored by %s; rename the field with attr:NAME", tenant.Attr, other.GoName)
	}
	if m.PK == nil {
		return fmt.Errorf("an entity needs a partition key: pk:TEMPLATE on the embedded Entity (as in pk:%s#{ID}) or `dynamorm:\"pk\"` on a field", strings.ToUpper(m.Entity.Name))
	}
	return nil
}

// keyDecls are the derived keys of the entity: the marker's templates,
// then the defaults composed from tagged fields for the keys the marker
// does not declare. One key declared both ways is an error.
func (m *Model) keyDecls(mt markerTag) ([]keyDecl, error) {
	decls := append([]keyDecl(nil), mt.keys...)
	declared := map[string]bool{}
	for _, d := range decls {
		id := d.index + "/" + fmt.Sprint(d.sk)
		if declared[id] {
			return nil, fmt.Errorf("two templates for the %s", d.describe())
		}
		declared[id] = true
	}
	var fromFields []keyDecl
	byID := map[string]int{}
	add := func(index string, sk bool, f *Field) error {
		id := index + "/" + fmt.Sprint(sk)
		if declared[id] {
			d := keyDecl{index: index, sk: sk}
			return fmt.Errorf("%s is tagged as a component of the %s, which the Entity's tag also declares; keep one of them", f.GoName, d.describe())
		}
		i, ok := byID[id]
		if !ok {
			attr := map[bool]string{false: "pk", true: "sk"}[sk]
			fromFields = append(fromFields, keyDecl{attr: index + attr, index: index, sk: sk, template: m.Entity.Name})
			i = len(fromFields) - 1
			byID[id] = i
		}
		fromFields[i].template += "#{" + f.GoName + "}"
		return nil
	}
	for _, f := range m.Fields {
		if f.PK || f.SK {
			if err := add("", f.SK, f); err != nil {
				return nil, err
			}
		}
		for _, role := range f.Indexes {
			if role.Local {
				return nil, fmt.Errorf("%s: local secondary indexes (lsi:%s) are not supported on entities; use a global index (index:%s,sk)", f.GoName, role.Name, role.Name)
			}
			if err := add(role.Name, role.SK, f); err != nil {
				return nil, err
			}
		}
	}
	return append(decls, fromFields...), nil
}

func (d keyDecl) describe() string {
	role := "partition key"
	if d.sk {
		role = "sort key"
	}
	if d.index == "" {
		return "table's " + role
	}
	return role + " of index " + d.index
}

// DerivedFrom lists the derived keys of an entity that f is a component
// of (none for other models).
func (m *Model) DerivedFrom(f *Field) []*Field {
	if m.Entity == nil {
		return nil
	}
	var out []*Field
	for _, k := range m.Entity.Keys {
		if k.Template.Uses(f) {
			out = append(out, k)
		}
	}
	return out
}

// InPrimaryKey reports whether f is a primary key attribute, or a
// component of an entity's derived primary key.
func (m *Model) InPrimaryKey(f *Field) bool {
	if f.PK || f.SK {
		return true
	}
	for _, k := range []*Field{m.PK, m.SK} {
		if k != nil && k.Template != nil && k.Template.Uses(f) {
			return true
		}
	}
	return false
}

// KeyFields are the struct fields that give an item's primary key: the
// table's key fields, or for an entity the components of its derived
// primary key, in template order.
func (m *Model) KeyFields() []*Field { return m.keyFields }

func (m *Model) computeKeyFields() []*Field {
	if m.Entity == nil {
		if m.SK == nil {
			return []*Field{m.PK}
		}
		return []*Field{m.PK, m.SK}
	}
	var out []*Field
	for _, k := range []*Field{m.PK, m.SK} {
		if k == nil {
			continue
		}
		for _, c := range k.Template.Components() {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
