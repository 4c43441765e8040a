package dynamorm

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

type writeKind int

const (
	writePut writeKind = iota
	writeUpdate
	writeDelete
	writeCheck
)

// writeOp is one planned write. The same op is sent alone (PutItem,
// UpdateItem, DeleteItem), joins a transaction, or joins a batch.
type writeOp struct {
	kind   writeKind
	op     string // Create, CreateOrUpdate, Update, Delete, ...
	model  *model.Model
	table  string
	item   map[string]types.AttributeValue // put
	key    map[string]types.AttributeValue // update, delete, check
	update string
	cond   string
	names  map[string]string
	values map[string]types.AttributeValue

	returnValues types.ReturnValue
	// missingIsNotFound: a failed condition on an item that does not exist
	// means ErrItemNotFound (Update), not ErrConditionFailed.
	missingIsNotFound bool
	// life holds the Go-value changes the write makes (timestamps, version,
	// ULIDs); they are undone when the write fails.
	life *lifecycle
	// onResult, if set, receives the attributes UpdateItem returned.
	onResult func(map[string]types.AttributeValue) error
	// hasConditions: the op carries conditions a batch cannot express.
	hasConditions bool
}

// describe names the op's item for error messages: Model{pk=..., sk=...}.
func (w *writeOp) describe() string {
	key := w.key
	if key == nil {
		key = keyOf(w.item, keyAttrs(w.model))
	}
	s := w.model.Name() + "{"
	for i, a := range keyAttrs(w.model) {
		if i > 0 {
			s += ", "
		}
		s += a + "=" + core.FormatValue(key[a])
	}
	return s + "}"
}

func keyAttrs(m *model.Model) []string {
	if m.SK != nil {
		return []string{m.PK.Attr, m.SK.Attr}
	}
	return []string{m.PK.Attr}
}

// writeCond is a condition added to a write with IfExists, IfNotExists,
// WithCondition or WithConditionExpression.
type writeCond struct {
	kind   core.ConditionKind
	cond   expr.Cond
	raw    string
	values map[string]types.AttributeValue
}

// IfNotExists makes the write conditional on the item not existing.
func (q *query) IfNotExists() core.Query {
	n := q.clone()
	n.conds = append(n.conds, writeCond{kind: core.ConditionNotExists})
	return n
}

// IfExists makes the write conditional on the item existing.
func (q *query) IfExists() core.Query {
	n := q.clone()
	n.conds = append(n.conds, writeCond{kind: core.ConditionExists})
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
	n.conds = append(n.conds, writeCond{kind: core.ConditionField, cond: expr.Cond{Path: c.Path, Op: c.Op, Values: c.Values}})
	return n
}

// WithConditionExpression adds a raw condition expression. In it, #Name
// refers to a field (by Go or attribute name) and :name to values[name].
func (q *query) WithConditionExpression(exp string, values map[string]any) core.Query {
	if q.err != nil {
		return q.clone()
	}
	wc, err := q.rawCondition(exp, values)
	if err != nil {
		return q.fail(err)
	}
	n := q.clone()
	n.conds = append(n.conds, wc)
	return n
}

func (q *query) rawCondition(exp string, values map[string]any) (writeCond, error) {
	if exp == "" {
		return writeCond{}, fmt.Errorf("%w: empty condition expression", core.ErrValidation)
	}
	avs := make(map[string]types.AttributeValue, len(values))
	for k, v := range values {
		name := k
		if len(name) > 0 && name[0] == ':' {
			name = name[1:]
		}
		av, err := marshal.MarshalValue(v)
		if err != nil {
			return writeCond{}, fmt.Errorf("condition value %s: %w", k, err)
		}
		avs[name] = av
	}
	return writeCond{kind: core.ConditionExpression, raw: exp, values: avs}, nil
}

