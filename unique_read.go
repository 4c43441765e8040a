package dynamorm

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// lookup runs a read by a unique constraint: the guard's GetItem, then
// its owner's, which must still hold the value. It returns nil when no
// item holds it.
func (q *query) lookup(r *plan.Read) (map[string]types.AttributeValue, error) {
	guard, err := q.getItem(r.GuardRead())
	if err != nil || guard == nil {
		return nil, err
	}
	or := r.OwnerRead(q.model, guard)
	if or == nil {
		return nil, nil // the key holds no guard of this constraint
	}
	item, err := q.readKey(or)
	if err != nil || item == nil || !r.Lookup.Holds(q.model, item) {
		return nil, err
	}
	return item, nil
}

// FindBy reads the item of model T whose unique field field (by Go or
// attribute name; a constraint of that one field) holds value: a GetItem
// of the value's guard item, then one of the item it names, checked to
// still hold the value (Where(field, "=", value).First plans the same
// reads). When no item holds it, the error wraps ErrItemNotFound; a field
// that is not unique on its own is ErrValidation, before sending.
//
//	user, err := dynamorm.FindBy[User](db, "Email", "ann@example.com")
func FindBy[T any](db core.DB, field string, value any) (T, error) {
	return findBy[T](db, field, value, false)
}

// FindByConsistent is FindBy with strongly consistent reads of the guard
// and of its owner: a value written before the call is found.
func FindByConsistent[T any](db core.DB, field string, value any) (T, error) {
	return findBy[T](db, field, value, true)
}

func findBy[T any](db core.DB, field string, value any, consistent bool) (T, error) {
	var zero T
	m, err := model.Of(reflect.TypeFor[T]())
	if err != nil {
		return zero, err
	}
	f, err := m.MustField(field)
	if err != nil {
		return zero, fmt.Errorf("FindBy: %w", err)
	}
	u := m.UniqueOf(f)
	switch {
	case u == nil:
		return zero, fmt.Errorf("%w: FindBy %s: %s is not unique; tag it `dynamorm:\"unique\"`, or read with Where(%q, \"=\", v)", core.ErrValidation, m.Name(), f.GoName, f.GoName)
	case len(u.Fields) > 1:
		return zero, fmt.Errorf("%w: FindBy %s: %s is one field of the unique constraint %s (%s); give every field with Where(field, \"=\", v) and First", core.ErrValidation, m.Name(), f.GoName, u.Name, strings.Join(u.FieldNames(), ", "))
	}
	q := db.Model(reflect.New(m.Type).Interface()).Where(f.GoName, "=", value)
	if consistent {
		q = q.ConsistentRead()
	}
	return First[T](q)
}
