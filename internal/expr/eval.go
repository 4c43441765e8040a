package expr

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
)

// Compare orders scalar attribute values as DynamoDB does: numbers
// numerically, strings by UTF-8 bytes, binary bytewise, false before true.
// Values of different types order by type name.
func Compare(a, b types.AttributeValue) int {
	switch x := a.(type) {
	case *types.AttributeValueMemberN:
		if y, ok := b.(*types.AttributeValueMemberN); ok {
			fx, _, errx := big.ParseFloat(x.Value, 10, 256, big.ToNearestEven)
			fy, _, erry := big.ParseFloat(y.Value, 10, 256, big.ToNearestEven)
			if errx == nil && erry == nil {
				return fx.Cmp(fy)
			}
			return strings.Compare(x.Value, y.Value)
		}
	case *types.AttributeValueMemberS:
		if y, ok := b.(*types.AttributeValueMemberS); ok {
			return strings.Compare(x.Value, y.Value)
		}
	case *types.AttributeValueMemberB:
		if y, ok := b.(*types.AttributeValueMemberB); ok {
			return bytes.Compare(x.Value, y.Value)
		}
	case *types.AttributeValueMemberBOOL:
		if y, ok := b.(*types.AttributeValueMemberBOOL); ok {
			switch {
			case x.Value == y.Value:
				return 0
			case !x.Value:
				return -1
			}
			return 1
		}
	}
	return strings.Compare(attr.TypeName(a), attr.TypeName(b))
}

func sameType(a, b types.AttributeValue) bool {
	return attr.TypeName(a) == attr.TypeName(b)
}

// Match evaluates a condition on a scalar (key) attribute of an item, as
// DynamoDB would evaluate it in a filter. It serves conditions DynamoDB
// does not accept where they are needed: a Query's filter may not name the
// keys of what it queries.
func Match(c Cond, item map[string]types.AttributeValue) bool {
	if len(c.Path) != 1 {
		return false
	}
	av, ok := item[c.Path[0]]
	switch c.Op {
	case Exists:
		return ok
	case NotExists:
		return !ok
	}
	if !ok {
		return c.Op == NotContains
	}
	cmp := func(i int) (int, bool) {
		if !sameType(av, c.Values[i]) {
			return 0, false
		}
		return Compare(av, c.Values[i]), true
	}
	switch c.Op {
	case Eq, Lt, Le, Gt, Ge:
		r, ok := cmp(0)
		return ok && map[Op]bool{Eq: r == 0, Lt: r < 0, Le: r <= 0, Gt: r > 0, Ge: r >= 0}[c.Op]
	case Ne:
		r, ok := cmp(0)
		return !ok || r != 0
	case Between:
		lo, ok1 := cmp(0)
		hi, ok2 := cmp(1)
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case In:
		for i := range c.Values {
			if r, ok := cmp(i); ok && r == 0 {
				return true
			}
		}
		return false
	case BeginsWith, Contains, NotContains:
		var has bool
		switch x := av.(type) {
		case *types.AttributeValueMemberS:
			y, ok := c.Values[0].(*types.AttributeValueMemberS)
			has = ok && (c.Op == BeginsWith && strings.HasPrefix(x.Value, y.Value) || c.Op != BeginsWith && strings.Contains(x.Value, y.Value))
		case *types.AttributeValueMemberB:
			y, ok := c.Values[0].(*types.AttributeValueMemberB)
			has = ok && (c.Op == BeginsWith && bytes.HasPrefix(x.Value, y.Value) || c.Op != BeginsWith && bytes.Contains(x.Value, y.Value))
		}
		if c.Op == NotContains {
			return !has
		}
		return has
	case AttributeType:
		want, _ := c.Values[0].(*types.AttributeValueMemberS)
		return want != nil && want.Value == attr.TypeName(av)
	case SizeEq, SizeNe, SizeLt, SizeLe, SizeGt, SizeGe:
		var size int
		switch x := av.(type) {
		case *types.AttributeValueMemberS:
			size = len(x.Value)
		case *types.AttributeValueMemberB:
			size = len(x.Value)
		default:
			return false
		}
		n := &types.AttributeValueMemberN{Value: fmt.Sprint(size)}
		r := Compare(n, c.Values[0])
		return map[Op]bool{SizeEq: r == 0, SizeNe: r != 0, SizeLt: r < 0, SizeLe: r <= 0, SizeGt: r > 0, SizeGe: r >= 0}[c.Op]
	}
	return false
}