// renderConds renders the query's write conditions plus the extra ones the
// operation needs, ANDed.
func (q *query) renderConds(b *expr.Builder, extra ...string) (string, error) {
	if len(q.conds) == 0 {
		return expr.And(extra...), nil
	}
	parts := append([]string(nil), extra...)
	for _, c := range q.conds {
		s, err := q.renderCond(b, c)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return expr.And(parts...), nil
}

func (q *query) renderCond(b *expr.Builder, c writeCond) (string, error) {
	switch c.kind {
	case core.ConditionExists:
		return "attribute_exists(" + b.Name(q.model.PK.Attr) + ")", nil
	case core.ConditionNotExists:
		return "attribute_not_exists(" + b.Name(q.model.PK.Attr) + ")", nil
	case core.ConditionField:
		return b.Condition(c.cond)
	case core.ConditionExpression:
		return b.Rewrite(c.raw, q.attrOf, c.values)
	}
	return "", fmt.Errorf("%w: unknown condition kind %d", core.ErrValidation, c.kind)
}

// attrOf maps a field name used in a raw expression to its attribute name;
// names that are no field are taken as attribute names.
func (q *query) attrOf(name string) string {
	if f, ok := q.model.Field(name); ok {
		return f.Attr
	}
	return name
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

// key encodes the item's primary key, rejecting empty key values.
func (q *query) key(op string) (map[string]types.AttributeValue, error) {
	key := make(map[string]types.AttributeValue, 2)
	for _, f := range []*model.Field{q.model.PK, q.model.SK} {
		if f == nil {
			continue
		}
		av, err := q.codec.EncodeAttr(q.item, f.Attr)
		if err != nil {
			return nil, fmt.Errorf("%s %s: key %s: %w", op, q.model.Name(), f.GoName, err)
		}
		if err := checkKeyValue(q.model, f, av, op); err != nil {
			return nil, err
		}
		key[f.Attr] = av
	}
	return key, nil
}

func checkKeyValue(m *model.Model, f *model.Field, av types.AttributeValue, op string) error {
	role := "partition key"
	if f.SK {
		role = "sort key"
	}
	empty := av == nil
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		empty = v.Value == ""
	case *types.AttributeValueMemberB:
		empty = len(v.Value) == 0
	case *types.AttributeValueMemberNULL:
		empty = true
	}
	if empty {
		return fmt.Errorf("%w: %s %s: %s %s is empty; set it before the call", core.ErrValidation, op, m.Name(), role, f.GoName)
	}
	return nil
}

// send runs one write on its own.
func (q *query) send(w *writeOp) error {
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	var (
		err   error
		old   map[string]types.AttributeValue
		attrs map[string]types.AttributeValue
	)
	cond := optional(w.cond)
	onFail := types.ReturnValuesOnConditionCheckFailureNone
	if w.missingIsNotFound {
		onFail = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	switch w.kind {
	case writePut:
		var out *dynamodb.PutItemOutput
		out, err = q.db.shared.client.PutItem(q.ctx, &dynamodb.PutItemInput{
			TableName: aws.String(w.table), Item: w.item, ConditionExpression: cond,
			ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values,
			ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
		})
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
		}
	case writeUpdate:
		var out *dynamodb.UpdateItemOutput
		out, err = q.db.shared.client.UpdateItem(q.ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(w.table), Key: w.key, UpdateExpression: aws.String(w.update),
			ConditionExpression: cond, ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values,
			ReturnValues: w.returnValues, ReturnValuesOnConditionCheckFailure: onFail,
			ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
		})
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
			attrs = out.Attributes
		}
	case writeDelete:
		var out *dynamodb.DeleteItemOutput
		out, err = q.db.shared.client.DeleteItem(q.ctx, &dynamodb.DeleteItemInput{
			TableName: aws.String(w.table), Key: w.key, ConditionExpression: cond,
			ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values,
			ReturnValuesOnConditionCheckFailure: onFail,
			ReturnConsumedCapacity:              types.ReturnConsumedCapacityIndexes,
		})
		if out != nil {
			q.recordWrite(out.ConsumedCapacity)
		}
	default:
		return fmt.Errorf("dynamorm: a condition check is only valid in a transaction")
	}
	if err != nil {
		w.life.undo()
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			old = ccf.Item
			if w.missingIsNotFound && old == nil {
				return &OpError{Op: w.op, Model: w.model.Name(), Table: w.table, Sentinel: core.ErrItemNotFound,
					Err: fmt.Errorf("%s does not exist: %w", w.describe(), err)}
			}
		}
		return wrapAWS(w.op, w.model.Name(), w.table, err)
	}
	if w.onResult != nil && attrs != nil {
		return w.onResult(attrs)
	}
	return nil
}
