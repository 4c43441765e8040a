package dynamorm

import (
	"fmt"
	"sync"

	"github.com/dynamorm/dynamorm/internal/plan"
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
	ops plan.Writes
}

func (c *txCollector) add(w *plan.Write) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, w)
	return nil
}

func (c *txCollector) undo() { c.ops.Undo() }

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

// buildCheck plans a ConditionCheck of conds on the model's item.
func (q *query) buildCheck(conds []core.TransactCondition) (*plan.Write, error) {
	q, err := q.withTransactConds(conds)
	if err != nil {
		return nil, err
	}
	return q.planCheck()
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
func (db *DB) Transaction(fn func(tx *Tx) error) error {
	db, c := db.begin(db.ctx, "Transaction")
	if c != nil {
		defer c.endOnPanic()
	}
	return c.end(db.transaction(fn))
}

// transaction is Transaction without the call's observation.
func (db *DB) transaction(fn func(tx *Tx) error) error {
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
