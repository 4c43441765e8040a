package model

import (
	"fmt"
	"strconv"
)

// DefaultBuckets is the bucket count of an entity tagged iterable without
// a count.
const DefaultBuckets = 10

// MaxBuckets is the largest bucket count iterable:BUCKETS accepts.
const MaxBuckets = 1000

// Iteration is the iteration index of an iterable entity: a sparse global
// index whose partition key, <entity>#<bucket>, is derived like every
// other key of the entity, the bucket being a stable hash of the item's
// primary key. Its name and key attribute carry the bucket count (iter10,
// iter10pk), so an entity whose count changed names an index the table
// does not have, which iteration refuses, instead of reading the buckets
// of another count and missing items.
type Iteration struct {
	Buckets int    // the number of buckets
	Index   string // the index name, "iter" + Buckets
	Key     *Field // the index's partition key (derived, Template set)
	// Primary are the table's key attributes of the entity, whose composed
	// values the bucket is the hash of.
	Primary []*Field
}

// parseBuckets reads the argument of the iterable option.
func parseBuckets(arg string) (int, error) {
	if arg == "" {
		return DefaultBuckets, nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > MaxBuckets {
		return 0, fmt.Errorf("iterable:%s: the bucket count must be a whole number from 1 to %d (iterable alone means %d)", arg, MaxBuckets, DefaultBuckets)
	}
	return n, nil
}

// IterationIndex is the name of the iteration index of n buckets.
func IterationIndex(n int) string { return "iter" + strconv.Itoa(n) }

// buildIteration adds the iteration index of an entity declared iterable
// with n buckets: its key's template is the entity name and the bucket,
// composed of the primary key's components (which no update changes, so
// only puts and upserts write it).
func (m *Model) buildIteration(n int) error {
	it := &Iteration{Buckets: n, Index: IterationIndex(n), Primary: []*Field{m.PK}}
	if m.SK != nil {
		it.Primary = append(it.Primary, m.SK)
	}
	attr := it.Index + "pk"
	if other, ok := m.byAttr[attr]; ok {
		return fmt.Errorf("iterable: the iteration key attribute %q is also stored by %s; rename it with attr:NAME", attr, other.GoName)
	}
	if _, ok := m.byIndex[it.Index]; ok {
		return fmt.Errorf("iterable: index %q is also declared by the tag or a field; iterable declares it, so rename the other", it.Index)
	}
	tpl := &Template{
		Segments:   []Segment{{Literal: m.Entity.Name}, {Bucket: it}},
		Tenant:     m.Tenant, // a partition key: each tenant's buckets apart
		components: m.keyFields,
	}
	f := &Field{GoName: attr, Attr: attr, Type: stringType, Template: tpl, attrPath: []string{attr}}
	role := IndexRole{Name: it.Index}
	f.Indexes = []IndexRole{role}
	if err := m.addIndexKey(f, role); err != nil {
		return err
	}
	it.Key = f
	m.byAttr[attr] = f
	m.Entity.Keys = append(m.Entity.Keys, f)
	m.Entity.Iteration = it
	return nil
}
