package memdb

import (
	"sort"
	"strings"
)

// This file holds what a Query or Scan on a secondary index may read: the
// attributes a projection or filter names must be projected by a global
// index, and a local index fetches what it does not project from the table.

// checkIndexReads refuses a projection (global indexes) or a Query filter
// (any index) that names attributes the index does not project. DynamoDB
// does not check a Scan's filter.
func (t *table) checkIndexReads(ix *index, paths []docPath, filter *condNode, isQuery bool) *apiError {
	if ix == nil || ix.proj.ProjectionType == "ALL" {
		return nil
	}
	if filter != nil && isQuery {
		// Listed in sorted order.
		var missing []string
		seen := map[string]bool{}
		for _, n := range condNames(filter, nil) {
			if !seen[n] && !t.projects(ix, n) {
				seen[n] = true
				missing = append(missing, n)
			}
		}
		sort.Strings(missing)
		if missing != nil {
			return invalidParam("Secondary index %s does not project one or more filter attributes: [%s]", ix.name, strings.Join(missing, ", "))
		}
	}
	if ix.global {
		var names []string
		for _, p := range paths {
			names = append(names, p[0].name)
		}
		if missing := t.unprojected(ix, names); missing != nil {
			return invalidParam("Global secondary index %s does not project [%s]", ix.name, strings.Join(missing, ", "))
		}
	}
	return nil
}

// checkSelect refuses what Select asks of the table or index read, after
// the expressions are checked, as DynamoDB does.
func checkSelect(sel string, ix *index) *apiError {
	if sel == "ALL_PROJECTED_ATTRIBUTES" && ix == nil {
		return validationf("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	}
	if sel == "ALL_ATTRIBUTES" && ix != nil && ix.global && ix.proj.ProjectionType != "ALL" {
		return invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", ix.name)
	}
	return nil
}

// unprojected returns the names ix does not project, each once, in the
// order DynamoDB lists them.
func (t *table) unprojected(ix *index, names []string) []string {
	var missing []string
	for _, n := range names {
		if !t.projects(ix, n) {
			missing = append(missing, n)
		}
	}
	if missing == nil {
		return nil
	}
	return javaHashOrder(missing)
}

// fetchesFromTable reports whether a read of local index ix returns table
// items rather than index entries: with Select ALL_ATTRIBUTES, or with a
// projection expression (DynamoDB fetches unprojected attributes).
func fetchesFromTable(ix *index, sel string, paths []docPath) bool {
	return ix != nil && !ix.global && (sel == "ALL_ATTRIBUTES" || paths != nil)
}

// condNames appends the top-level attribute names a condition refers to.
func condNames(c *condNode, out []string) []string {
	for _, k := range c.kids {
		out = condNames(k, out)
	}
	var op func(o *operand)
	op = func(o *operand) {
		if o.kind == opPath {
			out = append(out, o.path[0].name)
		}
		for _, a := range o.args {
			op(a)
		}
	}
	for _, a := range c.args {
		op(a)
	}
	return out
}

// javaHashOrder returns names without duplicates in the order DynamoDB
// lists them in messages, that of the Java hash set holding them: by hash
// bucket, then latest first.
func javaHashOrder(names []string) []string {
	var uniq []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	capacity := 16
	for len(uniq) > capacity*3/4 {
		capacity *= 2
	}
	bucket := func(s string) int {
		var h int32
		for _, u := range utf16Units(s) {
			h = 31*h + int32(u)
		}
		x := uint32(h)
		return int((x ^ (x >> 16)) & uint32(capacity-1))
	}
	// Within a bucket the latest name comes first.
	for i, j := 0, len(uniq)-1; i < j; i, j = i+1, j-1 {
		uniq[i], uniq[j] = uniq[j], uniq[i]
	}
	sort.SliceStable(uniq, func(i, j int) bool { return bucket(uniq[i]) < bucket(uniq[j]) })
	return uniq
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}
