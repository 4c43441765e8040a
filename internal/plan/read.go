// Package plan turns the clauses a query collected, together with the
// model's metadata, into the one DynamoDB operation that serves them.
package plan

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// The read operations a plan can choose.
const (
	GetItem  = "GetItem"
	Query    = "Query"
	Scan     = "Scan"
	BatchGet = "BatchGet"
)

// Condition is one Where condition with its values already encoded.
type Condition struct {
	Field  *model.Field // nil for a document path below a field
	Path   []string     // attribute path
	Op     expr.Op
	Values []types.AttributeValue
}

// ReadInput is what a query collected.
type ReadInput struct {
	Model      *model.Model
	Table      string
	Index      string      // explicit index, "" to choose
	Where      []Condition // conditions that may become key conditions
	Filter     expr.Node   // Filter/OrFilter/groups
	OrderBy    *model.Field
	Desc       bool
	Consistent bool
	Projection [][]string // attribute paths; empty for all
	ForceScan  bool       // Scan() and parallel scans
	Segment    *int32
	Total      *int32
	Count      bool // Select=COUNT
	Paginated  bool // one page and a cursor (AllPaginated), which a BatchGet cannot give
	// AnyEntity reads every item the key conditions select, whatever its
	// entity (an item collection); otherwise a read of an entity returns
	// only items of that entity.
	AnyEntity bool
	// Bucket, with Index the iteration index of Model, makes the read a
	// Query of that bucket of the index (see model.Iteration).
	Bucket *int
	// Tenant is the tenant a read of a tenant-scoped model works for: the
	// first segment of the partition keys it reads, and the stored tenant
	// a Scan is restricted to. "" in the system scope: keys cannot be
	// composed (the read is a Scan of every tenant's items).
	Tenant string
}

// Read is a planned read.
type Read struct {
	Operation    string
	Table        string
	Index        string
	Key          map[string]types.AttributeValue   // GetItem
	Keys         []map[string]types.AttributeValue // BatchGet, in the order given
	KeyCondition string
	Filter       string
	Projection   string
	Names        map[string]string
	Values       map[string]types.AttributeValue
	Forward      bool
	Consistent   bool
	Segment      *int32
	Total        *int32

	// SortBy, when set, is a field that is not the sort key of the table or
	// index read: results must be read completely and sorted in memory.
	SortBy *model.Field
	Desc   bool
	// KeyAttrs are the attributes of an ExclusiveStartKey for this read:
	// the table keys and, for an index, the index keys.
	KeyAttrs []string
	// KeyConds are the conditions of a Query's key condition, so that a
	// start key from a cursor can be checked against them (see KeyTypes).
	KeyConds []expr.Cond
	keyConds [2]expr.Cond // KeyConds' storage: no allocation of its own
	// entity, for a GetItem of an entity, is what OfEntity checks.
	entity *model.Entity
	// model, for a GetItem of a model that owns its table, is what
	// OfEntity checks (a key may hold one of its unique guards).
	model *model.Model
	// ordersBy is the component of a derived sort key whose order a Query
	// returns items in (the first one no equality fixes).
	ordersBy *model.Field
	// Lookup, on a GetItem, makes it a read by a unique constraint: Key
	// is the guard's, and the owner it names is read next (guard_read.go).
	Lookup *Lookup
	// Tenant is the tenant whose items the read returns, for a
	// tenant-scoped model (tenantModel); "" in the system scope.
	Tenant      string
	tenantModel *model.Model
	// PostFilter holds Where conditions on the queried keys that a key
	// condition cannot express (<>, IN, CONTAINS, ...). DynamoDB does not
	// allow them in a Query's filter, so they are evaluated on each item
	// returned (see expr.Match).
	PostFilter []expr.Cond
}

// Filtered reports whether items may be dropped after DynamoDB reads them,
// by the filter expression or the post-filter.
func (r *Read) Filtered() bool { return r.Filter != "" || len(r.PostFilter) > 0 }

