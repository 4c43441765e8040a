package memdb

import (
	"hash/fnv"
	"sync"
)

// readLock locks hv's partition of t for reading, when t is set (a walk of
// the table's store), and returns the lock to release; nil when the caller
// already holds the lock of every row (a walk of an index, see locks.go).
func readLock(t *table, hv *value) *sync.RWMutex {
	if t == nil {
		return nil
	}
	mu := &t.shard(hv).mu
	mu.RLock()
	return mu
}

func readUnlock(mu *sync.RWMutex) {
	if mu != nil {
		mu.RUnlock()
	}
}

// walkQuery visits the rows of one partition that satisfy kr, after start, in
// order; it reports whether it stopped early (visit returned false).
func (s *store) walkQuery(kr *keyRange, start *row, forward bool, locks *table, visit func(*row) bool) bool {
	defer readUnlock(readLock(locks, kr.hv))
	p := s.find(kr.hv.keyString())
	if p == nil {
		return false
	}
	n := len(p.rows)
	if forward {
		i := 0
		if start != nil {
			i = p.search(start.rv, start.pk)
			if i < n && p.rows[i].pk == start.pk {
				i++
			}
		}
		for ; i < n; i++ {
			if !kr.inRange(p.rows[i].rv) {
				if kr.op == ">" || kr.op == ">=" || kr.op == "" {
					continue
				}
				if compareScalar(p.rows[i].rv, kr.lo) < 0 {
					continue
				}
				break
			}
			if !visit(p.rows[i]) {
				return true
			}
		}
		return false
	}
	i := n - 1
	if start != nil {
		i = p.search(start.rv, start.pk) - 1
	}
	for ; i >= 0; i-- {
		if !kr.inRange(p.rows[i].rv) {
			if kr.op == "<" || kr.op == "<=" || kr.op == "" {
				continue
			}
			hi := kr.lo
			if kr.hi != nil {
				hi = kr.hi
			}
			if kr.op != "begins_with" && compareScalar(p.rows[i].rv, hi) > 0 {
				continue
			}
			if kr.op == "begins_with" && p.rows[i].rv.s > kr.lo.s {
				continue
			}
			break
		}
		if !visit(p.rows[i]) {
			return true
		}
	}
	return false
}

func segmentOf(p *partition, total int) int {
	if total == 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(p.hv.keyString()))
	return int(h.Sum32() % uint32(total))
}

// walkScan visits every row of the segment after start in store order,
// one partition at a time (each under its lock, when locks is set).
func (s *store) walkScan(start *row, segment, total int, locks *table, visit func(*row) bool) bool {
	var p *partition
	if start == nil {
		p = s.next(nil, false)
	} else if p = s.next(start.hv, false); p != nil && equalValues(p.hv, start.hv) {
		if walkRows(p, start, locks, visit) {
			return true
		}
		p = s.next(p.hv, true)
	}
	for ; p != nil; p = s.next(p.hv, true) {
		if segmentOf(p, total) == segment && walkRows(p, nil, locks, visit) {
			return true
		}
	}
	return false
}

// walkRows visits the rows of p after start (from the first when start is
// nil) and reports whether visit stopped the walk.
func walkRows(p *partition, start *row, locks *table, visit func(*row) bool) bool {
	defer readUnlock(readLock(locks, p.hv))
	i := 0
	if start != nil {
		i = p.search(start.rv, start.pk)
		if i < len(p.rows) && p.rows[i].pk == start.pk {
			i++
		}
	}
	for ; i < len(p.rows); i++ {
		if !visit(p.rows[i]) {
			return true
		}
	}
	return false
}
