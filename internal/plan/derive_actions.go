package plan

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// renderDerived adds to an UpdateBuilder's update the derived index keys
// its actions change: a key with a component that an action sets is SET to
// the key composed from the values set (and the primary-key components,
// from a.Components); a key with a component that an action removes is
// REMOVEd (the item leaves that index). A component changed any other way
// (ADD, if_not_exists, a document path below it), or a key some of whose
// components the update does not give, is ErrIncompleteKey; a primary-key
// component is refused. An upsert also sets the entity type.
func renderDerived(t *Target, a Actions, b *expr.Builder, up *expr.Update, op string) error {
	m := t.Model
	if m.Entity == nil {
		return nil
	}
	set := map[*model.Field]types.AttributeValue{}
	removed := map[*model.Field]bool{}
	for _, act := range a.List {
		if act.Field == nil || len(m.DerivedFrom(act.Field)) == 0 {
			continue
		}
		switch {
		case act.Kind == ActSet && len(act.Path) == 1:
			set[act.Field] = act.Value
		case act.Kind == ActRemove && len(act.Path) == 1:
			removed[act.Field] = true
		default:
			return fmt.Errorf("%w: %w: %s %s: %s is a component of %s, which can only be recomputed from a value set with Set (not an arithmetic, if_not_exists or nested update)",
				errs.ErrIncompleteKey, errs.ErrValidation, op, m.Name(), act.Field.GoName, derivedNames(m.DerivedFrom(act.Field)))
		}
	}
	for _, k := range m.Entity.Keys {
		if err := renderDerivedKey(t, a, b, up, op, k, set, removed); err != nil {
			return err
		}
	}
	return nil
}

func renderDerivedKey(t *Target, a Actions, b *expr.Builder, up *expr.Update, op string, k *model.Field, set map[*model.Field]types.AttributeValue, removed map[*model.Field]bool) error {
	m := t.Model
	touched, gone := false, false
	var missing []string
	for _, c := range k.Template.Components() {
		_, isSet := set[c]
		_, isKey := a.Components[c]
		switch {
		case isSet:
			touched = true
		case removed[c]:
			touched, gone = true, true
		case !isKey:
			missing = append(missing, c.GoName)
		}
	}
	switch {
	case !touched:
		return nil
	case k.PK || k.SK:
		return primaryComponentError(m, op, k)
	case gone:
		up.Remove(b.Name(k.Attr))
		return nil
	case len(missing) > 0:
		return fmt.Errorf("%w: %w: %s %s: the update sets a component of %s (%s) but not %s; Set %s too so the key can be recomputed",
			errs.ErrIncompleteKey, errs.ErrValidation, op, m.Name(), k.Attr, k.Template, strings.Join(missing, ", "), strings.Join(missing, ", "))
	}
	av, absent, err := Compose(k, t.Tenant, func(c *model.Field) (types.AttributeValue, error) {
		if v, ok := set[c]; ok {
			return v, nil
		}
		return a.Components[c], nil
	})
	if err != nil {
		return err
	}
	if absent != nil {
		up.Remove(b.Name(k.Attr))
		return nil
	}
	up.Set(b.Name(k.Attr), b.Value(av))
	return nil
}

func derivedNames(ks []*model.Field) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Attr + " (" + k.Template.String() + ")"
	}
	return strings.Join(names, ", ")
}

// renderKeyOnlyDerived sets, on an upsert, the derived index keys composed
// of primary-key components only (the iteration key, an index keyed by an
// ID): no action changes them, and an item the upsert creates needs them
// as a put would give them.
func renderKeyOnlyDerived(m *model.Model, tenantID string, a Actions, b *expr.Builder, up *expr.Update) error {
	for _, k := range m.Entity.Keys {
		if k.PK || k.SK || !keyOnly(k, a.Components) {
			continue
		}
		av, missing, err := Compose(k, tenantID, func(c *model.Field) (types.AttributeValue, error) { return a.Components[c], nil })
		if err != nil {
			return err
		}
		if missing == nil {
			up.Set(b.Name(k.Attr), b.Value(av))
		}
	}
	return nil
}

// keyOnly reports whether every component of k is among comps.
func keyOnly(k *model.Field, comps map[*model.Field]types.AttributeValue) bool {
	for _, c := range k.Template.Components() {
		if _, ok := comps[c]; !ok {
			return false
		}
	}
	return true
}
