package memdb

import "hash/fnv"

// walkQuery visits the rows of one partition that satisfy kr, after start, in
// order; it reports whether it stopped early (visit returned false).
func (s *store) walkQuery(kr *keyRange, start *row, forward bool, visit func(*row) bool) bool {
	p := s.parts[kr.hv.keyString()]
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

// walkScan visits every row of the segment after start in store order.
func (s *store) walkScan(start *row, segment, total int, visit func(*row) bool) bool {
	pi := 0
	if start != nil {
		pi = s.partIndex(start.hv)
		if pi < len(s.order) && equalValues(s.order[pi].hv, start.hv) {
			p := s.order[pi]
			i := p.search(start.rv, start.pk)
			if i < len(p.rows) && p.rows[i].pk == start.pk {
				i++
			}
			for ; i < len(p.rows); i++ {
				if !visit(p.rows[i]) {
					return true
				}
			}
			pi++
		}
	}
	for ; pi < len(s.order); pi++ {
		p := s.order[pi]
		if segmentOf(p, total) != segment {
			continue
		}
		for _, r := range p.rows {
			if !visit(r) {
				return true
			}
		}
	}
	return false
}
