package core

import "context"

// UpdateBuilder builds an UpdateItem request on the item whose key the model
// holds. Clauses are emitted in a deterministic order.
type UpdateBuilder interface {
	// Set sets field to value.
	Set(field string, value any) UpdateBuilder
	// SetIfNotExists sets field to value only when the attribute is absent.
	SetIfNotExists(field string, value any) UpdateBuilder
	// Add adds a number to a number attribute, or elements to a set. On a
	// `set` field, value is a scalar (a one-element set of the field's type)
	// or a slice of them; on other fields, a number. A value of another type
	// is an error before sending.
	Add(field string, value any) UpdateBuilder
	// Increment adds 1 to a number attribute.
	Increment(field string) UpdateBuilder
	// Decrement subtracts 1 from a number attribute.
	Decrement(field string) UpdateBuilder
	// Remove removes the attribute.
	Remove(field string) UpdateBuilder
	// Delete removes elements from a set attribute: value is a scalar or a
	// slice of the set field's element type (anything else is an error
	// before sending, as is Delete on a field that is not a set).
	Delete(field string, value any) UpdateBuilder
	// AppendToList appends the elements of values (a slice) to a list.
	AppendToList(field string, values any) UpdateBuilder
	// PrependToList puts the elements of values (a slice) before a list.
	PrependToList(field string, values any) UpdateBuilder
	// RemoveFromListAt removes the list element at index.
	RemoveFromListAt(field string, index int) UpdateBuilder
	// SetListElement sets the list element at index.
	SetListElement(field string, index int, value any) UpdateBuilder
	// Condition adds a condition joined with AND.
	Condition(field string, op string, value any) UpdateBuilder
	// OrCondition adds a condition joined with OR.
	OrCondition(field string, op string, value any) UpdateBuilder
	// ConditionExists requires the attribute to exist.
	ConditionExists(field string) UpdateBuilder
	// ConditionNotExists requires the attribute to be absent.
	ConditionNotExists(field string) UpdateBuilder
	// ConditionVersion requires the model's version field to equal v.
	ConditionVersion(v int64) UpdateBuilder
	// Upsert makes the update create the item when it does not exist, in
	// the same UpdateItem (without it, a missing item is ErrItemNotFound):
	// the item gets the update's key, created_at and non-key ULID fields are
	// set with if_not_exists, updated_at is set, and the version starts at 1.
	Upsert() UpdateBuilder
	// ReturnValues selects what Execute returns: "NONE", "ALL_OLD",
	// "UPDATED_OLD", "ALL_NEW" or "UPDATED_NEW".
	ReturnValues(option string) UpdateBuilder
	// WithContext returns a builder whose request honours ctx.
	WithContext(ctx context.Context) UpdateBuilder
	// Execute sends the update.
	Execute() error
	// ExecuteWithResult sends the update and decodes the returned attributes
	// (ALL_NEW unless ReturnValues chose otherwise) into dest.
	ExecuteWithResult(dest any) error
}
