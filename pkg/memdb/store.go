package memdb

import (
	"sort"
	"sync/atomic"
)

// keySchema names the partition (hash) and optional sort (range) key attributes.
type keySchema struct {
	hash, rng string
}

// row is one entry of an ordered store: a table item, or an index entry pointing at one.
type row struct {
	hv, rv *value // partition and sort key values (rv nil without a sort key)
	pk     string // the table primary key, tie-break for index entries
	item   item
	size   int
	// enc is item's JSON, encoded the first time a read returns the whole
	// item (a row's item never changes: writes store new rows).
	enc atomic.Pointer[[]byte]
}

// encoded returns the JSON of the row's item.
func (r *row) encoded() []byte {
	if p := r.enc.Load(); p != nil {
		return *p
	}
	b := appendItem(nil, r.item)
	r.enc.Store(&b)
	return b
}

type partition struct {
	hv   *value
	rows []*row
}

// store keeps rows ordered: partitions by partition-key value, rows by sort key
// (numbers numerically, strings and binaries by unsigned bytes), then primary key.
type store struct {
	parts map[string]*partition
	order []*partition
	count int
	bytes int
}

func newStore() *store { return &store{parts: map[string]*partition{}} }

func cmpRows(a *row, rv *value, pk string) int {
	if a.rv != nil && rv != nil {
		if c := compareScalar(a.rv, rv); c != 0 {
			return c
		}
	}
	switch {
	case a.pk < pk:
		return -1
	case a.pk > pk:
		return 1
	}
	return 0
}

func (s *store) partIndex(hv *value) int {
	return sort.Search(len(s.order), func(i int) bool { return compareScalar(s.order[i].hv, hv) >= 0 })
}

func (p *partition) search(rv *value, pk string) int {
	return sort.Search(len(p.rows), func(i int) bool { return cmpRows(p.rows[i], rv, pk) >= 0 })
}

func (s *store) insert(r *row) {
	k := r.hv.keyString()
	p := s.parts[k]
	if p == nil {
		p = &partition{hv: r.hv}
		s.parts[k] = p
		i := s.partIndex(r.hv)
		s.order = append(s.order, nil)
		copy(s.order[i+1:], s.order[i:])
		s.order[i] = p
	}
	i := p.search(r.rv, r.pk)
	if i < len(p.rows) && p.rows[i].pk == r.pk {
		s.bytes += r.size - p.rows[i].size
		p.rows[i] = r
		return
	}
	p.rows = append(p.rows, nil)
	copy(p.rows[i+1:], p.rows[i:])
	p.rows[i] = r
	s.count++
	s.bytes += r.size
}

func (s *store) remove(r *row) {
	k := r.hv.keyString()
	p := s.parts[k]
	if p == nil {
		return
	}
	i := p.search(r.rv, r.pk)
	if i >= len(p.rows) || p.rows[i].pk != r.pk {
		return
	}
	p.rows = append(p.rows[:i], p.rows[i+1:]...)
	s.count--
	s.bytes -= r.size
	if len(p.rows) == 0 {
		delete(s.parts, k)
		j := s.partIndex(r.hv)
		s.order = append(s.order[:j], s.order[j+1:]...)
	}
}
