package plan

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// CondKind says what a caller's write condition checks.
type CondKind uint8

// The condition kinds.
const (
	CondField      CondKind = iota // Cond.Cond, on a field or document path
	CondExpression                 // Cond.Raw with Cond.Values
	CondExists                     // the item exists
	CondNotExists                  // the item does not exist
	CondHolds                      // each of Cond.All (or, with OrAbsent, the item does not exist)
)

// Cond is a condition a caller added to a write (IfExists, IfNotExists,
// WithCondition, WithConditionExpression, transaction conditions).
type Cond struct {
	Kind   CondKind
	Cond   expr.Cond
	Raw    string
	Values map[string]types.AttributeValue
	// All and OrAbsent are a CondHolds: the stored values a write of
	// unique values relies on (guard_prior.go).
	All      []expr.Cond
	OrAbsent bool
}

// renderConds renders the write's own conditions (extra) and then the
// caller's, ANDed, through b.
func renderConds(t *Target, b *expr.Builder, extra ...string) (string, error) {
	if len(t.Conds) == 0 {
		return expr.And(extra...), nil
	}
	parts := append([]string(nil), extra...)
	for _, c := range t.Conds {
		s, err := renderCond(t.Model, b, c)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return expr.And(parts...), nil
}

func renderCond(m *model.Model, b *expr.Builder, c Cond) (string, error) {
	switch c.Kind {
	case CondExists:
		return "attribute_exists(" + b.Name(m.PK.Attr) + ")", nil
	case CondNotExists:
		return "attribute_not_exists(" + b.Name(m.PK.Attr) + ")", nil
	case CondField:
		return b.Condition(c.Cond)
	case CondExpression:
		return b.Rewrite(c.Raw, attrOf(m), c.Values)
	case CondHolds:
		parts := make([]string, len(c.All))
		for i, h := range c.All {
			var err error
			if parts[i], err = b.Condition(h); err != nil {
				return "", err
			}
		}
		if !c.OrAbsent {
			return expr.And(parts...), nil
		}
		return notExists(b, m) + " OR (" + expr.And(parts...) + ")", nil
	}
	return "", fmt.Errorf("%w: unknown condition kind %d", errs.ErrValidation, c.Kind)
}

// attrOf maps a field name used in a raw expression to its attribute name;
// names that are no field are taken as attribute names.
func attrOf(m *model.Model) func(string) string {
	return func(name string) string {
		if f, ok := m.Field(name); ok {
			return f.Attr
		}
		return name
	}
}

// notExists is the condition that the item does not exist.
func notExists(b *expr.Builder, m *model.Model) string {
	return "attribute_not_exists(" + b.Name(m.PK.Attr) + ")"
}

// versionNumber is a version number as an attribute value.
func versionNumber(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