// OfEntity reports whether the item a GetItem returned is of the entity
// or model read: a key that holds an item of another entity holds no item
// of this one, and a key that holds a guard of a unique constraint holds
// no item of the model.
func (r *Read) OfEntity(item map[string]types.AttributeValue) bool {
	if r.entity == nil {
		return r.model == nil || OfModel(r.model, item)
	}
	s, ok := item[r.entity.TypeAttr].(*types.AttributeValueMemberS)
	return ok && s.Value == r.entity.Name
}

// Keep reports whether item passes the post-filter.
func (r *Read) Keep(item map[string]types.AttributeValue) bool {
	for _, c := range r.PostFilter {
		if !expr.Match(c, item) {
			return false
		}
	}
	return true
}

// PlanRead chooses GetItem, Query or Scan for in and renders its expressions.
func PlanRead(in ReadInput) (*Read, error) {
	if in.Bucket != nil && in.Model.Tenant && in.Tenant == "" {
		return nil, fmt.Errorf("%w: %s: the iteration buckets of a tenant-scoped entity are each tenant's; iterate with a tenant (the system scope has none)", errs.ErrTenantRequired, in.Model.Name())
	}
	cands, err := candidates(in)
	if err != nil {
		return nil, err
	}
	r := &Read{Table: in.Table, Forward: true, Consistent: in.Consistent, Segment: in.Segment, Total: in.Total}
	if in.Model.Tenant {
		r.Tenant, r.tenantModel = in.Tenant, in.Model
	}
	if planGet(in, r) || planLookup(in, r) {
		return r, nil
	}
	if planBatchGet(in, r) {
		return r, nil
	}
	var b expr.Builder
	var rest []expr.Node
	chosen, kc, err := choose(in, cands)
	if err != nil {
		return nil, err
	}
	if chosen != nil {
		if rest, err = planQuery(in, r, &b, chosen, kc); err != nil {
			return nil, err
		}
	} else {
		rest = planScan(in, r)
		if in.Model.Tenant && in.Tenant != "" {
			// A scan reads every tenant's items: only the tenant's are
			// returned (the others are read, and paid for).
			rest = append(rest, tenantNode(in.Tenant))
		}
	}
	if m := in.Model; m.Entity != nil && !in.AnyEntity {
		// Only items of this entity: the key condition may match others
		// (an item collection), which the filter drops.
		rest = append(rest, expr.Node{Cond: &expr.Cond{Path: []string{m.Entity.TypeAttr}, Op: expr.Eq, Values: []types.AttributeValue{entityValue(m)}}})
	} else if m.Entity == nil && len(m.Uniques) > 0 && !in.AnyEntity {
		// The table holds the guards of the model's unique values too
		// (guard.go): only items, which have no GuardAttr.
		rest = append(rest, expr.Node{Cond: &expr.Cond{Path: []string{GuardAttr}, Op: expr.NotExists}})
	}
	if in.Segment != nil && r.Operation != Scan {
		return nil, fmt.Errorf("%w: ParallelScan applies to scans; this query has a key condition (use Scan or drop ParallelScan)", errs.ErrValidation)
	}
	var idx *model.Index
	if r.Index != "" {
		idx, _ = in.Model.Index(r.Index)
	}
	if in.Consistent && idx != nil && !idx.Local {
		return nil, fmt.Errorf("%w: ConsistentRead is not supported on global secondary index %q of %s; drop ConsistentRead or query the table or a local index", errs.ErrValidation, idx.Name, in.Model.Name())
	}
	if r.Filter, err = renderFilter(&b, rest, in.Filter); err != nil {
		return nil, err
	}
	if len(in.Model.Encrypted) > 0 {
		if err := checkOperands(in.Model, "Filter", r.Filter, b.Names()); err != nil {
			return nil, err
		}
	}
	order(in, r, idx)
	if len(in.Projection) > 0 && !in.Count {
		r.Projection = b.Projection(WithKeys(in.Projection, withTenantAttr(in.Model, r.KeyAttrs)))
	}
	r.Names, r.Values = b.Names(), b.Values()
	return r, nil
}

// KeyTypes are the attribute types ("S", "N", "B") of r's KeyAttrs, the
// attributes of m (the model r reads).
func (r *Read) KeyTypes(m *model.Model) []string {
	out := make([]string, len(r.KeyAttrs))
	for i, a := range r.KeyAttrs {
		if f, ok := m.FieldByAttr(a); ok {
			out[i] = f.KeyType()
		}
	}
	return out
}

