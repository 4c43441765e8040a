package plan

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// Sealing is what encrypts and decrypts a model's encrypted fields: the
// DB's keys (nil when it has no KMS configuration), the context of the
// call (for KMS) and the tenant the values are bound to ("" for none).
type Sealing struct {
	Keys   *envelope.Keys
	Ctx    context.Context
	Tenant string
}

// aadVersion starts the additional authenticated data of every envelope.
const aadVersion = "dynamorm-aad/1\x00"

// AAD is the additional authenticated data of attribute a of the item of m
// with primary key key in table, for tenant scope (see tenantOf): it binds
// an envelope to the table, the entity, the tenant, the item and the
// attribute, so a value copied to
// any other place fails to decrypt. Numbers of the key are normalised (as
// DynamoDB stores them).
func AAD(table string, m *model.Model, scope, a string, key map[string]types.AttributeValue) ([]byte, error) {
	owner, err := tenantOf(m, scope, key)
	if err != nil {
		return nil, err
	}
	entity := ""
	if m.Entity != nil {
		entity = m.Entity.Name
	}
	out := make([]byte, 0, 64+len(table)+len(a))
	out = append(out, aadVersion...)
	for _, part := range [...]string{table, entity, owner, a} {
		out = appendString(out, part)
	}
	for _, k := range KeyAttrs(m) {
		out = appendString(out, k)
		switch v := key[k].(type) {
		case *types.AttributeValueMemberS:
			out = appendString(append(out, 'S'), v.Value)
		case *types.AttributeValueMemberN:
			out = appendString(append(out, 'N'), normNumber(v.Value))
		case *types.AttributeValueMemberB:
			out = appendString(append(out, 'B'), string(v.Value))
		default:
			return nil, fmt.Errorf("%w: %s: the item's key attribute %s is missing, and an encrypted value is bound to the item's key", errs.ErrEncryption, m.Name(), k)
		}
	}
	return out, nil
}

// tenantOf is the tenant an item of m with key belongs to: none for a
// model without tenancy; otherwise the tenant its partition key names
// (when the key carries a tenant segment), which must be the scope's
// (ErrCrossTenant otherwise), else the scope's tenant.
func tenantOf(m *model.Model, scope string, key map[string]types.AttributeValue) (string, error) {
	if !m.Tenant {
		return "", nil
	}
	pk, _ := key[m.PK.Attr].(*types.AttributeValueMemberS)
	if pk == nil {
		return scope, nil
	}
	owner, ok := tenant.Owner(pk.Value)
	switch {
	case !ok:
		return scope, nil
	case scope != "" && owner != scope:
		return "", fmt.Errorf("%w: %s: the item belongs to tenant %q, the scope is tenant %q", errs.ErrCrossTenant, m.Name(), owner, scope)
	}
	return owner, nil
}

func appendString(dst []byte, s string) []byte {
	n := len(s)
	dst = append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(dst, s...)
}

// needKeys refuses to seal or open without keys.
func needKeys(s *Sealing, m *model.Model) error {
	if s != nil && s.Keys != nil {
		return nil
	}
	names := make([]string, len(m.Encrypted))
	for i, f := range m.Encrypted {
		names[i] = f.GoName
	}
	return fmt.Errorf("%w: %s has encrypted fields (%s) and the DB has no KMS key: set session.Config.KMSKeyARN and KMSClient", errs.ErrEncryption, m.Name(), strings.Join(names, ", "))
}

// sealValue encrypts av as attribute a of the item with key.
func (s *Sealing) sealValue(table string, m *model.Model, a string, key map[string]types.AttributeValue, av types.AttributeValue) (types.AttributeValue, error) {
	aad, err := AAD(table, m, s.Tenant, a, key)
	if err != nil {
		return nil, err
	}
	plain, err := envelope.AppendValue(nil, av)
	if err != nil {
		return nil, fmt.Errorf("%w: %s.%s: %w", errs.ErrEncryption, m.Name(), a, err)
	}
	b, err := s.Keys.Seal(s.context(), aad, plain)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", m.Name(), a, err)
	}
	return &types.AttributeValueMemberB{Value: b}, nil
}

