package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Preload makes the query's read terminals (First, All, AllPaginated, Scan,
// BatchGet; Items and Pages page by page)
// load the named relationships of what they read; see DB.Preload. The paths
// are checked here: an unknown one is an error the terminal returns before
// sending anything.
func (q *query) Preload(paths ...string) core.Query {
	if q.model == nil {
		return q.fail(q.err)
	}
	if _, err := preloadTree(q.model, paths); err != nil {
		return q.fail(err)
	}
	n := q.clone()
	o := n.set()
	o.preload = append(o.preload, paths...)
	return n
}

// Preload loads the relationships named by paths for values already in
// hand: values is a pointer to a model struct, or a slice (or a pointer to
// one) of model structs or pointers to them. A path is a relationship
// field's Go name, or names joined with dots ("Posts.Tags") to load the
// relationships of what a relationship loaded, level by level.
//
// Each level is loaded for all values at once, with the keys deduplicated
// across them: belongs_to targets and the targets of many_to_many mappings
// are read with BatchGetItem (chunks of 100, 4 in flight, unprocessed keys
// retried with the batch retry policy until it gives up or ctx ends);
// has_one and has_many targets with one Query per distinct owner key, 4 at a
// time. Every read goes through the read planner with ctx, as any read of
// the related model would. A belongs_to whose fk fields are zero, or whose
// target does not exist, is nil; a has_many with no targets is an empty
// slice. A target that could not be read is never taken for missing: the
// error (a *BatchError, via errors.As) lists its keys, and the other values
// are still filled.
func (db *DB) Preload(ctx context.Context, values any, paths ...string) error {
	d := db.withContext(ctx) // bound to the handle's tenant, if it has one
	d, c := d.begin(d.ctx, "Preload")
	return c.end(d.preloadValues(d.ctx, values, paths, nil))
}

// preloadValues is Preload without the call's observation; capacity, when
// not nil, is the query whose total the relation reads add to.
func (db *DB) preloadValues(ctx context.Context, values any, paths []string, capacity *query) error {
	if len(paths) == 0 {
		return nil
	}
	if err := db.checkOpen(); err != nil {
		return err
	}
	m, parents, err := preloadParents(values)
	if err != nil {
		return err
	}
	tree, err := preloadTree(m, paths)
	if err != nil {
		return err
	}
	l := &relLoader{db: db, ctx: ctx, capacity: capacity}
	return l.level(tree, parents)
}

// preloadParents returns the model and the addressable struct values of
// values (see Preload).
func preloadParents(values any) (*model.Model, []reflect.Value, error) {
	v := reflect.ValueOf(values)
	bad := fmt.Errorf("%w: Preload: values must be a pointer to a model struct or a slice of them (or of pointers to them), got %T", core.ErrValidation, values)
	if !v.IsValid() {
		return nil, nil, bad
	}
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if v.Elem().Kind() == reflect.Struct {
			m, err := model.Of(v.Elem().Type())
			return m, []reflect.Value{v.Elem()}, err
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Slice {
		return nil, nil, bad
	}
	et := v.Type().Elem()
	ptr := et.Kind() == reflect.Pointer
	if ptr {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return nil, nil, bad
	}
	m, err := model.Of(et)
	if err != nil {
		return nil, nil, err
	}
	parents := make([]reflect.Value, 0, v.Len())
	for i := 0; i < v.Len(); i++ {
		e := v.Index(i)
		if ptr {
			if e.IsNil() {
				continue
			}
			e = e.Elem()
		}
		parents = append(parents, e)
	}
	return m, parents, nil
}

// preloadNode is one relationship to load and what to load below it.
type preloadNode struct {
	rel      *model.Relation
	children []*preloadNode
}

// preloadTree resolves paths on m into a tree of relationships, merging
// shared prefixes ("Posts", "Posts.Tags" load Posts once).
func preloadTree(m *model.Model, paths []string) ([]*preloadNode, error) {
	var roots []*preloadNode
	for _, p := range paths {
		level, cur := &roots, m
		for _, name := range strings.Split(p, ".") {
			rels, err := cur.Relations()
			if err != nil {
				return nil, err
			}
			r, ok := cur.Relation(name)
			if !ok {
				return nil, fmt.Errorf("%w: Preload(%q): %s has no relationship %q (relationships: %s); declare one with a `dynamorm:\"rel:...\"` tag",
					core.ErrValidation, p, cur.Name(), name, relNames(rels))
			}
			i := slices.IndexFunc(*level, func(n *preloadNode) bool { return n.rel == r })
			if i < 0 {
				*level = append(*level, &preloadNode{rel: r})
				i = len(*level) - 1
			}
			level, cur = &(*level)[i].children, r.Model
		}
	}
	return roots, nil
}

func relNames(rels []*model.Relation) string {
	if len(rels) == 0 {
		return "none"
	}
	names := make([]string, len(rels))
	for i, r := range rels {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// relLoader loads relationships for one Preload.
type relLoader struct {
	db       *DB
	ctx      context.Context
	capacity *query // nil, or the query whose capacity total the reads join
}

// level loads each relationship of nodes for all parents, then the
// relationships below it for all the values it loaded. Errors of one
// relationship do not stop the others; they are joined.
func (l *relLoader) level(nodes []*preloadNode, parents []reflect.Value) error {
	var errs []error
	for _, n := range nodes {
		children, err := l.load(n.rel, parents)
		if err != nil {
			errs = append(errs, fmt.Errorf("Preload %s: %w", n.rel.Name, err))
		}
		if len(n.children) > 0 && len(children) > 0 {
			if err := l.level(n.children, children); err != nil {
				errs = append(errs, fmt.Errorf("Preload %s: %w", n.rel.Name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// load fills relationship r of every parent and returns the values it
// loaded (addressable, in the parents' fields).
func (l *relLoader) load(r *model.Relation, parents []reflect.Value) ([]reflect.Value, error) {
	switch r.Kind {
	case model.BelongsTo:
		return l.belongsTo(r, parents)
	case model.HasOne, model.HasMany:
		return l.hasMany(r, parents)
	default:
		return l.manyToMany(r, parents)
	}
}

// query starts a read of the related model m on the loader's context,
// adding to the capacity total of the query that asked for the preload.
func (l *relLoader) query(m *model.Model) (*query, error) {
	q := newQuery(l.db, reflect.New(m.Type).Interface())
	if q.err != nil {
		return nil, q.err
	}
	q.ctx = l.ctx
	if l.capacity != nil {
		q.capacity = l.capacity.initCapacity()
	}
	return q, nil
}
