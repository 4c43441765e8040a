package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/keyenc"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// Compose composes derived key k from the encoded values of its
// components, which value gives. A component without a value (absent,
// NULL, or an empty string or binary) makes the key absent: it returns a
// nil value and that component. The partition key of a tenant-scoped model
// begins with the prefix of tenantID (package tenant); without one it is
// ErrTenantRequired. tenantID is ignored for other keys.
//
// The bucket segment of an iteration key is the bucket of the primary key
// composed from the same values (see Bucket).
func Compose(k *model.Field, tenantID string, value func(*model.Field) (types.AttributeValue, error)) (types.AttributeValue, *model.Field, error) {
	return compose(k, tenantID, value, -1)
}

// BucketKey is the iteration key of bucket n of iteration it (of tenant
// tenantID, for a tenant-scoped entity): the key the iterator queries.
func BucketKey(it *model.Iteration, tenantID string, n int) (types.AttributeValue, error) {
	av, _, err := compose(it.Key, tenantID, nil, n) // no field segments: no missing component
	return av, err
}

// compose is Compose, with the bucket segment's value given when bucket is
// not negative.
func compose(k *model.Field, tenantID string, value func(*model.Field) (types.AttributeValue, error), bucket int) (types.AttributeValue, *model.Field, error) {
	var stack [96]byte
	buf := stack[:0]
	if k.Template.Tenant {
		if tenantID == "" {
			return nil, nil, fmt.Errorf("%w: the key %s (%s) of a tenant-scoped entity begins with the tenant, and none is given", errs.ErrTenantRequired, k.Attr, k.Template)
		}
		buf = tenant.AppendPrefix(buf, tenantID)
	}
	for i, s := range k.Template.Segments {
		if i > 0 {
			buf = append(buf, keyenc.Separator)
		}
		if s.Bucket != nil {
			n := bucket
			if n < 0 {
				var missing *model.Field
				var err error
				if n, missing, err = Bucket(s.Bucket, tenantID, value); err != nil || missing != nil {
					return nil, missing, err
				}
			}
			buf = strconv.AppendInt(buf, int64(n), 10)
			continue
		}
		if s.Field == nil {
			buf = append(buf, s.Literal...)
			continue
		}
		v, err := value(s.Field)
		if err != nil {
			return nil, nil, err
		}
		if emptyComponent(v) {
			return nil, s.Field, nil
		}
		if buf, err = keyenc.Append(buf, v); err != nil {
			return nil, nil, fmt.Errorf("%w: key %s, component %s: %v", errs.ErrValidation, k.Attr, s.Field.GoName, err)
		}
	}
	return &types.AttributeValueMemberS{Value: string(buf)}, nil, nil
}

// Bucket is the iteration bucket of the item whose key components value
// gives: the FNV-1a hash of its composed primary key (tenant tenantID's,
// for a tenant-scoped entity), modulo the bucket count. It depends only on
// the key, so an item never changes bucket.
func Bucket(it *model.Iteration, tenantID string, value func(*model.Field) (types.AttributeValue, error)) (int, *model.Field, error) {
	const offset, prime = 2166136261, 16777619 // FNV-1a, 32 bits
	h := uint32(offset)
	for _, k := range it.Primary {
		av, missing, err := compose(k, tenantID, value, -1)
		if err != nil || missing != nil {
			return 0, missing, err
		}
		for _, c := range []byte(av.(*types.AttributeValueMemberS).Value) {
			h = (h ^ uint32(c)) * prime
		}
		h *= prime // a 0 byte between the keys
	}
	return int(h % uint32(it.Buckets)), nil, nil
}

func emptyComponent(av types.AttributeValue) bool {
	switch v := av.(type) {
	case nil, *types.AttributeValueMemberNULL:
		return true
	case *types.AttributeValueMemberS:
		return v.Value == ""
	case *types.AttributeValueMemberB:
		return len(v.Value) == 0
	}
	return false
}

// fieldValue encodes field f of t's item; for a derived key, the key
// composed from the item's fields (nil when a component has no value).
func (t *Target) fieldValue(f *model.Field) (types.AttributeValue, error) {
	if f.Template == nil {
		return t.Codec.EncodeAttr(t.Item, f.Attr)
	}
	av, _, err := Compose(f, t.Tenant, func(c *model.Field) (types.AttributeValue, error) {
		return t.Codec.EncodeAttr(t.Item, c.Attr)
	})
	return av, err
}

// primaryKeyValue is fieldValue for a key of the table: a derived one
// must have every component.
func (t *Target) primaryKeyValue(f *model.Field, op string) (types.AttributeValue, error) {
	if f.Template == nil {
		return t.Codec.EncodeAttr(t.Item, f.Attr)
	}
	av, missing, err := Compose(f, t.Tenant, func(c *model.Field) (types.AttributeValue, error) {
		return t.Codec.EncodeAttr(t.Item, c.Attr)
	})
	if err == nil && missing != nil {
		err = fmt.Errorf("%w: %s %s: %s is empty, and the key %s (%s) is composed of it; set it before the call", errs.ErrValidation, op, t.Model.Name(), missing.GoName, f.Attr, f.Template)
	}
	return av, err
}