// planGet makes r a GetItem when in gives the full primary key by equality
// and nothing else.
func planGet(in ReadInput, r *Read) bool {
	if in.ForceScan || in.AnyEntity || in.Index != "" || in.Count || len(in.Filter.Children) > 0 || in.Filter.Cond != nil {
		return false
	}
	key, ok := fullKey(in.Model, in.Tenant, in.Where)
	if !ok {
		return false
	}
	r.Operation = GetItem
	r.Key = key
	r.KeyAttrs = tableKeyAttrs(in.Model)
	var b expr.Builder
	if len(in.Projection) > 0 {
		keep := withTenantAttr(in.Model, r.KeyAttrs)
		if e := in.Model.Entity; e != nil && !in.AnyEntity {
			r.entity = e
			keep = append(slices.Clip(keep), e.TypeAttr)
		}
		r.Projection = b.Projection(WithKeys(in.Projection, keep))
	} else if !in.AnyEntity {
		r.entity = in.Model.Entity
	}
	if in.Model.Entity == nil {
		r.model = in.Model
	}
	r.Names = b.Names()
	return true
}

// planBatchGet makes r a BatchGet when in is exactly Where(pk, "IN", ...)
// on a table without a sort key: each value is a full primary key.
func planBatchGet(in ReadInput, r *Read) bool {
	m := in.Model
	if in.ForceScan || in.Paginated || in.Index != "" || m.SK != nil || len(in.Where) != 1 || len(in.Filter.Children) > 0 || in.Filter.Cond != nil {
		return false
	}
	c := in.Where[0]
	if c.Op != expr.In || c.Field != m.PK || len(c.Path) != 1 || len(c.Values) == 0 {
		return false
	}
	r.Operation = BatchGet
	for _, v := range c.Values {
		if CheckKeyValue(m, m.PK, v, "") == nil { // an empty key names no item
			r.Keys = append(r.Keys, map[string]types.AttributeValue{m.PK.Attr: v})
		}
	}
	order(in, r, nil)
	var b expr.Builder
	if len(in.Projection) > 0 && !in.Count {
		r.Projection = b.Projection(WithKeys(in.Projection, r.KeyAttrs))
	}
	r.Names = b.Names()
	return true
}

// planQuery makes r a Query of chosen: the key condition from kc, the
// other conditions on its keys as the post-filter. It returns the Where
// conditions left for the filter.
func planQuery(in ReadInput, r *Read, b *expr.Builder, chosen *candidate, kc keyConds) ([]expr.Node, error) {
	r.Operation = Query
	r.Index = chosen.name()
	r.ordersBy = kc.sk.orders
	keyParts := []string{}
	for _, k := range []keyCond{kc.pk, kc.sk} {
		if !k.ok {
			continue
		}
		c := expr.Cond{Path: k.cond.Path, Op: k.cond.Op, Values: k.cond.Values}
		s, err := b.Condition(c)
		if err != nil {
			return nil, err
		}
		keyParts = append(keyParts, s)
		if r.KeyConds == nil {
			r.KeyConds = r.keyConds[:0]
		}
		r.KeyConds = append(r.KeyConds, c)
	}
	r.KeyCondition = joinAnd(keyParts)
	var rest []expr.Node
	for i, c := range in.Where {
		if kc.used(i) {
			continue
		}
		cc := expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}
		if len(c.Path) == 1 && c.Field != nil && (c.Field == chosen.pk || c.Field == chosen.sk) {
			r.PostFilter = append(r.PostFilter, cc)
			continue
		}
		rest = append(rest, expr.Node{Cond: &cc})
	}
	if k := keyInTree(in.Filter, chosen); k != "" {
		return nil, fmt.Errorf("%w: Filter on %s: DynamoDB does not allow a Query's filter to name the keys of the table or index queried; use Where(%q, ...) instead", errs.ErrValidation, k, k)
	}
	return rest, nil
}

