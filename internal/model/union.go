package model

import (
	"fmt"
	"sort"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// Union describes the table that the entities ms share: its keys, the
// union of their indexes and their ttl attribute. The entities must agree
// on everything the table defines (key attribute names and types, each
// index's keys, the ttl attribute); a conflict is an error naming both
// entities. Union of one model is that model.
func Union(ms []*Model) (*Model, error) {
	if len(ms) == 1 {
		return ms[0], nil
	}
	first := ms[0]
	u := *first
	u.byIndex = map[string]*Index{}
	u.Indexes = nil
	u.Entity = &Entity{Name: first.Entity.Name, TypeAttr: first.Entity.TypeAttr}
	owner := map[string]*Model{} // index name -> the entity that declared it first
	for _, m := range ms {
		if err := sameTableKeys(first, m); err != nil {
			return nil, err
		}
		if m.TTL != nil {
			if u.TTL != nil && u.TTL.Attr != m.TTL.Attr {
				return nil, fmt.Errorf("%w: %s and %s share a table but store their ttl in %q and %q; DynamoDB's TTL reads one attribute", errs.ErrInvalidModel, first.Name(), m.Name(), u.TTL.Attr, m.TTL.Attr)
			}
			u.TTL = m.TTL
		}
		for _, idx := range m.Indexes {
			have, ok := u.byIndex[idx.Name]
			if !ok {
				u.byIndex[idx.Name], owner[idx.Name] = idx, m
				u.Indexes = append(u.Indexes, idx)
				continue
			}
			if !sameKey(have.PK, idx.PK) || !sameKey(have.SK, idx.SK) || have.Local != idx.Local {
				return nil, fmt.Errorf("%w: %s and %s define index %q differently (%s and %s); entities of one table share its indexes",
					errs.ErrInvalidModel, owner[idx.Name].Name(), m.Name(), idx.Name, describeIndex(have), describeIndex(idx))
			}
		}
		if m.Entity != nil {
			u.Entity.Keys = append(u.Entity.Keys, m.Entity.Keys...)
		}
	}
	sort.Slice(u.Indexes, func(i, j int) bool { return u.Indexes[i].Name < u.Indexes[j].Name })
	return &u, nil
}

func sameTableKeys(a, b *Model) error {
	if !sameKey(a.PK, b.PK) || !sameKey(a.SK, b.SK) {
		return fmt.Errorf("%w: %s and %s share a table but not its key (%s and %s); entities of one table use the same key attributes",
			errs.ErrInvalidModel, a.Name(), b.Name(), describeKeys(a.PK, a.SK), describeKeys(b.PK, b.SK))
	}
	if a.Entity != nil && b.Entity != nil && a.Entity.TypeAttr != b.Entity.TypeAttr {
		return fmt.Errorf("%w: %s and %s share a table but store their entity type in %q and %q; use one typeattr", errs.ErrInvalidModel, a.Name(), b.Name(), a.Entity.TypeAttr, b.Entity.TypeAttr)
	}
	if a.Entity != nil && b.Entity != nil && a != b && a.Entity.Name == b.Entity.Name {
		return fmt.Errorf("%w: %s and %s share a table and both are entity %q; give each its own entity:NAME", errs.ErrInvalidModel, a.Name(), b.Name(), a.Entity.Name)
	}
	return nil
}

func sameKey(a, b *Field) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Attr == b.Attr && a.KeyType() == b.KeyType()
}

func describeKeys(pk, sk *Field) string {
	s := "pk " + pk.Attr + " (" + pk.KeyType() + ")"
	if sk != nil {
		s += ", sk " + sk.Attr + " (" + sk.KeyType() + ")"
	}
	return s
}

func describeIndex(idx *Index) string {
	if idx.PK == nil {
		return "no partition key"
	}
	return describeKeys(idx.PK, idx.SK)
}