// deriveItem adds an entity's derived keys and entity type (and, for a
// tenant-scoped model, its tenant, tenantID) to item, the encoding of its
// Go value: every key from the item's own attributes. An index key with a
// component that has no value is left out (the item is not in that index,
// as for a sparse index of a plain model).
func deriveItem(m *model.Model, tenantID string, item map[string]types.AttributeValue, op string) error {
	e := m.Entity
	if e == nil {
		return nil
	}
	fromItem := func(c *model.Field) (types.AttributeValue, error) { return item[c.Attr], nil }
	for _, k := range e.Keys {
		av, missing, err := Compose(k, tenantID, fromItem)
		if err != nil {
			return err
		}
		if missing != nil {
			if k.PK || k.SK {
				return fmt.Errorf("%w: %s %s: %s is empty, and the key %s (%s) is composed of it; set it before the call", errs.ErrValidation, op, m.Name(), missing.GoName, k.Attr, k.Template)
			}
			continue
		}
		item[k.Attr] = av
	}
	item[e.TypeAttr] = entityValue(m)
	if m.Tenant {
		item[tenant.Attr] = &types.AttributeValueMemberS{Value: tenantID}
	}
	return nil
}

func entityValue(m *model.Model) types.AttributeValue {
	return &types.AttributeValueMemberS{Value: m.Entity.Name}
}

// derivedUpdates returns the derived index keys an update of fields must
// rewrite: those with a component among fields. Each of their components
// must be among fields or be a primary-key component (which the item's key
// fixes); otherwise the key cannot be recomputed: ErrIncompleteKey, naming
// the missing fields. A primary-key component among fields is refused:
// the item would move to another key.
func derivedUpdates(m *model.Model, op string, fields []*model.Field) ([]*model.Field, error) {
	if m.Entity == nil {
		return nil, nil
	}
	var out []*model.Field
	for _, k := range m.Entity.Keys {
		touched, missing := false, []string(nil)
		for _, c := range k.Template.Components() {
			switch {
			case containsField(fields, c):
				touched = true
			case !m.InPrimaryKey(c):
				missing = append(missing, c.GoName)
			}
		}
		if !touched {
			continue
		}
		if k.PK || k.SK {
			return nil, primaryComponentError(m, op, k)
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("%w: %w: %s %s: the update changes a component of %s (%s) but not %s; include %s in the update so the key can be recomputed",
				errs.ErrIncompleteKey, errs.ErrValidation, op, m.Name(), k.Attr, k.Template, strings.Join(missing, ", "), strings.Join(missing, ", "))
		}
		out = append(out, k)
	}
	return out, nil
}

func primaryComponentError(m *model.Model, op string, k *model.Field) error {
	return fmt.Errorf("%w: %s %s: the update changes a component of the primary key %s (%s), which would move the item to another key; use dynamorm.MoveItem (a delete and a create in one transaction)",
		errs.ErrValidation, op, m.Name(), k.Attr, k.Template)
}

func containsField(fs []*model.Field, f *model.Field) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// isEntity is the condition that the stored item is of t's entity, ""
// for a model that owns its table.
func isEntity(b *expr.Builder, m *model.Model) string {
	if m.Entity == nil {
		return ""
	}
	return b.Name(m.Entity.TypeAttr) + " = " + b.Value(entityValue(m))
}

// absentOrEntity is the condition that no item is stored under the key or
// that it is of t's entity: what overwriting and deleting an entity need,
// so that no write of one entity replaces an item of another.
func absentOrEntity(b *expr.Builder, m *model.Model) string {
	if m.Entity == nil {
		return ""
	}
	return notExists(b, m) + " OR " + isEntity(b, m)
}

// EntityKey is the primary key of an entity (of tenant tenantID, for a
// tenant-scoped one) and the values of its components, from the
// components' values given by value (the model value, or the Where
// equalities naming the item). A component without a value is an error
// naming it.
func EntityKey(m *model.Model, tenantID, op string, value func(*model.Field) (types.AttributeValue, bool, error)) (map[string]types.AttributeValue, map[*model.Field]types.AttributeValue, error) {
	comps := make(map[*model.Field]types.AttributeValue, 2)
	for _, c := range m.KeyFields() {
		v, ok, err := value(c)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			comps[c] = v
		}
	}
	key := make(map[string]types.AttributeValue, 2)
	for _, k := range []*model.Field{m.PK, m.SK} {
		if k == nil {
			continue
		}
		av, missing, err := Compose(k, tenantID, func(c *model.Field) (types.AttributeValue, error) { return comps[c], nil })
		if err != nil {
			return nil, nil, err
		}
		if missing != nil {
			return nil, nil, fmt.Errorf("%w: %s %s: no value for %s, of which the key %s (%s) is composed; give it on the model value or with Where(%q, \"=\", v)", errs.ErrValidation, op, m.Name(), missing.GoName, k.Attr, k.Template, missing.GoName)
		}
		if err := CheckKeyValue(m, k, av, op); err != nil {
			return nil, nil, err
		}
		key[k.Attr] = av
	}
	return key, comps, nil
}

// ItemKey is EntityKey from t's Go value.
func ItemKey(t *Target, op string) (map[string]types.AttributeValue, map[*model.Field]types.AttributeValue, error) {
	return EntityKey(t.Model, t.Tenant, op, func(c *model.Field) (types.AttributeValue, bool, error) {
		av, err := t.Codec.EncodeAttr(t.Item, c.Attr)
		return av, av != nil, err
	})
}

// Stored is item (the codec's encoding of a value of m) as dynamorm
// stores it: for an entity, with its derived keys and entity type (and the
// tenant tenantID of a tenant-scoped one) added.
func Stored(m *model.Model, tenantID string, item map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	if err := deriveItem(m, tenantID, item, "MarshalItem"); err != nil {
		return nil, err
	}
	return item, nil
}
