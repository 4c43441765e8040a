package memdb

import (
	"sort"
	"sync"
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
// dir guards the directory (parts and order); a partition's rows are guarded
// by its partition lock (the table's store) or by the index lock (an index's
// store), see locks.go.
type store struct {
	dir   sync.RWMutex
	parts map[string]*partition
	order []*partition
	count atomic.Int64
	bytes atomic.Int64
}

func newStore() *store { return &store{parts: map[string]*partition{}} }

// find returns the partition of key string k, or nil.
func (s *store) find(k string) *partition {
	s.dir.RLock()
	defer s.dir.RUnlock()
	return s.parts[k]
}

// next returns the first partition at or after hv (after it when after is
// set) in store order, or nil.
func (s *store) next(hv *value, after bool) *partition {
	s.dir.RLock()
	defer s.dir.RUnlock()
	i := 0
	if hv != nil {
		i = s.partIndex(hv)
		if after && i < len(s.order) && equalValues(s.order[i].hv, hv) {
			i++
		}
	}
	if i < len(s.order) {
		return s.order[i]
	}
	return nil
}

// partitions returns every partition in store order (for callers that
// hold every lock of the store's rows: DDL under Server.mu).
func (s *store) partitions() []*partition {
	s.dir.RLock()
	defer s.dir.RUnlock()
	return s.order
}

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

// insert stores r, replacing the row of the same primary key. The caller
// holds the lock of r's partition rows (see store).
func (s *store) insert(r *row) {
	k := r.hv.keyString()
	p := s.find(k)
	if p == nil {
		// No one else adds this partition: its rows' lock is held.
		p = &partition{hv: r.hv}
		s.dir.Lock()
		s.parts[k] = p
		i := s.partIndex(r.hv)
		s.order = append(s.order, nil)
		copy(s.order[i+1:], s.order[i:])
		s.order[i] = p
		s.dir.Unlock()
	}
	i := p.search(r.rv, r.pk)
	if i < len(p.rows) && p.rows[i].pk == r.pk {
		s.bytes.Add(int64(r.size - p.rows[i].size))
		p.rows[i] = r
		return
	}
	p.rows = append(p.rows, nil)
	copy(p.rows[i+1:], p.rows[i:])
	p.rows[i] = r
	s.count.Add(1)
	s.bytes.Add(int64(r.size))
}

// remove drops r (by primary key) and its partition once empty. The caller
// holds the lock of r's partition rows.
func (s *store) remove(r *row) {
	k := r.hv.keyString()
	p := s.find(k)
	if p == nil {
		return
	}
	i := p.search(r.rv, r.pk)
	if i >= len(p.rows) || p.rows[i].pk != r.pk {
		return
	}
	s.bytes.Add(-int64(p.rows[i].size)) // the stored row's: r may be a key only
	p.rows = append(p.rows[:i], p.rows[i+1:]...)
	s.count.Add(-1)
	if len(p.rows) == 0 {
		s.dir.Lock()
		delete(s.parts, k)
		j := s.partIndex(r.hv)
		s.order = append(s.order[:j], s.order[j+1:]...)
		s.dir.Unlock()
	}
}
