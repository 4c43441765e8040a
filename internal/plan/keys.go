package plan

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// KeyAttrs are the attribute names of m's primary key.
func KeyAttrs(m *model.Model) []string {
	if m.SK != nil {
		return []string{m.PK.Attr, m.SK.Attr}
	}
	return []string{m.PK.Attr}
}

// KeyOf returns the attributes of item named by attrs.
func KeyOf(item map[string]types.AttributeValue, attrs []string) map[string]types.AttributeValue {
	key := make(map[string]types.AttributeValue, len(attrs))
	for _, a := range attrs {
		if v, ok := item[a]; ok {
			key[a] = v
		}
	}
	return key
}

// Key encodes the primary key of t's item, rejecting empty key values.
func Key(t *Target, op string) (map[string]types.AttributeValue, error) {
	if t.Model.Tenant {
		if err := t.CheckTenant(); err != nil {
			return nil, err
		}
	}
	key := make(map[string]types.AttributeValue, 2)
	for _, f := range []*model.Field{t.Model.PK, t.Model.SK} {
		if f == nil {
			continue
		}
		av, err := t.primaryKeyValue(f, op)
		if err != nil {
			return nil, errs.At(op+" "+t.Model.Name(), "key "+f.GoName, err)
		}
		if err := CheckKeyValue(t.Model, f, av, op); err != nil {
			return nil, err
		}
		key[f.Attr] = av
	}
	return key, nil
}

// CheckKeyValue refuses an empty (or absent) value for key field f, or one
// over DynamoDB's key size limit.
func CheckKeyValue(m *model.Model, f *model.Field, av types.AttributeValue, op string) error {
	role := "partition key"
	if f.SK {
		role = "sort key"
	}
	empty := av == nil
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		empty = v.Value == ""
	case *types.AttributeValueMemberB:
		empty = len(v.Value) == 0
	case *types.AttributeValueMemberNULL:
		empty = true
	}
	if empty {
		return fmt.Errorf("%w: %s %s: %s %s is empty; set it before the call", errs.ErrValidation, op, m.Name(), role, f.GoName)
	}
	return marshal.CheckKeySize(op, m.Name(), f, av)
}

// ItemID identifies an item of m in table by its key attributes: the one
// identity used for duplicate checks and for matching responses to requests.
func ItemID(table string, m *model.Model, key map[string]types.AttributeValue) string {
	return table + "\x00" + KeyID(m, key)
}

// KeyID identifies an item of m by its key attributes: equal keys give
// equal ids whatever their spelling (numbers are normalised), so that
// responses match requests and duplicates are found.
func KeyID(m *model.Model, item map[string]types.AttributeValue) string {
	var sb strings.Builder
	for i, attr := range KeyAttrs(m) {
		if i > 0 {
			sb.WriteByte(0)
		}
		switch v := item[attr].(type) {
		case *types.AttributeValueMemberS:
			sb.WriteString("S")
			sb.WriteString(v.Value)
		case *types.AttributeValueMemberN:
			sb.WriteString("N")
			sb.WriteString(normNumber(v.Value))
		case *types.AttributeValueMemberB:
			sb.WriteString("B")
			sb.Write(v.Value)
		default:
			sb.WriteString("?")
		}
	}
	return sb.String()
}

// normNumber gives a canonical spelling of a DynamoDB number, so that 1,
// 1.0 and 10e-1 are the same key.
func normNumber(s string) string {
	digits := strings.TrimPrefix(s, "-")
	if s == "0" || digits != "" && digits[0] != '0' && strings.Trim(digits, "0123456789") == "" {
		return s
	}
	if r, ok := new(big.Rat).SetString(s); ok {
		return r.RatString()
	}
	return s
}

// DescribeKey formats key for error messages: Model{pk=..., sk=...}.
func DescribeKey(m *model.Model, key map[string]types.AttributeValue) string {
	var sb strings.Builder
	sb.WriteString(m.Name())
	sb.WriteByte('{')
	for i, a := range KeyAttrs(m) {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(a)
		sb.WriteByte('=')
		sb.WriteString(attr.Format(key[a]))
	}
	sb.WriteByte('}')
	return sb.String()
}
