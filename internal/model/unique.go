package model

import (
	"fmt"

	"github.com/dynamorm/dynamorm/internal/keyenc"
)

// Unique is a unique constraint: no two items of the model hold the same
// values of its fields. A field tagged `unique` is a constraint of its own,
// named after the field; fields tagged `unique:NAME` with one NAME form a
// composite constraint whose value is theirs combined in field order.
// Each value held is reserved by a guard item (see internal/plan/guard.go).
type Unique struct {
	Name   string   // the constraint's name
	Fields []*Field // its fields, in declaration order
	// Scope names the constraint's guards: "<entity or model>#<name>",
	// each part keyenc-escaped.
	Scope string
}

// FieldNames are the Go names of the constraint's fields.
func (u *Unique) FieldNames() []string {
	out := make([]string, len(u.Fields))
	for i, f := range u.Fields {
		out[i] = f.GoName
	}
	return out
}

// Has reports whether f is one of the constraint's fields.
func (u *Unique) Has(f *Field) bool {
	for _, x := range u.Fields {
		if x == f {
			return true
		}
	}
	return false
}

// UniqueOf is the constraint f belongs to, or nil.
func (m *Model) UniqueOf(f *Field) *Unique {
	for _, u := range m.Uniques {
		if u.Has(f) {
			return u
		}
	}
	return nil
}

// Unique finds a constraint by its name.
func (m *Model) Unique(name string) (*Unique, bool) {
	for _, u := range m.Uniques {
		if u.Name == name {
			return u, true
		}
	}
	return nil, false
}

// buildUniques groups the fields tagged unique into constraints and checks
// that each can be enforced: its fields hold key-like values (a string,
// number or binary value a guard's key can encode), none is part of the
// primary key (which is unique already), and the table's keys can hold a
// guard item (an entity's derived keys always can; a model that owns its
// table needs a string partition key and, if it has one, sort key).
func (m *Model) buildUniques() error {
	for _, f := range m.Fields {
		if f.CaseFold && f.Unique == "" {
			return fmt.Errorf("%s: casefold applies to unique fields; add unique (or unique:NAME) or drop casefold", f.GoName)
		}
		if f.Unique == "" {
			continue
		}
		switch kind := f.KeyType(); {
		case kind == "" || f.Set:
			return fmt.Errorf("%s: a unique field must be a string, number or []byte (or time.Time), not %s; change the field type or drop unique", f.GoName, f.Type)
		case f.CaseFold && kind != "S":
			return fmt.Errorf("%s: casefold applies to string fields, not %s; drop casefold", f.GoName, f.Type)
		case m.InPrimaryKey(f):
			return fmt.Errorf("%s is part of the primary key, which is unique already; drop unique", f.GoName)
		}
		if u, ok := m.Unique(f.Unique); ok {
			u.Fields = append(u.Fields, f)
			continue
		}
		m.Uniques = append(m.Uniques, &Unique{Name: f.Unique, Fields: []*Field{f}})
	}
	owner := m.Name()
	if m.Entity != nil {
		owner = m.Entity.Name
	}
	for _, u := range m.Uniques {
		u.Scope = string(keyenc.AppendString(append(keyenc.AppendString(nil, owner), keyenc.Separator), u.Name))
	}
	if len(m.Uniques) == 0 || m.Entity != nil {
		return nil
	}
	for _, k := range []*Field{m.PK, m.SK} {
		if k != nil && k.KeyType() != "S" {
			return fmt.Errorf("unique constraint %s needs guard items in the table, whose keys are strings, but the key %s is %s; use a string key or make %s a single-table entity (dynamorm.Entity)",
				m.Uniques[0].Name, k.GoName, k.Type, m.Name())
		}
	}
	return nil
}
