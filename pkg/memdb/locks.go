package memdb

import "sort"

// Locking: s.mu guards the set of tables and their schemas. DDL (CreateTable,
// DeleteTable, UpdateTable, TTL settings and sweeps, Close) holds it for
// writing; every data request holds it for reading and locks the tables it
// touches (table.mu), so requests on different tables run in parallel.
// Tables are always locked in name order, after s.mu, so requests that lock
// several (batches, transactions) cannot deadlock.

// lockTables locks each distinct table of ts once, in name order, for writing
// or for reading, and returns the function that unlocks them.
func lockTables(ts []*table, write bool) func() {
	uniq := make([]*table, 0, len(ts))
	seen := make(map[*table]bool, len(ts))
	for _, t := range ts {
		if t != nil && !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	sort.Slice(uniq, func(i, j int) bool { return uniq[i].name < uniq[j].name })
	for _, t := range uniq {
		if write {
			t.mu.Lock()
		} else {
			t.mu.RLock()
		}
	}
	return func() {
		for _, t := range uniq {
			if write {
				t.mu.Unlock()
			} else {
				t.mu.RUnlock()
			}
		}
	}
}