func (s *Sealing) context() context.Context {
	if s.Ctx == nil {
		return context.Background()
	}
	return s.Ctx
}

// sealWrite encrypts the values of encrypted fields w writes: the item of a
// put (w.Item is replaced by a sealed copy; the plaintext stays what the
// tracked value remembers), the SET values of an update. It refuses
// conditions on encrypted attributes and update actions DynamoDB would
// apply to the envelope (ADD, DELETE, arithmetic, list_append, paths
// inside it). It is the one place values are encrypted. checkConds is
// false for ReEncrypt only, whose conditions compare the stored envelopes.
func sealWrite(t *Target, w *Write, checkConds bool) error {
	if checkConds {
		if err := checkOperands(t.Model, w.Op, w.Cond, w.Names); err != nil {
			return err
		}
	}
	switch w.Kind {
	case WritePut:
		return sealItem(t, w)
	case WriteUpdate:
		return sealUpdate(t, w)
	}
	return nil
}

func sealItem(t *Target, w *Write) error {
	var sealed map[string]types.AttributeValue
	for _, f := range t.Model.Encrypted {
		av, ok := w.Item[f.Attr]
		if !ok {
			continue
		}
		if err := needKeys(t.Seal, t.Model); err != nil {
			return err
		}
		if sealed == nil {
			sealed = maps.Clone(w.Item)
		}
		enc, err := t.Seal.sealValue(w.Table, t.Model, f.Attr, w.Item, av)
		if err != nil {
			return err
		}
		sealed[f.Attr] = enc
	}
	if sealed != nil {
		w.Item = sealed
	}
	return nil
}

// sealUpdate encrypts the value of every SET of an encrypted attribute.
func sealUpdate(t *Target, w *Write) error {
	m := t.Model
	for _, a := range updateActionsOf(w.Update) {
		name, rest := splitName(a.path)
		f, ok := m.FieldByAttr(w.Names[name])
		if !ok || !f.Encrypted {
			continue
		}
		if a.clause != "SET" && a.clause != "REMOVE" {
			return fmt.Errorf("%w: %s %s: %s is encrypted, and DynamoDB cannot %s its stored envelope; set the whole value instead", errs.ErrValidation, w.Op, m.Name(), f.GoName, a.clause)
		}
		if rest != "" {
			return fmt.Errorf("%w: %s %s: %s is encrypted, and a path inside it (%s) cannot be updated in place; set the whole value instead", errs.ErrValidation, w.Op, m.Name(), f.GoName, a.path)
		}
		if a.clause == "REMOVE" {
			continue
		}
		ph := a.value
		if inner, ok := strings.CutPrefix(a.value, "if_not_exists("+name+", "); ok {
			ph = strings.TrimSuffix(inner, ")")
		}
		av, ok := w.Values[ph]
		if !ok {
			return fmt.Errorf("%w: %s %s: %s is encrypted, and its new value must be given whole (no arithmetic or list_append on the stored envelope): %s", errs.ErrValidation, w.Op, m.Name(), f.GoName, a.value)
		}
		if err := needKeys(t.Seal, m); err != nil {
			return err
		}
		enc, err := t.Seal.sealValue(w.Table, m, f.Attr, w.Key, av)
		if err != nil {
			return err
		}
		w.Values[ph] = enc
	}
	return nil
}

// checkOperands refuses an expression (a condition or filter, with its
// name placeholders) that compares an encrypted attribute, named through
// a placeholder or bare in a raw expression: DynamoDB would compare the
// envelope. attribute_exists and attribute_not_exists are allowed.
func checkOperands(m *model.Model, op, expression string, names map[string]string) error {
	if len(m.Encrypted) == 0 || expression == "" {
		return nil
	}
	for _, f := range m.Encrypted {
		bad := comparesOperand(expression, f.Attr, true)
		for ph, a := range names {
			if a == f.Attr && !bad {
				bad = comparesOperand(expression, ph, false)
			}
		}
		if bad {
			return fmt.Errorf("%w: %s %s: %s is encrypted and cannot be a condition or filter operand (DynamoDB would compare the envelope, never the value); only attribute_exists and attribute_not_exists apply to it", errs.ErrValidation, op, m.Name(), f.GoName)
		}
	}
	return nil
}

