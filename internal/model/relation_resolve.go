package model

import (
	"fmt"
	"strings"
)

// resolve checks r against the related models: the fk fields exist, are
// stored, and match the key fields they hold in number and type.
func (m *Model) resolve(r *Relation) error {
	target, err := Of(r.Target)
	if err != nil {
		return fmt.Errorf("the related type %s is not a valid model: %v", r.Target.Name(), err)
	}
	r.Model = target
	switch r.Kind {
	case BelongsTo:
		r.FKFields, err = keyHolders(m, r.FK, target, "the owner "+m.Name())
	case HasOne, HasMany:
		r.FKFields, err = keyHolders(target, r.FK, m, "the target "+target.Name())
		if err == nil && r.IndexName != "" {
			if _, ok := target.Index(r.IndexName); !ok {
				err = fmt.Errorf("index:%s: %s declares no index %q; name one of its indexes or leave index out (the read planner then chooses)", r.IndexName, target.Name(), r.IndexName)
			}
		}
	case ManyToMany:
		err = m.resolveThrough(r, target)
	}
	return err
}

// resolveThrough resolves a many_to_many relation: Through names a
// has_many relation of m whose items' fk fields hold target's key.
func (m *Model) resolveThrough(r *Relation, target *Model) error {
	via, ok := m.Relation(r.Through)
	if !ok || via.Kind != HasMany {
		return fmt.Errorf("through:%s must name a field of %s tagged rel:has_many (the mapping items, e.g. PostTags []PostTag `dynamorm:\"rel:has_many,fk:PostID\"`)", r.Through, m.Name())
	}
	mapping, err := Of(via.Target)
	if err != nil {
		return fmt.Errorf("the mapping type %s is not a valid model: %v", via.Target.Name(), err)
	}
	r.Via = via
	r.FKFields, err = keyHolders(mapping, r.FK, target, "the mapping model "+mapping.Name())
	return err
}

// keyHolders resolves the names of fields of holder that hold the primary
// key of keyOf, in the order of keyOf's key fields.
func keyHolders(holder *Model, names []string, keyOf *Model, what string) ([]*Field, error) {
	keys := keyOf.KeyFields()
	if len(names) != len(keys) {
		return nil, fmt.Errorf("fk:%s names %d field(s) of %s, but the key of %s has %d (%s); name one field of %s per key field, joined with +",
			strings.Join(names, "+"), len(names), what, keyOf.Name(), len(keys), goNames(keys), holder.Name())
	}
	out := make([]*Field, len(names))
	for i, name := range names {
		f, ok := holder.byGoName[name]
		if !ok || f.Template != nil {
			return nil, fmt.Errorf("fk:%s: %s has no stored field %s (fields: %s)", strings.Join(names, "+"), holder.Name(), name, holder.fieldList())
		}
		if f.KeyType() != keys[i].KeyType() {
			return nil, fmt.Errorf("fk:%s: %s.%s (%s) cannot hold %s.%s (%s); give it the key field's type",
				strings.Join(names, "+"), holder.Name(), name, f.Type, keyOf.Name(), keys[i].GoName, keys[i].Type)
		}
		out[i] = f
	}
	return out, nil
}

func goNames(fs []*Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.GoName
	}
	return strings.Join(names, ", ")
}
