package dynamorm

import (
	"github.com/dynamorm/dynamorm/internal/plan"
)

// MaxItemSize is DynamoDB's limit on the size of one item, in bytes (the
// write planner's limit, plan.MaxItemSize; a test keeps them equal).
const MaxItemSize = 400 * 1024

// Create writes the model's item; ErrConditionFailed if it exists.
func (q *query) Create() error {
	q, c := q.begin("Create")
	return c.end(q.write(q.planCreate()))
}

// CreateOrUpdate writes the model's item whether or not it exists. A
// created_at field keeps the value stored when the item exists (and the Go
// value is updated to it); a version field must match the stored one.
func (q *query) CreateOrUpdate() error {
	q, c := q.begin("CreateOrUpdate")
	return c.end(q.write(q.planUpsert()))
}

// Update writes the named fields of the existing item (all non-key fields
// except created_at when none are named). Fields whose value would be
// omitted (omitempty, nil, empty index keys) are removed from the item.
func (q *query) Update(fields ...string) error {
	q, c := q.begin("Update")
	return c.end(q.write(q.planUpdate(fields)))
}

// Save writes what changed in the model value since dynamorm read it (or
// last wrote it): one UpdateItem with SET and REMOVE of the changed
// attributes, ADD of each counter's difference from the value read, ADD
// and DELETE of set members added and removed, the derived keys the
// changes touch, updated_at and the version check and bump. A value that
// has not changed sends nothing; a value never read is created (as
// Create). The model must be tracked: an entity, or a model embedding
// Tracked.
func (q *query) Save() error {
	q, c := q.begin("Save")
	return c.end(q.write(q.planWrite("Save", plan.WriteSpec{Op: plan.OpSave})))
}

// Delete removes the model's item. With a version field holding a non-zero
// value, the stored version must match. Deleting a missing item succeeds,
// as in DynamoDB; add IfExists() to make it an error.
func (q *query) Delete() error {
	q, c := q.begin("Delete")
	return c.end(q.write(q.planDelete()))
}

// write sends w, or adds it to the transaction the query belongs to.
func (q *query) write(w *plan.Write, err error) error {
	if err != nil || w == nil {
		return err // w is nil for a Save with nothing to save
	}
	if q.tx != nil {
		return q.tx.add(w)
	}
	return q.send(w)
}

func (q *query) planCreate() (*plan.Write, error) {
	return q.planWrite("Create", plan.WriteSpec{Op: plan.OpCreate})
}

func (q *query) planUpsert() (*plan.Write, error) {
	return q.planWrite("CreateOrUpdate", plan.WriteSpec{Op: plan.OpUpsert})
}

func (q *query) planUpdate(fields []string) (*plan.Write, error) {
	return q.planWrite("Update", plan.WriteSpec{Op: plan.OpUpdate, Fields: fields})
}

func (q *query) planDelete() (*plan.Write, error) {
	return q.planWrite("Delete", plan.WriteSpec{Op: plan.OpDelete})
}

func (q *query) planCheck() (*plan.Write, error) {
	return q.planWrite("ConditionCheck", plan.WriteSpec{Op: plan.OpCheck})
}
