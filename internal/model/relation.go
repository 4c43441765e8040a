package model

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// RelKind is the kind of a relationship declared with rel:KIND.
type RelKind int

// The relationship kinds.
const (
	BelongsTo  RelKind = iota + 1 // rel:belongs_to: the owner's fk fields hold the target's key
	HasOne                        // rel:has_one: the target's fk fields hold the owner's key; at most one target
	HasMany                       // rel:has_many: the target's fk fields hold the owner's key
	ManyToMany                    // rel:many_to_many: through a has_many of mapping items whose fk fields hold the target's key
)

var relKinds = map[string]RelKind{"belongs_to": BelongsTo, "has_one": HasOne, "has_many": HasMany, "many_to_many": ManyToMany}

func (k RelKind) String() string {
	for name, v := range relKinds {
		if v == k {
			return name
		}
	}
	return fmt.Sprintf("RelKind(%d)", int(k))
}

// Relation is a relationship declared on a struct field tagged
// `dynamorm:"rel:KIND,..."`. The field is not stored: the codec skips it and
// loading fills it (dynamorm's Preload).
type Relation struct {
	Name   string       // the Go field name
	Kind   RelKind      // what the fk fields hold
	Index  []int        // the field's index in the owner struct
	Target reflect.Type // the related struct type
	Ptr    bool         // a slice relation holds pointers ([]*T)
	// FK are the Go names of the fields holding a key, in the order of the
	// key fields they match (see Kind): the owner's for BelongsTo, the
	// target's for HasOne and HasMany, the mapping model's for ManyToMany.
	FK []string
	// IndexName is the index a HasOne or HasMany query reads (index:NAME);
	// empty: the read planner chooses, as for any Where.
	IndexName string
	// Through names the owner's HasMany relation to the mapping model of a
	// ManyToMany relation.
	Through string

	// Resolved by Model.Relations: the fk fields, the target's model, and
	// for ManyToMany the through relation.
	FKFields []*Field
	Model    *Model
	Via      *Relation
}

// relations are a model's declared relationships and, once resolved, the
// result of checking them against the related models.
type relations struct {
	list []*Relation
	once sync.Once
	err  error
}

// parseRelation parses the tag of a relationship field sf of owner.
func parseRelation(owner reflect.Type, sf reflect.StructField, raw string) (*Relation, error) {
	where := owner.Name() + "." + sf.Name
	r := &Relation{Name: sf.Name, Index: sf.Index}
	for _, opt := range strings.Split(raw, ",") {
		name, arg, _ := strings.Cut(strings.TrimSpace(opt), ":")
		switch name {
		case "rel":
			r.Kind = relKinds[arg]
			if r.Kind == 0 {
				return nil, fmt.Errorf("%s: unknown relationship %q; use rel:belongs_to, rel:has_one, rel:has_many or rel:many_to_many", where, arg)
			}
		case "fk":
			if arg == "" {
				return nil, fmt.Errorf("%s: fk needs field names, as in fk:UserID (several joined with +: fk:OrgID+UserID)", where)
			}
			r.FK = strings.Split(arg, "+")
		case "index":
			r.IndexName = arg
		case "through":
			r.Through = arg
		default:
			return nil, fmt.Errorf("%s: unknown relationship option %q (known: rel:KIND, fk:FIELD[+FIELD], index:NAME, through:FIELD)", where, opt)
		}
	}
	if !sf.IsExported() {
		return nil, fmt.Errorf("%s: a relationship field must be exported so that loading can fill it", where)
	}
	if err := r.checkShape(where, sf.Type); err != nil {
		return nil, err
	}
	return r, nil
}

// checkShape checks the options a kind needs and the field's type: *T for
// a single target, []T or []*T for several.
func (r *Relation) checkShape(where string, t reflect.Type) error {
	switch {
	case len(r.FK) == 0:
		return fmt.Errorf("%s: %s needs fk:FIELD naming the fields that hold the key", where, r.Kind)
	case r.Kind == ManyToMany && r.Through == "":
		return fmt.Errorf("%s: many_to_many needs through:FIELD naming the has_many field of the mapping model", where)
	case r.Kind != ManyToMany && r.Through != "":
		return fmt.Errorf("%s: through applies to many_to_many only", where)
	case r.IndexName != "" && r.Kind != HasOne && r.Kind != HasMany:
		return fmt.Errorf("%s: index applies to has_one and has_many (a %s target is read by its key)", where, r.Kind)
	}
	single := r.Kind == BelongsTo || r.Kind == HasOne
	if single {
		if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%s: a %s field must be a pointer to a struct (*T, nil when there is none), not %s", where, r.Kind, t)
		}
		r.Target = t.Elem()
		return nil
	}
	if t.Kind() != reflect.Slice {
		return fmt.Errorf("%s: a %s field must be a slice ([]T or []*T), not %s", where, r.Kind, t)
	}
	e := t.Elem()
	if e.Kind() == reflect.Pointer {
		e, r.Ptr = e.Elem(), true
	}
	if e.Kind() != reflect.Struct {
		return fmt.Errorf("%s: a %s field must be a slice of structs ([]T or []*T), not %s", where, r.Kind, t)
	}
	r.Target = e
	return nil
}

// findRelations collects the relationship fields declared directly on t.
func findRelations(t reflect.Type) ([]*Relation, error) {
	var out []*Relation
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		raw := sf.Tag.Get(TagKey)
		if !isRelationTag(raw) {
			continue
		}
		r, err := parseRelation(t, sf, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// isRelationTag reports whether a field's tag declares a relationship.
func isRelationTag(raw string) bool { return strings.HasPrefix(strings.TrimSpace(raw), "rel:") }

// Relation returns the relationship declared on the field named name.
func (m *Model) Relation(name string) (*Relation, bool) {
	for _, r := range m.rels.list {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}

// Relations returns the model's relationships, resolved against the related
// models the first time (they may refer back to m, so this cannot happen
// while m is built). Errors wrap errs.ErrInvalidModel and name the struct,
// the field and the fix.
func (m *Model) Relations() ([]*Relation, error) {
	m.rels.once.Do(func() {
		for _, r := range m.rels.list {
			if err := m.resolve(r); err != nil {
				m.rels.err = fmt.Errorf("%w: %s.%s: %v", errs.ErrInvalidModel, m.Name(), r.Name, err)
				return
			}
		}
	})
	return m.rels.list, m.rels.err
}
