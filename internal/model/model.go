// Package model holds the metadata of dynamorm models: which struct fields
// are stored under which attribute names, the table and index keys, and the
// lifecycle fields. Metadata is parsed once per type and cached.
package model

import (
	"fmt"
	"reflect"
	"sort"
	"sync"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// Model is the metadata of one model type.
type Model struct {
	Type   reflect.Type // the struct type
	Fields []*Field     // stored fields in declaration order

	PK, SK  *Field   // table keys (SK may be nil)
	Indexes []*Index // secondary indexes, sorted by name

	Version, TTL, CreatedAt, UpdatedAt *Field // lifecycle fields, each may be nil
	ULIDs                              []*Field

	// Entity is the single-table metadata of a model that embeds Marker;
	// nil for a model that owns its table. For an entity, PK, SK and the
	// indexes' keys are the derived key attributes (Field.Template is set).
	Entity *Entity
	// Track is the index path of the embedded marker (Marker or Tracking)
	// that holds what a read of the value returned; nil for a model
	// without one, whose values are not tracked.
	Track []int

	// Tenant: the model is tenant-scoped (the tenant option of its
	// Entity tag). Every operation on it needs a tenant scope; the tenant
	// is the first segment of every partition key it writes or reads
	// (table, indexes, unique guards) and is stored in tenant.Attr.
	Tenant bool

	// Uniques are the model's unique constraints, in the order of their
	// first field (see unique.go).
	Uniques []*Unique
	// Encrypted are the fields tagged encrypted, in declaration order.
	Encrypted []*Field

	rels *relations // relationship fields (relation.go)

	defaultTable string
	keyFields    []*Field // KeyFields
	updatable    []*Field // Updatable
	tabler       bool
	byGoName     map[string]*Field
	byAttr       map[string]*Field
	byIndex      map[string]*Index
}

// Index describes a secondary index declared by a model's tags.
type Index struct {
	Name   string
	Local  bool   // an LSI: PK is the table's partition key
	PK, SK *Field // SK may be nil for a GSI
}

// Tabler is implemented by models that name their own table.
type Tabler interface {
	TableName() string
}

var (
	tablerType = reflect.TypeOf((*Tabler)(nil)).Elem()
	modelCache sync.Map // reflect.Type -> modelResult
)

type modelResult struct {
	model *Model
	err   error
	gen   uint64 // converted types' generation it was built under
}

// Of returns the metadata of the model whose struct type is t (pointers are
// dereferenced). It is parsed once per type; errors wrap errs.ErrInvalidModel
// and name the struct, the field and the fix.
func Of(t reflect.Type) (*Model, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: a model must be a struct or a pointer to one, got %v", errs.ErrInvalidModel, t)
	}
	// Concurrent first users get the same *Model: the first result stored
	// wins. A result built before a converter was registered is rebuilt.
	gen := generation()
	for {
		cached, ok := modelCache.Load(t)
		if ok {
			if r := cached.(modelResult); r.gen == gen {
				return r.model, r.err
			}
		}
		r := modelResult{gen: gen}
		r.model, r.err = build(t)
		if r.err != nil {
			r.err = fmt.Errorf("%w: %v", errs.ErrInvalidModel, r.err)
		}
		if !ok {
			if _, loaded := modelCache.LoadOrStore(t, r); !loaded {
				return r.model, r.err
			}
		} else if modelCache.CompareAndSwap(t, cached, r) {
			return r.model, r.err
		}
	}
}

