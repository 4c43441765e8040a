package dynamorm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Tx collects the writes of a transaction; see DB.Transaction.
type Tx = core.Tx

// Transaction limits DynamoDB enforces, checked before sending.
const (
	MaxTransactionItems = 100
	MaxTransactionBytes = 4 * 1024 * 1024
)

// txCollector gathers the writes made through a Tx.
type txCollector struct {
	mu  sync.Mutex
	ops []*writeOp
}

func (c *txCollector) add(w *writeOp) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, w)
	return nil
}

func (c *txCollector) undo() {
	for i := len(c.ops) - 1; i >= 0; i-- {
		c.ops[i].life.undo()
	}
}

// txWriter is the core.TxWriter of DB.Transaction.
type txWriter struct {
	db *DB
	c  *txCollector
}

func (t *txWriter) Model(m any) core.Query {
	q := newQuery(t.db, m)
	q.tx = t.c
	return q
}

func (t *txWriter) ConditionCheck(m any, conds ...core.TransactCondition) error {
	q := newQuery(t.db, m)
	w, err := q.buildCheck(conds)
	if err != nil {
		return err
	}
	return t.c.add(w)
}

// buildCheck builds a ConditionCheck on the model's item.
func (q *query) buildCheck(conds []core.TransactCondition) (*writeOp, error) {
	if err := q.requireItem("ConditionCheck"); err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, fmt.Errorf("%w: ConditionCheck %s needs at least one condition", core.ErrValidation, q.model.Name())
	}
	key, err := q.key("ConditionCheck")
	if err != nil {
		return nil, err
	}
	if q, err = q.withTransactConds(conds); err != nil {
		return nil, err
	}
	var b expr.Builder
	w := &writeOp{kind: writeCheck, op: "ConditionCheck", model: q.model, table: q.table(), key: key, hasConditions: true}
	if w.cond, err = q.renderConds(&b); err != nil {
		return nil, err
	}
	w.names, w.values = b.Names(), b.Values()
	return w, nil
}

// withTransactConds adds core.TransactConditions to the query's write
// conditions.
func (q *query) withTransactConds(conds []core.TransactCondition) (*query, error) {
	n := q.clone()
	for _, c := range conds {
		switch c.Kind {
		case core.ConditionExists:
			n = n.IfExists().(*query)
		case core.ConditionNotExists:
			n = n.IfNotExists().(*query)
		case core.ConditionField:
			n = n.WithCondition(c.Field, c.Operator, c.Value).(*query)
		case core.ConditionExpression:
			n = n.WithConditionExpression(c.Expression, c.Values).(*query)
		case core.ConditionVersion:
			if n.model == nil || n.model.Version == nil {
				return nil, fmt.Errorf("%w: AtVersion: %s has no version field", core.ErrValidation, q.model.Name())
			}
			n = n.WithCondition(n.model.Version.GoName, "=", c.Value).(*query)
		default:
			return nil, fmt.Errorf("%w: unknown condition kind %d", core.ErrValidation, c.Kind)
		}
		if n.err != nil {
			return nil, n.err
		}
	}
	return n, nil
}

// Transaction runs fn and commits the writes made through tx as one
// TransactWriteItems request when fn returns nil. When fn returns an error
// or panics, nothing is written and the Go values are left as they were
// (the panic is re-raised). Reads are not part of the transaction.
func (db *DB) Transaction(fn func(tx *Tx) error) (err error) {
	if err := db.checkOpen(); err != nil {
		return err
	}
	c := &txCollector{}
	defer func() {
		if p := recover(); p != nil {
			c.undo()
			panic(p)
		}
	}()
	if err := fn(core.NewTx(&txWriter{db: db, c: c})); err != nil {
		c.undo()
		return err
	}
	return db.commit(c.ops)
}

