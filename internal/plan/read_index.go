package plan

import (
	"fmt"
	"slices"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// Choosing where a read goes: the table or the index whose keys the Where
// conditions give (candidates, choose, best), and which key conditions it
// uses.

// candidate is the table or an index a read could use, with its keys.
type candidate struct {
	index  *model.Index // nil for the table
	pk, sk *model.Field
}

func (c candidate) name() string {
	if c.index == nil {
		return ""
	}
	return c.index.Name
}

// choose picks the candidate (table or index) a Query serves in best from:
// a partition-key equality is needed; a sort-key condition and an OrderBy
// on the sort key count for it. It returns the key conditions, or a nil
// candidate for a Scan. A consistent read chooses among the table and its
// local indexes only, and fails when only a global index could serve it: a
// consistent Scan instead would silently read the whole table.
func choose(in ReadInput, cands []candidate) (*candidate, keyConds, error) {
	if in.ForceScan {
		return nil, keyConds{}, nil
	}
	if in.Consistent {
		local := slices.DeleteFunc(slices.Clone(cands), candidate.global)
		if chosen, kc := best(in, local); chosen != nil || len(local) == len(cands) {
			return chosen, kc, nil
		}
		if g, _ := best(in, cands); g != nil {
			return nil, keyConds{}, fmt.Errorf("%w: ConsistentRead: %s's conditions are served by global secondary index %q, which does not support consistent reads, and not by the table or a local index; "+
				"drop ConsistentRead (reads from %q are eventually consistent) or give Where(%q, \"=\", ...) so the table is queried", errs.ErrValidation, in.Model.Name(), g.name(), g.name(), in.Model.PK.KeyName())
		}
		return nil, keyConds{}, nil
	}
	chosen, kc := best(in, cands)
	return chosen, kc, nil
}

func (c candidate) global() bool { return c.index != nil && !c.index.Local }

// keyConds are the key conditions of a candidate.
type keyConds struct{ pk, sk keyCond }

func (k keyConds) used(i int) bool {
	return slices.Contains(k.pk.used, i) || slices.Contains(k.sk.used, i)
}

// best is the candidate with the best score, or nil when none has a
// partition-key equality.
func best(in ReadInput, cands []candidate) (*candidate, keyConds) {
	var chosen *candidate
	var chosenKC keyConds
	best := -1
	for i := range cands {
		c := &cands[i]
		kc := keyConds{pk: partitionCond(in, c.pk)}
		if !kc.pk.ok {
			continue
		}
		score := 1
		if c.sk != nil {
			kc.sk = sortCond(in, c.sk, kc.pk.used)
			if in.AnyEntity && (kc.sk.prefixOnly || len(kc.sk.used) == 0) {
				// A collection reads the whole partition, unless the
				// caller's conditions narrow the sort key.
				kc.sk = keyCond{}
			}
			switch {
			case kc.sk.ok && !kc.sk.prefixOnly:
				score += 2
			case kc.sk.ok:
				score++
			}
			if in.OrderBy != nil && (in.OrderBy == c.sk || in.OrderBy == kc.sk.orders) {
				score++
			}
		}
		if score > best {
			best, chosen, chosenKC = score, c, kc
		}
	}
	return chosen, chosenKC
}

// candidates lists the table and indexes a Query may use, in order of
// preference on equal scores: the table, local indexes, global indexes.
func candidates(in ReadInput) ([]candidate, error) {
	m := in.Model
	if in.Index != "" {
		idx, ok := m.Index(in.Index)
		if !ok {
			names := ""
			for i, x := range m.Indexes {
				if i > 0 {
					names += ", "
				}
				names += x.Name
			}
			if names == "" {
				names = "none"
			}
			return nil, fmt.Errorf("%w: %s has no index %q (declared: %s)", errs.ErrIndexNotFound, m.Name(), in.Index, names)
		}
		return []candidate{{index: idx, pk: idx.PK, sk: idx.SK}}, nil
	}
	cands := []candidate{{pk: m.PK, sk: m.SK}}
	for _, idx := range m.Indexes {
		if idx.Local {
			cands = append(cands, candidate{index: idx, pk: idx.PK, sk: idx.SK})
		}
	}
	for _, idx := range m.Indexes {
		if !idx.Local {
			cands = append(cands, candidate{index: idx, pk: idx.PK, sk: idx.SK})
		}
	}
	return cands, nil
}

func findCond(conds []Condition, f *model.Field, ok func(expr.Op) bool) int {
	if f == nil {
		return -1
	}
	for i, c := range conds {
		if c.Field == f && len(c.Path) == 1 && ok(c.Op) {
			return i
		}
	}
	return -1
}

// keyInTree returns the attribute name of a key of c that the filter tree
// names, or "".
func keyInTree(n expr.Node, c *candidate) string {
	if n.Cond != nil {
		if len(n.Cond.Path) > 0 && (n.Cond.Path[0] == c.pk.Attr || c.sk != nil && n.Cond.Path[0] == c.sk.Attr) {
			return n.Cond.Path[0]
		}
		return ""
	}
	for _, ch := range n.Children {
		if k := keyInTree(ch, c); k != "" {
			return k
		}
	}
	return ""
}