// OfValue returns the metadata of the model v, which may be a struct, a
// pointer to one, or a pointer to a slice of either.
func OfValue(v any) (*Model, error) {
	if v == nil {
		return nil, fmt.Errorf("%w: model is nil", errs.ErrInvalidModel)
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return Of(t)
}

func build(t reflect.Type) (*Model, error) {
	fields, err := Fields(t)
	if err != nil {
		return nil, err
	}
	m := &Model{
		Type:         t,
		Fields:       fields,
		defaultTable: DefaultTableName(t.Name()),
		tabler:       t.Implements(tablerType) || reflect.PointerTo(t).Implements(tablerType),
		byGoName:     make(map[string]*Field, len(fields)),
		byAttr:       make(map[string]*Field, len(fields)),
		byIndex:      map[string]*Index{},
	}
	name := t.Name()
	var marker markerTag
	if raw, ok := findMarker(t); ok {
		if marker, err = parseMarker(raw); err != nil {
			return nil, fmt.Errorf("%s: tag `%s:%q` of the embedded Entity: %v", name, TagKey, raw, err)
		}
		m.Entity = &Entity{Name: marker.entity, TypeAttr: marker.typeAttr}
		m.Tenant = marker.tenant
		if marker.table != "" {
			m.defaultTable = marker.table
		}
	}
	m.Track = findTracker(t)
	m.rels = &relations{}
	if m.rels.list, err = findRelations(t); err != nil {
		return nil, err
	}
	for _, f := range fields {
		if err := m.addField(f); err != nil {
			return nil, err
		}
	}
	if m.Entity != nil {
		if err := m.buildEntity(marker); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	if m.PK == nil {
		return nil, fmt.Errorf("%s has no partition key; tag one field `dynamorm:\"pk\"`", name)
	}
	m.keyFields = m.computeKeyFields()
	if marker.buckets > 0 {
		if err := m.buildIteration(marker.buckets); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	for _, idx := range m.byIndex {
		if idx.Local {
			idx.PK = m.PK
			if m.SK == nil {
				return nil, fmt.Errorf("%s: local secondary index %q needs the table to have a sort key; tag a field `dynamorm:\"sk\"`", name, idx.Name)
			}
		} else if idx.PK == nil {
			return nil, fmt.Errorf("%s: index %q has a sort key (%s) but no partition key; tag a field `dynamorm:\"index:%s,pk\"`", name, idx.Name, idx.SK.GoName, idx.Name)
		}
		m.Indexes = append(m.Indexes, idx)
	}
	sort.Slice(m.Indexes, func(i, j int) bool { return m.Indexes[i].Name < m.Indexes[j].Name })
	m.updatable = m.computeUpdatable()
	if err := m.checkEncryptedComponents(); err != nil {
		return nil, err
	}
	if err := m.buildUniques(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return m, nil
}

// Updatable are the fields an Update with no names writes and Save
// compares: every stored field but the primary key's (and its entity
// components) and the ones writes maintain (created_at, updated_at, the
// version).
func (m *Model) Updatable() []*Field { return m.updatable }

func (m *Model) computeUpdatable() []*Field {
	var out []*Field
	for _, f := range m.Fields {
		if !m.InPrimaryKey(f) && f != m.CreatedAt && f != m.Version && f != m.UpdatedAt {
			out = append(out, f)
		}
	}
	return out
}

// addField records f: by name, in the lifecycle slot it is tagged for, and
// (for a model that owns its table) in the keys and indexes it is a key of.
func (m *Model) addField(f *Field) error {
	name := m.Type.Name()
	m.byAttr[f.Attr] = f
	if _, dup := m.byGoName[f.GoName]; !dup {
		m.byGoName[f.GoName] = f
	}
	checks := []struct {
		on   bool
		slot **Field
		what string
	}{
		{f.PK && m.Entity == nil, &m.PK, "pk"}, {f.SK && m.Entity == nil, &m.SK, "sk"}, {f.Version, &m.Version, "version"},
		{f.TTL, &m.TTL, "ttl"}, {f.CreatedAt, &m.CreatedAt, "created_at"}, {f.UpdatedAt, &m.UpdatedAt, "updated_at"},
	}
	for _, c := range checks {
		if !c.on {
			continue
		}
		if *c.slot != nil {
			return fmt.Errorf("%s: both %s and %s are tagged %s; a model has at most one", name, (*c.slot).GoName, f.GoName, c.what)
		}
		*c.slot = f
	}
	if f.ULID {
		m.ULIDs = append(m.ULIDs, f)
	}
	if f.Encrypted {
		m.Encrypted = append(m.Encrypted, f)
	}
	if (f.PK || f.SK || len(f.Indexes) > 0) && f.KeyType() == "" {
		return fmt.Errorf("%s.%s: a key must be a string, number or []byte (or time.Time, or a type whose converter stores S, N or B), not %s; change the field type or drop the key option%s", name, f.GoName, f.Type, keyTypeProblem(f.Type))
	}
	if (f.PK || f.SK || len(f.Indexes) > 0) && f.OmitEmpty {
		return fmt.Errorf("%s.%s: a key attribute cannot be omitempty; drop omitempty", name, f.GoName)
	}
	if m.Entity != nil {
		return nil // key roles are components of derived keys (buildEntity)
	}
	for _, role := range f.Indexes {
		if err := m.addIndexKey(f, role); err != nil {
			return err
		}
	}
	return nil
}

func (m *Model) addIndexKey(f *Field, role IndexRole) error {
	name := m.Type.Name()
	idx := m.byIndex[role.Name]
	if idx == nil {
		idx = &Index{Name: role.Name, Local: role.Local}
		m.byIndex[role.Name] = idx
	}
	if idx.Local != role.Local {
		return fmt.Errorf("%s.%s: %q is used both as a global (index:) and a local (lsi:) index; give them different names", name, f.GoName, role.Name)
	}
	slot, what := &idx.PK, "partition"
	if role.SK || role.Local {
		slot, what = &idx.SK, "sort"
	}
	if *slot != nil {
		return fmt.Errorf("%s: index %q has two %s keys, %s and %s; an index has one", name, role.Name, what, (*slot).GoName, f.GoName)
	}
	*slot = f
	return nil
}

// Name is the Go name of the model's struct type.
func (m *Model) Name() string { return m.Type.Name() }

// TableName returns the table of the model value v (a struct or a pointer to
// one, possibly nil): TableName() on the model when it has that method,
// otherwise the default name derived from the struct name.
func (m *Model) TableName(v reflect.Value) string {
	if m.tabler {
		if v.IsValid() {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				v = reflect.New(m.Type)
			}
			if tb, ok := v.Interface().(Tabler); ok {
				return tb.TableName()
			}
			if v.Kind() != reflect.Pointer {
				p := reflect.New(m.Type)
				p.Elem().Set(v)
				if tb, ok := p.Interface().(Tabler); ok {
					return tb.TableName()
				}
			}
		}
		if tb, ok := reflect.New(m.Type).Interface().(Tabler); ok {
			return tb.TableName()
		}
	}
	return m.defaultTable
}

// Field finds a field by its Go name or, failing that, by its attribute name.
func (m *Model) Field(name string) (*Field, bool) {
	if f, ok := m.byGoName[name]; ok {
		return f, true
	}
	f, ok := m.byAttr[name]
	return f, ok
}

// MustField is Field that returns an error wrapping errs.ErrValidation which
// lists the known names when there is no such field.
func (m *Model) MustField(name string) (*Field, error) {
	if f, ok := m.Field(name); ok {
		return f, nil
	}
	return nil, fmt.Errorf("%w: %s has no field or attribute %q (fields: %s)", errs.ErrValidation, m.Name(), name, m.fieldList())
}

func (m *Model) fieldList() string {
	s := ""
	for i, f := range m.Fields {
		if i > 0 {
			s += ", "
		}
		s += f.GoName
	}
	return s
}

// FieldByAttr finds a field by its attribute name.
func (m *Model) FieldByAttr(attr string) (*Field, bool) {
	f, ok := m.byAttr[attr]
	return f, ok
}

// Index returns the secondary index with the given name.
func (m *Model) Index(name string) (*Index, bool) {
	idx, ok := m.byIndex[name]
	return idx, ok
}

// IsKey reports whether f is a key of the table or of any index.
func (m *Model) IsKey(f *Field) bool {
	return f.PK || f.SK || len(f.Indexes) > 0
}

// checkEncryptedComponents refuses an encrypted field that an entity's
// derived key is composed of: the key would hold its plaintext.
func (m *Model) checkEncryptedComponents() error {
	for _, f := range m.Encrypted {
		if derived := m.DerivedFrom(f); len(derived) > 0 {
			return fmt.Errorf("%s.%s: an encrypted field cannot be a component of the derived key %s, which stores it in plaintext; drop encrypted or take it out of the key template", m.Name(), f.GoName, derived[0].Attr)
		}
	}
	return nil
}

// IsEncrypted reports whether attribute a holds an encrypted field's envelope.
func (m *Model) IsEncrypted(a string) bool {
	for _, f := range m.Encrypted {
		if f.Attr == a {
			return true
		}
	}
	return false
}
