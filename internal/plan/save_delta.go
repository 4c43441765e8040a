package plan

import (
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// numberDelta is av - old, two numbers (nil counts as 0), exactly as a
// DynamoDB number: nil when they are equal.
func numberDelta(old, av types.AttributeValue) (types.AttributeValue, error) {
	a, err := ratOf(old)
	if err != nil {
		return nil, err
	}
	b, err := ratOf(av)
	if err != nil {
		return nil, err
	}
	d := b.Sub(b, a)
	if d.Sign() == 0 {
		return nil, nil
	}
	return &types.AttributeValueMemberN{Value: decimal(d)}, nil
}

func ratOf(av types.AttributeValue) (*big.Rat, error) {
	switch v := av.(type) {
	case nil, *types.AttributeValueMemberNULL:
		return new(big.Rat), nil
	case *types.AttributeValueMemberN:
		r, ok := new(big.Rat).SetString(v.Value)
		if !ok {
			return nil, fmt.Errorf("%q is not a number", v.Value)
		}
		return r, nil
	}
	return nil, fmt.Errorf("the stored value is a %T, not a number", av)
}

// decimal writes r, the difference of two decimals (its denominator is
// 2^a * 5^b), with the max(a, b) fractional digits it needs.
func decimal(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	den, mod := new(big.Int).Set(r.Denom()), new(big.Int)
	count := func(p int64) int {
		n, bp := 0, big.NewInt(p)
		for {
			q, m := new(big.Int).QuoRem(den, bp, mod)
			if m.Sign() != 0 {
				return n
			}
			den, n = q, n+1
		}
	}
	return r.FloatString(max(count(2), count(5)))
}

// setDelta returns the members of set av that set old lacks and those of
// old that av lacks, as sets of their type (nil when there are none); ok
// is false when they are not sets of one type.
func setDelta(old, av types.AttributeValue) (added, removed types.AttributeValue, ok bool) {
	switch n := av.(type) {
	case *types.AttributeValueMemberSS:
		o, isSS := old.(*types.AttributeValueMemberSS)
		if !isSS {
			return nil, nil, false
		}
		a, r := members(n.Value, o.Value, func(s string) string { return s })
		return ssOrNil(a), ssOrNil(r), true
	case *types.AttributeValueMemberNS:
		o, isNS := old.(*types.AttributeValueMemberNS)
		if !isNS {
			return nil, nil, false
		}
		a, r := members(n.Value, o.Value, canonicalNumber)
		return nsOrNil(a), nsOrNil(r), true
	case *types.AttributeValueMemberBS:
		o, isBS := old.(*types.AttributeValueMemberBS)
		if !isBS {
			return nil, nil, false
		}
		a, r := members(n.Value, o.Value, func(b []byte) string { return string(b) })
		if len(a) > 0 {
			added = &types.AttributeValueMemberBS{Value: a}
		}
		if len(r) > 0 {
			removed = &types.AttributeValueMemberBS{Value: r}
		}
		return added, removed, true
	}
	return nil, nil, false
}

// members returns the elements of now missing from old and of old missing
// from now, compared by key.
func members[T any](now, old []T, key func(T) string) (added, removed []T) {
	in := func(xs []T) map[string]bool {
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[key(x)] = true
		}
		return m
	}
	inOld, inNow := in(old), in(now)
	for _, x := range now {
		if !inOld[key(x)] {
			added = append(added, x)
		}
	}
	for _, x := range old {
		if !inNow[key(x)] {
			removed = append(removed, x)
		}
	}
	return added, removed
}

func canonicalNumber(s string) string {
	if r, ok := new(big.Rat).SetString(s); ok {
		return r.RatString()
	}
	return s
}

func ssOrNil(v []string) types.AttributeValue {
	if len(v) == 0 {
		return nil
	}
	return &types.AttributeValueMemberSS{Value: v}
}

func nsOrNil(v []string) types.AttributeValue {
	if len(v) == 0 {
		return nil
	}
	return &types.AttributeValueMemberNS{Value: v}
}
