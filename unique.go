package dynamorm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// UniqueViolationError reports a write refused because another item holds
// the value it gives a unique constraint. It is mapped from the position
// of the guard's reservation in the transaction DynamoDB cancelled.
// errors.Is matches ErrUniqueViolation (and, through Err, the transaction's
// ErrTransactionFailed and ErrConditionFailed).
type UniqueViolationError struct {
	Model      string   // the model's Go type name
	Constraint string   // the constraint's name
	Fields     []string // its fields' Go names
	Value      string   // the value, as the write gave it (fields joined by ", ")
	Owner      string   // the item holding it, as Model{attr=value, ...}, when DynamoDB returned it
	Err        error    // the transaction's error
}

func (e *UniqueViolationError) Error() string {
	msg := fmt.Sprintf("%v: %s: %s (%s) %s is already taken", core.ErrUniqueViolation, e.Model, e.Constraint, strings.Join(e.Fields, ", "), e.Value)
	if e.Owner != "" {
		msg += " by " + e.Owner
	}
	return msg
}

// Is matches ErrUniqueViolation.
func (e *UniqueViolationError) Is(target error) bool { return target == core.ErrUniqueViolation }

// Unwrap returns the transaction's error.
func (e *UniqueViolationError) Unwrap() error { return e.Err }

// violation is the UniqueViolationError of guard write w, whose
// reservation failed with reason r.
func violation(w *plan.Write, r types.CancellationReason) *UniqueViolationError {
	g := w.Guard
	e := &UniqueViolationError{Model: w.Model.Name(), Constraint: g.Unique.Name, Fields: g.Unique.FieldNames(), Value: g.ValueString()}
	if owner, ok := r.Item[plan.OwnerKeyAttr].(*types.AttributeValueMemberM); ok {
		e.Owner = plan.DescribeKey(w.Model, owner.Value)
	}
	return e
}

// guardFailure is the message of a failed guard write other than a
// violation: a release of a value that another item's guard holds.
func guardFailure(w *plan.Write, r types.CancellationReason) string {
	if w.Guard.Put || aws.ToString(r.Code) != "ConditionalCheckFailed" {
		return aws.ToString(r.Message)
	}
	return fmt.Sprintf("the guard of %s %s (%s) is held by another item, so this item cannot release it; dynamorm.RepairUnique reports and fixes such guards",
		w.Guard.Unique.Name, w.Guard.ValueString(), aws.ToString(r.Message))
}

// readPrior reads what t's write needs to know of the stored item (the
// values of the unique fields it may change or release): one strongly
// consistent GetItem of those attributes, recorded in the query's
// capacity.
func (q *query) readPrior(t *plan.Target, key map[string]types.AttributeValue, attrs []string) (*plan.Prior, error) {
	if err := q.db.checkOpen(); err != nil {
		return nil, err
	}
	names := make(map[string]string, len(attrs)+3)
	var proj []string
	for i, a := range append(append(plan.KeyAttrs(t.Model), attrs...), entityAttr(t)...) {
		ph := fmt.Sprintf("#p%d", i)
		names[ph] = a
		proj = append(proj, ph)
	}
	out, err := q.db.api("GetItem", 1).GetItem(q.ctx, &dynamodb.GetItemInput{
		TableName: aws.String(t.Table), Key: key, ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String(strings.Join(proj, ", ")), ExpressionAttributeNames: names,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if err != nil {
		return nil, wrapAWS("GetItem", t.Model.Name(), t.Table, err)
	}
	q.recordRead(out.ConsumedCapacity)
	if err := plan.CheckTenant(t.Model, t.Tenant, out.Item); err != nil {
		return nil, err
	}
	if e := t.Model.Entity; e != nil && out.Item != nil {
		if s, ok := out.Item[e.TypeAttr].(*types.AttributeValueMemberS); !ok || s.Value != e.Name {
			return &plan.Prior{}, nil // another entity's item: none of this one
		}
	}
	return &plan.Prior{Item: out.Item}, nil
}

func entityAttr(t *plan.Target) []string {
	if t.Model.Entity == nil {
		return nil
	}
	return []string{t.Model.Entity.TypeAttr}
}

// planUnique plans write s of t, with the prior values of the unique
// fields the write needs (plan.NeedsPrior) unless t has them: assumed
// (plan.Assume; a write sent alone retries when they prove wrong, see
// retryDisproved), or else read. key is the item's key (computed from t
// when nil).
func (q *query) planUnique(t plan.Target, s plan.WriteSpec, key map[string]types.AttributeValue) (*plan.Write, error) {
	attrs, need := plan.NeedsPrior(&t, s)
	if !need || t.Prior != nil {
		return plan.PlanWrite(t, s)
	}
	prior, err := plan.Assume(&t, s, q.tx == nil && !q.transact)
	if err != nil {
		return nil, err
	}
	if prior == nil {
		if key == nil {
			if key, err = plan.Key(&t, opName(s.Op)); err != nil {
				return nil, err
			}
		}
		if prior, err = q.readPrior(&t, key, attrs); err != nil {
			return nil, err
		}
	}
	t.Prior = prior
	return plan.PlanWrite(t, s)
}

// retryDisproved sends w again, planned on the stored item its failed
// condition returned, when that item disproves the unique values w
// assumed (plan.Write.Retry): the second request of a write whose old
// values were not known. retried is false when the failure is w's own.
func (q *query) retryDisproved(w *plan.Write, stored map[string]types.AttributeValue) (bool, error) {
	next, err := w.Retry(stored)
	if err != nil {
		return true, err
	}
	if next == nil {
		return false, nil
	}
	return true, q.send(next)
}

func opName(op plan.WriteOp) string {
	switch op {
	case plan.OpUpsert:
		return "CreateOrUpdate"
	case plan.OpUpdate:
		return "Update"
	case plan.OpDelete:
		return "Delete"
	}
	return "UpdateBuilder"
}

// sendGuarded sends w, which has guard writes, as one TransactWriteItems
// with them. A failure of w itself is reported as if w had been sent
// alone (ErrConditionFailed, ErrItemNotFound); a failed reservation as a
// *UniqueViolationError.
func (q *query) sendGuarded(w *plan.Write) error {
	ops := w.All()
	items, err := transactItems(ops)
	if err != nil {
		w.Undo()
		return fmt.Errorf("%s %s with its unique guards: %w", w.Op, w.Model.Name(), err)
	}
	if err := q.ctx.Err(); err != nil {
		w.Undo() // nothing was sent
		return err
	}
	err = q.sendTransaction(items, ops)
	if err == nil {
		wrote(q.ctx, true, w)
		return w.Done(w.Known)
	}
	if !errors.Is(err, core.ErrOutcomeUnknown) {
		w.Undo()
	} else {
		wrote(q.ctx, false, w)
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) && len(tce.CancellationReasons) > 0 && aws.ToString(tce.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		r := tce.CancellationReasons[0]
		// (A write whose outcome is unknown is not retried: its first
		// attempt may have been applied.)
		if !errors.Is(err, core.ErrOutcomeUnknown) {
			if retried, err := q.retryDisproved(w, r.Item); retried {
				return err
			}
		}
		err := writeError(w, &types.ConditionalCheckFailedException{Message: r.Message, Item: r.Item})
		var ce *ConflictError
		if errors.As(err, &ce) {
			ce.db = q.db // Current decodes with the DB's converters
		}
		return err
	}
	var uv *UniqueViolationError
	if errors.As(err, &uv) {
		return uv
	}
	return err
}
