package dynamorm

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// IfNotExists makes the write conditional on the item not existing.
func (q *query) IfNotExists() core.Query {
	n := q.clone()
	o := n.set()
	o.conds = append(o.conds, plan.Cond{Kind: plan.CondNotExists})
	return n
}

// AllowOverwrite lets BatchCreate and BatchWrite put items of a model with
// a version field. BatchWriteItem cannot carry conditions, so such puts
// overwrite whatever is stored, newer versions included, and can move a
// version backwards; without AllowOverwrite they are refused. Other writes
// are conditional anyway and refuse it.
func (q *query) AllowOverwrite() core.Query {
	n := q.clone()
	n.set().overwrite = true
	return n
}

// IfExists makes the write conditional on the item existing.
func (q *query) IfExists() core.Query {
	n := q.clone()
	o := n.set()
	o.conds = append(o.conds, plan.Cond{Kind: plan.CondExists})
	return n
}

// WithCondition adds a condition on the item's current attributes.
func (q *query) WithCondition(field, op string, value any) core.Query {
	if q.err != nil {
		return q.clone()
	}
	c, err := q.condition(field, op, value)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	o := n.set()
	o.conds = append(o.conds, plan.Cond{Kind: plan.CondField, Cond: expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}})
	return n
}

// WithConditionExpression adds a raw condition expression. In it, #Name
// refers to a field (by Go or attribute name) and :name to values[name].
func (q *query) WithConditionExpression(exp string, values map[string]any) core.Query {
	if q.err != nil {
		return q.clone()
	}
	wc, err := rawCondition(q.db.shared.codecs, exp, values)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	o := n.set()
	o.conds = append(o.conds, wc)
	return n
}

func rawCondition(codecs *marshal.Codecs, exp string, values map[string]any) (plan.Cond, error) {
	if exp == "" {
		return plan.Cond{}, fmt.Errorf("%w: empty condition expression", core.ErrValidation)
	}
	avs := make(map[string]types.AttributeValue, len(values))
	for k, v := range values {
		name := k
		if len(name) > 0 && name[0] == ':' {
			name = name[1:]
			if _, both := values[name]; both {
				return plan.Cond{}, fmt.Errorf("%w: condition values %q and %q both name :%s; give one of them", core.ErrValidation, name, k, name)
			}
		}
		av, err := codecs.MarshalValue(v)
		if err != nil {
			return plan.Cond{}, fmt.Errorf("condition value %s: %w", k, err)
		}
		avs[name] = av
	}
	return plan.Cond{Kind: plan.CondExpression, Raw: exp, Values: avs}, nil
}

// requireItem returns the model value for an item operation.
func (q *query) requireItem(op string) error {
	if q.err != nil {
		return q.err
	}
	if !q.item.IsValid() {
		return fmt.Errorf("%w: %s needs a model value: call Model(&%s{...}) with the item's fields set", core.ErrValidation, op, q.model.Name())
	}
	return nil
}

// target is what the write planner needs of the query.
func (q *query) target() plan.Target {
	t := plan.Target{Model: q.model, Codec: q.codec, Item: q.item, Table: q.table(), Conds: q.conds, Clock: q.db.shared.clock}
	if q.model.Tenant {
		t.Tenant, t.TenantErr = q.writeTenant()
	}
	if len(q.model.Encrypted) > 0 {
		t.Seal = q.db.sealing()
	}
	return t
}

// planWrite checks that the query has a model value and plans the write
// spec describes; op names the operation in errors.
func (q *query) planWrite(op string, spec plan.WriteSpec) (*plan.Write, error) {
	if err := q.requireItem(op); err != nil {
		return nil, err
	}
	if err := q.checkNoReadClauses(op); err != nil {
		return nil, err
	}
	if q.overwrite {
		return nil, fmt.Errorf("%w: %s %s: AllowOverwrite applies to BatchCreate and BatchWrite only; %s is a conditional write", core.ErrValidation, op, q.model.Name(), op)
	}
	return q.planUnique(q.target(), spec, nil)
}

// checkNoReadClauses refuses Where and Filter on a write: they select what
// a read returns, and a write would silently ignore them. A write addresses
// the item its model value's key gives; a condition on the stored item is
// WithCondition.
func (q *query) checkNoReadClauses(op string) error {
	clause := ""
	switch {
	case len(q.where) > 0:
		clause = "Where"
	case q.filter.Cond != nil || len(q.filter.Children) > 0:
		clause = "Filter"
	default:
		return nil
	}
	return fmt.Errorf("%w: %s %s: %s selects what a read returns and does not apply to writes (the model value gives the key); use WithCondition(field, op, value) for a condition on the stored item", core.ErrValidation, op, q.model.Name(), clause)
}

// key encodes the primary key of the query's model value.
func (q *query) key(op string) (map[string]types.AttributeValue, error) {
	t := q.target()
	return plan.Key(&t, op)
}