// comparesOperand reports whether token (a placeholder, or with bare an
// attribute name written as is) occurs in expression other than as the
// argument of attribute_exists or attribute_not_exists.
func comparesOperand(expression, token string, bare bool) bool {
	for i := 0; ; {
		j := strings.Index(expression[i:], token)
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(token)
		i = end
		if end < len(expression) && isPlaceholderByte(expression[end]) {
			continue // a longer name or placeholder (#n1 in #n10)
		}
		if bare && at > 0 && (isPlaceholderByte(expression[at-1]) || expression[at-1] == '#' || expression[at-1] == ':') {
			continue
		}
		before := expression[:at]
		if (strings.HasSuffix(before, "attribute_exists(") || strings.HasSuffix(before, "attribute_not_exists(")) &&
			end < len(expression) && expression[end] == ')' {
			continue
		}
		return true
	}
}

func isPlaceholderByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// splitName splits a rendered path into its first name placeholder and
// the rest ("" for a path of one name).
func splitName(path string) (string, string) {
	i := 1
	for i < len(path) && isPlaceholderByte(path[i]) {
		i++
	}
	return path[:i], path[i:]
}

// updateAction is one action of a rendered update expression.
type updateAction struct{ clause, path, value string }

// updateActionsOf splits an update expression rendered by expr.Update into
// its actions (commas inside function calls do not split).
func updateActionsOf(u string) []updateAction {
	var out []updateAction
	clause, depth, start := "", 0, 0
	flush := func(end int) {
		part := strings.TrimSpace(u[start:end])
		if part == "" || clause == "" {
			return
		}
		a := updateAction{clause: clause}
		switch clause {
		case "SET":
			a.path, a.value, _ = strings.Cut(part, " = ")
		case "REMOVE":
			a.path = part
		default:
			a.path, a.value, _ = strings.Cut(part, " ")
		}
		out = append(out, a)
	}
	for i := 0; i < len(u); i++ {
		switch c := u[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			flush(i)
			start = i + 1
		case depth == 0 && (i == 0 || u[i-1] == ' '):
			for _, kw := range [...]string{"SET ", "REMOVE ", "ADD ", "DELETE "} {
				if strings.HasPrefix(u[i:], kw) {
					flush(i)
					clause = strings.TrimSpace(kw)
					i += len(kw) - 1
					start = i + 1
					break
				}
			}
		}
	}
	flush(len(u))
	return out
}

// Open returns item with the envelopes of m's encrypted fields decrypted
// (a copy; item itself is not modified). The item must hold its key
// attributes, which the values are bound to; table is the table it was
// read from. Items of models without encrypted fields are returned as
// they are.
func (s *Sealing) Open(table string, m *model.Model, item map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	var out map[string]types.AttributeValue
	for _, f := range m.Encrypted {
		av, ok := item[f.Attr]
		if !ok {
			continue
		}
		if err := needKeys(s, m); err != nil {
			return nil, err
		}
		b, ok := av.(*types.AttributeValueMemberB)
		if !ok {
			return nil, fmt.Errorf("%w: %s.%s holds a plaintext value (%T), not an envelope; encrypted fields are only read from envelopes (re-write the item through dynamorm)", errs.ErrEncryption, m.Name(), f.GoName, av)
		}
		aad, err := AAD(table, m, s.Tenant, f.Attr, item)
		if err != nil {
			return nil, err
		}
		plain, err := s.Keys.Open(s.context(), aad, b.Value)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", m.Name(), f.GoName, err)
		}
		v, err := envelope.ParseValue(plain)
		if err != nil {
			return nil, fmt.Errorf("%w: %s.%s: %w", errs.ErrEncryption, m.Name(), f.GoName, err)
		}
		if out == nil {
			out = maps.Clone(item)
		}
		out[f.Attr] = v
	}
	if out == nil {
		return item, nil
	}
	return out, nil
}
