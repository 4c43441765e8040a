package dynamorm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// UniqueReport is what RepairUnique found in a model's table, and fixed.
type UniqueReport struct {
	Model  string
	Items  int // items of the model scanned
	Guards int // guard items of its constraints scanned
	// Orphans are guards no item holds the value of (their owner is gone
	// or holds another value). Fixing deletes them.
	Orphans []UniqueProblem
	// Unguarded are items holding a value that no guard reserves (written
	// before the constraint existed, or by another writer). Fixing puts
	// their guard.
	Unguarded []UniqueProblem
	// Misowned are items holding a value whose guard names another item.
	// When that item no longer holds the value, fixing gives the guard to
	// this one; when it does, two items hold one value (Duplicate), which
	// only the application can resolve, and nothing is changed.
	Misowned []UniqueProblem
}

// UniqueProblem is one finding of RepairUnique.
type UniqueProblem struct {
	Constraint string
	Value      string // the constraint's value, fields joined by ", "
	Item       string // the item holding it (Unguarded, Misowned), as Model{attr=value, ...}
	Owner      string // the item the guard names, as Model{attr=value, ...}
	Duplicate  bool   // Misowned: the guard's owner holds the value too
	Fixed      bool
	Err        error // the fix's error, if it failed
}

// Problems is the number of findings.
func (r *UniqueReport) Problems() int { return len(r.Orphans) + len(r.Unguarded) + len(r.Misowned) }

// RepairUnique scans the table of model (a value or pointer of a model
// with unique constraints) and its guard items, with strongly consistent
// Scans, and reports guards without an owner, items without a guard and
// guards owned by a different item. With fix, it repairs what it can, each
// fix one conditional write that fails rather than overwrite a concurrent
// change (the problem then carries the error). Run it after adding a
// constraint to a model with data, or after other writers wrote the table.
func (db *DB) RepairUnique(ctx context.Context, model any, fix bool) (*UniqueReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	q := newQuery(db.withContext(ctx), model)
	if q.err != nil {
		return nil, q.err
	}
	m := q.model
	if len(m.Uniques) == 0 {
		return nil, fmt.Errorf("%w: RepairUnique: %s has no unique constraints", core.ErrValidation, m.Name())
	}
	if id, err := q.tenantID(); err != nil || m.Tenant && id == "" {
		if err == nil {
			err = fmt.Errorf("%w: %s: each tenant's values are unique apart; repair one tenant at a time (dynamorm.WithTenant)", core.ErrTenantRequired, m.Name())
		}
		return nil, fmt.Errorf("RepairUnique: %w", err)
	}
	items, guards, err := q.scanForRepair()
	if err != nil {
		return nil, err
	}
	rep := &UniqueReport{Model: m.Name(), Items: len(items), Guards: len(guards)}
	byID := make(map[string]map[string]types.AttributeValue, len(guards))
	for _, g := range guards {
		byID[plan.KeyID(m, g)] = g
	}
	owners := make(map[string]map[string]types.AttributeValue, len(items))
	for _, it := range items {
		id, err := plan.OwnerID(m, plan.KeyOf(it, plan.KeyAttrs(m)))
		if err != nil {
			return nil, err
		}
		owners[id] = it
	}
	used := map[string]bool{}
	for _, it := range items {
		for _, u := range m.Uniques {
			q.checkItem(rep, u, it, byID, owners, used, fix)
		}
	}
	for _, g := range guards {
		if used[plan.KeyID(m, g)] {
			continue
		}
		p := UniqueProblem{Constraint: guardConstraint(m, g), Value: plan.DescribeKey(m, plan.KeyOf(g, plan.KeyAttrs(m))), Owner: guardOwner(m, g)}
		if fix {
			p.Err = q.send(plan.ReleaseGuard(m, q.table(), g))
			p.Fixed = p.Err == nil
		}
		rep.Orphans = append(rep.Orphans, p)
	}
	return rep, nil
}

// scanForRepair reads the model's items and its guards.
func (q *query) scanForRepair() (items, guards []map[string]types.AttributeValue, err error) {
	var list []map[string]types.AttributeValue
	if err := q.ConsistentRead().Scan(&list); err != nil {
		return nil, nil, err
	}
	id, _ := q.tenantID()
	_, _, err = q.walk(q.ctx, plan.GuardScan(q.model, id, q.table()), nil, 0, 0, func(page []map[string]types.AttributeValue) bool {
		guards = append(guards, page...)
		return true
	})
	return list, guards, err
}

// checkItem checks the guard of u's value in item it.
func (q *query) checkItem(rep *UniqueReport, u *model.Unique, it map[string]types.AttributeValue, byID, owners map[string]map[string]types.AttributeValue, used map[string]bool, fix bool) {
	m := q.model
	tenantID, _ := q.tenantID()
	vals := plan.ItemValues(u, it)
	key, ok, err := plan.GuardKey(m, tenantID, u, vals)
	if err != nil || !ok {
		return // no value: nothing to reserve
	}
	ownerKey := plan.KeyOf(it, plan.KeyAttrs(m))
	id, _ := plan.OwnerID(m, ownerKey)
	gid := plan.KeyID(m, key)
	p := UniqueProblem{Constraint: u.Name, Value: (&plan.Guard{Values: vals}).ValueString(), Item: plan.DescribeKey(m, ownerKey)}
	g, found := byID[gid]
	if found && g[plan.OwnerAttr] != nil && attrString(g[plan.OwnerAttr]) == id {
		used[gid] = true
		return
	}
	previous := ""
	if found {
		previous = attrString(g[plan.OwnerAttr])
		p.Owner = guardOwner(m, g)
		if other, ok := owners[previous]; ok && sameValue(m, tenantID, u, other, key) {
			p.Duplicate = true
			used[gid] = true
			rep.Misowned = append(rep.Misowned, p)
			return
		}
	}
	if used[gid] {
		p.Duplicate = true // an item checked earlier holds it, with the guard
		rep.Misowned = append(rep.Misowned, p)
		return
	}
	used[gid] = true
	if fix {
		w, err := plan.ReserveFor(m, tenantID, q.table(), u, vals, ownerKey, previous)
		if err == nil {
			err = q.send(w)
		}
		p.Err, p.Fixed = err, err == nil
	}
	if found {
		rep.Misowned = append(rep.Misowned, p)
	} else {
		rep.Unguarded = append(rep.Unguarded, p)
	}
}

// sameValue reports whether item holds the value whose guard key is key.
func sameValue(m *model.Model, tenantID string, u *model.Unique, item, key map[string]types.AttributeValue) bool {
	k, ok, err := plan.GuardKey(m, tenantID, u, plan.ItemValues(u, item))
	return err == nil && ok && plan.KeyID(m, k) == plan.KeyID(m, key)
}

func attrString(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func guardOwner(m *model.Model, g map[string]types.AttributeValue) string {
	if k, ok := g[plan.OwnerKeyAttr].(*types.AttributeValueMemberM); ok {
		return plan.DescribeKey(m, k.Value)
	}
	return ""
}

func guardConstraint(m *model.Model, g map[string]types.AttributeValue) string {
	scope := attrString(g[plan.GuardAttr])
	for _, u := range m.Uniques {
		if plan.GuardScope(m, u) == scope {
			return u.Name
		}
	}
	return scope
}
