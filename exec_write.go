package dynamorm

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// send runs one write on its own: PutItem, UpdateItem or DeleteItem. A
// write that certainly failed undoes its changes to the Go value; one whose
// outcome is unknown keeps them and returns an *OutcomeError.
func (q *query) send(w *plan.Write) error {
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	if len(w.Guards) > 0 {
		return q.sendGuarded(w)
	}
	if err := q.ctx.Err(); err != nil {
		w.Undo() // nothing was sent
		return err
	}
	var a attempts
	attrs, err := q.sendWrite(w, a.option)
	if err != nil {
		attrs, err = settle(w, &a, err)
	}
	if err != nil {
		if !errors.Is(err, core.ErrOutcomeUnknown) {
			w.Undo()
			var ccf *types.ConditionalCheckFailedException
			if errors.As(err, &ccf) {
				if retried, err := q.retryDisproved(w, ccf.Item); retried {
					return err
				}
			}
		} else {
			wrote(q.ctx, false, w)
		}
		var ce *ConflictError
		if errors.As(err, &ce) {
			ce.db = q.db
		}
		return err
	}
	wrote(q.ctx, true, w)
	return w.Done(attrs)
}

// settle decides what the error of a write sent alone means. A failed
// condition after an attempt whose response was lost is the write's own
// retry failing against its first attempt: when the stored item (returned
// with the failure) is in the state the write leaves it, the write
// succeeded and the stored item is its result; otherwise its outcome is
// unknown. Any other error after which the write may have been applied
// leaves the outcome unknown too.
func settle(w *plan.Write, a *attempts, err error) (map[string]types.AttributeValue, error) {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) && !a.lost {
		return nil, writeError(w, err)
	}
	if ccf != nil && w.Leaves(ccf.Item) {
		return ccf.Item, nil
	}
	if ccf != nil || a.uncertain(err) {
		return nil, &OutcomeError{Op: w.Op, Model: w.Model.Name(), Table: w.Table, Items: []string{w.Describe()}, Err: err}
	}
	return nil, writeError(w, err)
}

// sendWrite sends w's request and records its consumed capacity.
func (q *query) sendWrite(w *plan.Write, opt func(*dynamodb.Options)) (map[string]types.AttributeValue, error) {
	c := q.db.api(writePlans[w.Kind], 1)
	switch w.Kind {
	case plan.WritePut:
		out, err := c.PutItem(q.ctx, putInput(w), opt)
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
		}
		return nil, err
	case plan.WriteUpdate:
		out, err := c.UpdateItem(q.ctx, updateInput(w), opt)
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
			return out.Attributes, err
		}
		return nil, err
	case plan.WriteDelete:
		out, err := c.DeleteItem(q.ctx, deleteInput(w), opt)
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
		}
		return nil, err
	}
	return nil, fmt.Errorf("dynamorm: a condition check is only valid in a transaction")
}

// writePlans name the write kinds in events (Event.Plan).
var writePlans = [...]string{plan.WritePut: "Put", plan.WriteUpdate: "Update", plan.WriteDelete: "Delete", plan.WriteCheck: "ConditionCheck"}

// writeError classifies the error of a write sent alone: a failed
// condition on an item that does not exist is ErrItemNotFound for writes
// that require the item (Update), ErrConditionFailed otherwise, as a
// *ConflictError carrying the stored item when there is one.
func writeError(w *plan.Write, err error) error {
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		ccf = nil
	}
	if w.MissingIsNotFound && ccf != nil && ccf.Item == nil {
		return &OpError{Op: w.Op, Model: w.Model.Name(), Table: w.Table, Sentinel: core.ErrItemNotFound,
			Err: fmt.Errorf("%s does not exist: %w", w.Describe(), err)}
	}
	return conflict(w.Op, w.Model.Name(), w.Table, ccf, wrapAWS(w.Op, w.Model.Name(), w.Table, err))
}

// onConditionFailure is what a write asks DynamoDB to return when its
// condition fails: the stored item, so that a missing item can be told
// ("not found") and a retry failing against the write's own first attempt
// can be recognised (settle).
func onConditionFailure(w *plan.Write) types.ReturnValuesOnConditionCheckFailure {
	if w.Cond == "" {
		return ""
	}
	return types.ReturnValuesOnConditionCheckFailureAllOld
}

func putInput(w *plan.Write) *dynamodb.PutItemInput {
	return &dynamodb.PutItemInput{
		TableName: aws.String(w.Table), Item: w.Item, ConditionExpression: optional(w.Cond),
		ExpressionAttributeNames: w.Names, ExpressionAttributeValues: w.Values,
		ReturnValuesOnConditionCheckFailure: onConditionFailure(w),
		ReturnConsumedCapacity:              types.ReturnConsumedCapacityIndexes,
	}
}

func updateInput(w *plan.Write) *dynamodb.UpdateItemInput {
	return &dynamodb.UpdateItemInput{
		TableName: aws.String(w.Table), Key: w.Key, UpdateExpression: aws.String(w.Update),
		ConditionExpression: optional(w.Cond), ExpressionAttributeNames: w.Names, ExpressionAttributeValues: w.Values,
		ReturnValues: w.ReturnValues, ReturnValuesOnConditionCheckFailure: onConditionFailure(w),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	}
}

func deleteInput(w *plan.Write) *dynamodb.DeleteItemInput {
	return &dynamodb.DeleteItemInput{
		TableName: aws.String(w.Table), Key: w.Key, ConditionExpression: optional(w.Cond),
		ExpressionAttributeNames: w.Names, ExpressionAttributeValues: w.Values,
		ReturnValuesOnConditionCheckFailure: onConditionFailure(w),
		ReturnConsumedCapacity:              types.ReturnConsumedCapacityIndexes,
	}
}

// transactItem is w as one item of a TransactWriteItems, built from the
// same inputs as the write sent alone.
func transactItem(w *plan.Write) types.TransactWriteItem {
	onFail := onConditionFailure(w)
	switch w.Kind {
	case plan.WritePut:
		in := putInput(w)
		return types.TransactWriteItem{Put: &types.Put{TableName: in.TableName, Item: in.Item, ConditionExpression: in.ConditionExpression,
			ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: in.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFail}}
	case plan.WriteUpdate:
		in := updateInput(w)
		return types.TransactWriteItem{Update: &types.Update{TableName: in.TableName, Key: in.Key, UpdateExpression: in.UpdateExpression,
			ConditionExpression: in.ConditionExpression, ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: in.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFail}}
	case plan.WriteDelete:
		in := deleteInput(w)
		return types.TransactWriteItem{Delete: &types.Delete{TableName: in.TableName, Key: in.Key, ConditionExpression: in.ConditionExpression,
			ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: in.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFail}}
	}
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(w.Table), Key: w.Key, ConditionExpression: optional(w.Cond),
		ExpressionAttributeNames: w.Names, ExpressionAttributeValues: w.Values, ReturnValuesOnConditionCheckFailure: onFail}}
}