// planScan makes r a Scan; every Where condition goes to the filter.
func planScan(in ReadInput, r *Read) []expr.Node {
	r.Operation = Scan
	r.Index = in.Index
	rest := make([]expr.Node, 0, len(in.Where))
	for _, c := range in.Where {
		cc := expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}
		rest = append(rest, expr.Node{Cond: &cc})
	}
	return rest
}

// renderFilter renders the filter: the Where conditions that are not key
// conditions, AND the Filter tree as a whole.
func renderFilter(b *expr.Builder, rest []expr.Node, filter expr.Node) (string, error) {
	root := expr.Node{Children: rest}
	if filter.Cond != nil || len(filter.Children) > 0 {
		root.Children = append(root.Children, expr.Node{Children: []expr.Node{filter}})
	}
	return b.Render(root)
}

// order sets r's key attributes (of the table, and of idx when one is
// read) and its order: the direction of a Query when in orders by the sort
// key read, else a sort in memory.
func order(in ReadInput, r *Read, idx *model.Index) {
	m := in.Model
	r.KeyAttrs = tableKeyAttrs(m)
	var sortKey *model.Field
	if idx != nil {
		r.KeyAttrs = appendUnique(r.KeyAttrs, idx.PK.Attr)
		if idx.SK != nil {
			r.KeyAttrs = appendUnique(r.KeyAttrs, idx.SK.Attr)
			sortKey = idx.SK
		}
	} else if m.SK != nil {
		sortKey = m.SK
	}
	if in.OrderBy != nil {
		if r.Operation == Query && (in.OrderBy == sortKey || in.OrderBy == r.ordersBy) {
			r.Forward = !in.Desc
		} else {
			r.SortBy, r.Desc = in.OrderBy, in.Desc
		}
	}
}

// fullKey returns the primary key when the conditions are exactly equality
// on the table's partition key and, if it has one, its sort key.
func fullKey(m *model.Model, tenantID string, conds []Condition) (map[string]types.AttributeValue, bool) {
	if m.Entity != nil {
		return fullEntityKey(m, tenantID, conds)
	}
	want := 1
	if m.SK != nil {
		want = 2
	}
	if len(conds) != want {
		return nil, false
	}
	key := make(map[string]types.AttributeValue, want)
	for _, c := range conds {
		if c.Op != expr.Eq || len(c.Path) != 1 || c.Field == nil || !(c.Field == m.PK || c.Field == m.SK) {
			return nil, false
		}
		if _, dup := key[c.Field.Attr]; dup {
			return nil, false
		}
		key[c.Field.Attr] = c.Values[0]
	}
	return key, len(key) == want
}

func tableKeyAttrs(m *model.Model) []string {
	if m.SK != nil {
		return []string{m.PK.Attr, m.SK.Attr}
	}
	return []string{m.PK.Attr}
}

// WithKeys is paths and the key attributes not among them.
func WithKeys(paths [][]string, keys []string) [][]string {
	out := append([][]string(nil), paths...)
	for _, k := range keys {
		if !slices.ContainsFunc(paths, func(p []string) bool { return len(p) == 1 && p[0] == k }) {
			out = append(out, []string{k})
		}
	}
	return out
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func joinAnd(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += " AND "
		}
		s += p
	}
	return s
}

// fullEntityKey is fullKey for an entity: every Where condition is an
// equality on a component, and together they give the whole primary key.
func fullEntityKey(m *model.Model, tenantID string, conds []Condition) (map[string]types.AttributeValue, bool) {
	if len(conds) > 64 {
		return nil, false
	}
	var used uint64
	value := func(c *model.Field) (types.AttributeValue, error) {
		for i, w := range conds {
			if w.Field == c && w.Op == expr.Eq && len(w.Path) == 1 {
				used |= 1 << i
				return w.Values[0], nil
			}
		}
		return nil, nil
	}
	key := make(map[string]types.AttributeValue, 2)
	for _, k := range []*model.Field{m.PK, m.SK} {
		if k == nil {
			continue
		}
		av, missing, err := Compose(k, tenantID, value)
		if err != nil || missing != nil {
			return nil, false
		}
		key[k.Attr] = av
	}
	return key, used == 1<<len(conds)-1
}
