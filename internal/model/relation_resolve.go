package model

import (
	"fmt"
	"slices"
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
		if err == nil {
			err = checkQueryable(target, r)
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

// checkQueryable checks that equality on the fk fields of a has_one or
// has_many relation gives the partition key of the target's table or of
// an index (index:NAME when named), so that loading is a Query, never a
// Scan per owner.
func checkQueryable(target *Model, r *Relation) error {
	if r.IndexName != "" {
		idx, ok := target.Index(r.IndexName)
		if !ok {
			return fmt.Errorf("index:%s: %s declares no index %q; name one of its indexes or leave index out (the read planner then chooses)", r.IndexName, target.Name(), r.IndexName)
		}
		if !givenBy(idx.PK, r.FKFields) {
			return fmt.Errorf("index:%s: the partition key of index %q of %s is not given by fk:%s; name an index whose partition key the fk fields give", r.IndexName, r.IndexName, target.Name(), strings.Join(r.FK, "+"))
		}
		return nil
	}
	if givenBy(target.PK, r.FKFields) {
		return nil
	}
	for _, idx := range target.Indexes {
		if !idx.Local && givenBy(idx.PK, r.FKFields) {
			return nil
		}
	}
	return fmt.Errorf("fk:%s: neither the table nor an index of %s has a partition key the fk fields give, so loading would scan the table per owner; add an index on them (`dynamorm:\"index:NAME,pk\"` on %s, or a gsiNpk template of them)",
		strings.Join(r.FK, "+"), target.Name(), r.FK[0])
}

// givenBy reports whether key (a field, or a derived key's components) is
// determined by fields.
func givenBy(key *Field, fields []*Field) bool {
	if key == nil {
		return false
	}
	if key.Template == nil {
		return slices.Contains(fields, key)
	}
	for _, c := range key.Template.Components() {
		if !slices.Contains(fields, c) {
			return false
		}
	}
	return true
}