// commit validates and sends a transaction; on failure it undoes the Go
// value changes of every op.
func (db *DB) commit(ops []*writeOp) error {
	if len(ops) == 0 {
		return nil
	}
	undo := func() {
		for i := len(ops) - 1; i >= 0; i-- {
			ops[i].life.undo()
		}
	}
	items, err := transactItems(ops)
	if err != nil {
		undo()
		return err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	q := &query{db: db, ctx: db.ctx}
	out, err := db.shared.client.TransactWriteItems(db.ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: items,
		// The same token on the SDK's retries makes a retried commit apply once.
		ClientRequestToken:     aws.String(hex.EncodeToString(token)),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if out != nil {
		for i := range out.ConsumedCapacity {
			q.recordWrite(&out.ConsumedCapacity[i])
		}
	}
	if err != nil {
		undo()
		return transactionError(ops, err)
	}
	return nil
}

// transactItems converts ops, enforcing DynamoDB's limits client-side.
func transactItems(ops []*writeOp) ([]types.TransactWriteItem, error) {
	if len(ops) > MaxTransactionItems {
		return nil, fmt.Errorf("%w: a transaction has %d operations; DynamoDB allows at most %d", core.ErrValidation, len(ops), MaxTransactionItems)
	}
	seen := make(map[string]int, len(ops))
	size := 0
	items := make([]types.TransactWriteItem, len(ops))
	for i, w := range ops {
		id := w.table + "\x00" + w.describe()
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("%w: transaction operations %d (%s) and %d (%s) both touch %s in table %s; DynamoDB allows one operation per item", core.ErrValidation, j, ops[j].op, i, w.op, w.describe(), w.table)
		}
		seen[id] = i
		// DynamoDB's transaction payload: the items, keys and values carried.
		size += itemSize(w.item) + itemSize(w.key) + itemSize(w.values)
		table := aws.String(w.table)
		cond := optional(w.cond)
		// For ops whose failed condition on a missing item means "not
		// found", ask for the old item so that its absence can be told.
		onFail := types.ReturnValuesOnConditionCheckFailureNone
		if w.missingIsNotFound {
			onFail = types.ReturnValuesOnConditionCheckFailureAllOld
		}
		switch w.kind {
		case writePut:
			items[i].Put = &types.Put{TableName: table, Item: w.item, ConditionExpression: cond,
				ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values, ReturnValuesOnConditionCheckFailure: onFail}
		case writeUpdate:
			items[i].Update = &types.Update{TableName: table, Key: w.key, UpdateExpression: aws.String(w.update),
				ConditionExpression: cond, ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values, ReturnValuesOnConditionCheckFailure: onFail}
		case writeDelete:
			items[i].Delete = &types.Delete{TableName: table, Key: w.key, ConditionExpression: cond,
				ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values, ReturnValuesOnConditionCheckFailure: onFail}
		case writeCheck:
			items[i].ConditionCheck = &types.ConditionCheck{TableName: table, Key: w.key, ConditionExpression: cond,
				ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values, ReturnValuesOnConditionCheckFailure: onFail}
		}
	}
	if size > MaxTransactionBytes {
		return nil, fmt.Errorf("%w: the transaction is about %d bytes; DynamoDB allows at most %d (4 MB)", core.ErrValidation, size, MaxTransactionBytes)
	}
	return items, nil
}

// TransactionError reports a transaction DynamoDB cancelled: for each
// operation that failed, its position, model, key and reason. errors.Is
// matches ErrTransactionFailed, and ErrConditionFailed when a condition
// failed; errors.As reaches *types.TransactionCanceledException.
type TransactionError struct {
	Failures []TransactionFailure
	Err      error
}

// TransactionFailure is one failed operation of a transaction.
type TransactionFailure struct {
	Index   int    // position in the transaction, from 0
	Op      string // Create, Update, Delete, ConditionCheck, ...
	Model   string
	Table   string
	Key     string // the item, as Model{attr=value, ...}
	Code    string // DynamoDB's reason code: ConditionalCheckFailed, TransactionConflict, ...
	Message string
}

func (e *TransactionError) Error() string {
	if len(e.Failures) == 0 {
		return fmt.Sprintf("%v: %v", core.ErrTransactionFailed, e.Err)
	}
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = fmt.Sprintf("operation %d (%s %s): %s", f.Index, f.Op, f.Key, f.Code)
		if f.Message != "" {
			parts[i] += ": " + f.Message
		}
	}
	return fmt.Sprintf("%v: %s", core.ErrTransactionFailed, strings.Join(parts, "; "))
}

// Unwrap returns the AWS error.
func (e *TransactionError) Unwrap() error { return e.Err }

// Is matches ErrTransactionFailed, and ErrConditionFailed when an
// operation's condition failed.
func (e *TransactionError) Is(target error) bool {
	switch target {
	case core.ErrTransactionFailed:
		return true
	case core.ErrConditionFailed:
		for _, f := range e.Failures {
			if f.Code == "ConditionalCheckFailed" {
				return true
			}
		}
	}
	return false
}

func transactionError(ops []*writeOp, err error) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return wrapAWS("Transaction", "", "", err)
	}
	te := &TransactionError{Err: err}
	for i, r := range tce.CancellationReasons {
		code := aws.ToString(r.Code)
		if code == "" || code == "None" || i >= len(ops) {
			continue
		}
		w := ops[i]
		msg := aws.ToString(r.Message)
		if code == "ConditionalCheckFailed" && w.missingIsNotFound && r.Item == nil {
			msg = "item does not exist (" + msg + ")"
		}
		te.Failures = append(te.Failures, TransactionFailure{
			Index: i, Op: w.op, Model: w.model.Name(), Table: w.table, Key: w.describe(),
			Code: code, Message: msg,
		})
	}
	return te
}
