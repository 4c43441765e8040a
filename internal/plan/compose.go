package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/keyenc"
	"github.com/dynamorm/dynamorm/internal/model"
)

// keyCond is the condition a key of a candidate can serve from a read's
// Where conditions: on the key attribute itself, or composed from
// conditions on the components of a derived key.
type keyCond struct {
	cond  Condition
	used  []int // positions in ReadInput.Where the condition replaces
	ok    bool
	exact bool // an equality on the whole key
	// prefixOnly: only the literal prefix of a derived sort key, no
	// condition of the caller's.
	prefixOnly bool
	// orders is the component the key's order follows after the
	// equalities (a Query of it returns items sorted by that field).
	orders *model.Field
}

// partitionCond is the equality on partition key k that in gives, if any.
func partitionCond(in ReadInput, k *model.Field) keyCond {
	if k.Template == nil {
		p := findCond(in.Where, k, func(op expr.Op) bool { return op == expr.Eq })
		if p < 0 {
			return keyCond{}
		}
		return keyCond{cond: in.Where[p], used: []int{p}, ok: true, exact: true}
	}
	if it := k.Template.Bucket(); it != nil {
		if in.Bucket == nil {
			return keyCond{}
		}
		av, err := BucketKey(it, in.Tenant, *in.Bucket)
		if err != nil {
			return keyCond{} // (PlanRead refuses a tenant-scoped bucket without a tenant)
		}
		return keyCond{cond: keyCondition(k, expr.Eq, av), ok: true, exact: true}
	}
	var used []int
	av, missing, err := Compose(k, in.Tenant, func(c *model.Field) (types.AttributeValue, error) {
		p := findCond(in.Where, c, func(op expr.Op) bool { return op == expr.Eq })
		if p < 0 {
			return nil, nil
		}
		used = append(used, p)
		return in.Where[p].Values[0], nil
	})
	if err != nil || missing != nil {
		return keyCond{}
	}
	return keyCond{cond: keyCondition(k, expr.Eq, av), used: used, ok: true, exact: true}
}

// sortCond is the condition on sort key k that in gives, if any; pkUsed
// are the conditions the partition key took.
func sortCond(in ReadInput, k *model.Field, pkUsed []int) keyCond {
	if k == nil {
		return keyCond{}
	}
	if k.Template == nil {
		s := findCond(in.Where, k, expr.Op.KeyCondition)
		if s < 0 || len(pkUsed) == 1 && pkUsed[0] == s {
			return keyCond{}
		}
		return keyCond{cond: in.Where[s], used: []int{s}, ok: true, exact: in.Where[s].Op == expr.Eq}
	}
	return composedSortCond(in, k)
}

// composedSortCond walks the segments of derived sort key k: literals and
// components given by equality extend the prefix; the first other
// component ends it with the range its condition gives, or with
// begins_with(prefix). The encoding (package keyenc) makes each range
// exact: every encoded byte sorts above '#', and '$' right after a prefix
// is above everything that continues it.
func composedSortCond(in ReadInput, k *model.Field) keyCond {
	var prefix []byte
	var used []int
	segs := k.Template.Segments
	for i, s := range segs {
		if i > 0 {
			prefix = append(prefix, keyenc.Separator)
		}
		if s.Field == nil {
			prefix = append(prefix, s.Literal...)
			continue
		}
		if p := findCond(in.Where, s.Field, func(op expr.Op) bool { return op == expr.Eq }); p >= 0 {
			enc, err := keyenc.Append(prefix, in.Where[p].Values[0])
			if err != nil {
				return keyCond{}
			}
			prefix, used = enc, append(used, p)
			continue
		}
		kc := rangeCond(in, k, s.Field, prefix, i == len(segs)-1)
		kc.used = append(used, kc.used...)
		kc.orders = s.Field
		return kc
	}
	return keyCond{cond: keyCondition(k, expr.Eq, str(prefix)), used: used, ok: true, exact: true}
}

// rangeCond is the condition on derived key k for the first component c
// that no equality gives, after prefix (which ends in '#' unless c is the
// first segment). last says c is the key's last segment.
func rangeCond(in ReadInput, k, c *model.Field, prefix []byte, last bool) keyCond {
	p := findCond(in.Where, c, expr.Op.KeyCondition)
	if p < 0 {
		if len(prefix) == 0 {
			return keyCond{}
		}
		return keyCond{cond: keyCondition(k, expr.BeginsWith, str(prefix)), ok: true, prefixOnly: true}
	}
	w := in.Where[p]
	encs := make([][]byte, len(w.Values))
	for i, v := range w.Values {
		e, err := keyenc.Append(append([]byte(nil), prefix...), v)
		if err != nil {
			return keyCond{}
		}
		encs[i] = e
	}
	after := func(b []byte) []byte { return append(b, '$') } // above every continuation of b
	kc := keyCond{used: []int{p}, ok: true}
	if len(prefix) == 0 {
		kc.cond = openRange(k, w.Op, encs, after)
		return kc
	}
	// upper is above every key that starts with prefix and below every
	// other: prefix's final '#' raised to '$'.
	upper := append(append([]byte(nil), prefix[:len(prefix)-1]...), '$')
	switch w.Op {
	case expr.Gt:
		kc.cond = keyCondition(k, expr.Between, str(after(encs[0])), str(upper))
	case expr.Ge:
		kc.cond = keyCondition(k, expr.Between, str(encs[0]), str(upper))
	case expr.Lt:
		kc.cond = keyCondition(k, expr.Between, str(prefix), str(encs[0]))
		if last {
			// BETWEEN includes the key whose last component is the bound:
			// the condition stays, as a filter on the field's attribute.
			kc.used = nil
		}
	case expr.Le:
		kc.cond = keyCondition(k, expr.Between, str(prefix), str(after(encs[0])))
	case expr.Between:
		kc.cond = keyCondition(k, expr.Between, str(encs[0]), str(after(encs[1])))
	case expr.BeginsWith:
		kc.cond = keyCondition(k, expr.BeginsWith, str(encs[0]))
	default:
		return keyCond{cond: keyCondition(k, expr.BeginsWith, str(prefix)), ok: true, prefixOnly: true}
	}
	return kc
}

// openRange is rangeCond for a component that starts the key.
func openRange(k *model.Field, op expr.Op, encs [][]byte, after func([]byte) []byte) Condition {
	switch op {
	case expr.Gt:
		return keyCondition(k, expr.Ge, str(after(encs[0])))
	case expr.Ge:
		return keyCondition(k, expr.Ge, str(encs[0]))
	case expr.Lt:
		return keyCondition(k, expr.Lt, str(encs[0]))
	case expr.Le:
		return keyCondition(k, expr.Lt, str(after(encs[0])))
	case expr.Between:
		return keyCondition(k, expr.Between, str(encs[0]), str(after(encs[1])))
	}
	return keyCondition(k, expr.BeginsWith, str(encs[0]))
}

func keyCondition(k *model.Field, op expr.Op, vals ...types.AttributeValue) Condition {
	return Condition{Field: k, Path: []string{k.Attr}, Op: op, Values: vals}
}

func str(b []byte) types.AttributeValue { return &types.AttributeValueMemberS{Value: string(b)} }
