package dynamorm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// transaction is dynamorm's core.TransactionBuilder. Each call builds its
// operation at once (encoding the item and applying lifecycle fields to the
// Go value); Execute sends them all as one TransactWriteItems through the
// same commit as DB.Transaction. The first problem found while building is
// returned by Execute, nothing is sent, and the Go values are restored.
type transaction struct {
	db *DB

	mu       sync.Mutex
	ctx      context.Context
	ops      plan.Writes
	err      error
	done     bool // executed, or failed and restored
	inWriter bool // built by TransactWrite: Execute belongs to TransactWrite
}

var _ core.TransactionBuilder = (*transaction)(nil)

// Transact starts a fluent transaction:
//
//	err := db.Transact().
//		Update(from, []string{"Balance"}, core.Condition("Balance", ">=", amount)).
//		Update(to, []string{"Balance"}).
//		Create(transfer).
//		Execute()
//
// It is atomic as DB.Transaction is: all operations are written or none.
func (db *DB) Transact() core.TransactionBuilder {
	return &transaction{db: db, ctx: db.ctx}
}

// add builds one operation with build, unless an earlier one failed.
func (t *transaction) add(op string, m any, build func(q *query) (*plan.Write, error)) core.TransactionBuilder {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil || t.done {
		return t
	}
	q := newQuery(t.db, m)
	q.transact = true
	q.ctx = t.ctx // the tenant of the builder's context
	var w *plan.Write
	err := q.err
	if err == nil {
		w, err = build(q)
	}
	if err != nil {
		name := fmt.Sprintf("%T", m)
		if q.model != nil {
			name = q.model.Name()
		}
		t.err = fmt.Errorf("transaction operation %d (%s %s): %w", len(t.ops), op, name, err)
		return t
	}
	t.ops = append(t.ops, w)
	return t
}

// withConds returns q with the transaction conditions added.
func withConds(build func(q *query) (*plan.Write, error), conds []core.TransactCondition) func(q *query) (*plan.Write, error) {
	return func(q *query) (*plan.Write, error) {
		q, err := q.withTransactConds(conds)
		if err != nil {
			return nil, err
		}
		return build(q)
	}
}

// Put writes model whether or not its item exists, as CreateOrUpdate does
// (a version field must match the stored one), plus conds.
func (t *transaction) Put(m any, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("Put", m, withConds((*query).planUpsert, conds))
}

// Create writes model only if its item does not exist, plus conds.
func (t *transaction) Create(m any, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("Create", m, withConds((*query).planCreate, conds))
}

// Update writes the named fields (all non-key fields when fields is empty)
// of model's existing item, as Update does, plus conds.
func (t *transaction) Update(m any, fields []string, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("Update", m, withConds(func(q *query) (*plan.Write, error) { return q.planUpdate(fields) }, conds))
}

// UpdateWithBuilder updates model's item with the update expression fn
// builds on an UpdateBuilder, plus conds. fn only describes the update;
// the transaction sends it (calling Execute in fn is allowed and adds
// nothing more; ExecuteWithResult fails, transactions return no values).
func (t *transaction) UpdateWithBuilder(m any, fn func(core.UpdateBuilder) error, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("UpdateWithBuilder", m, withConds(func(q *query) (*plan.Write, error) {
		if fn == nil {
			return nil, fmt.Errorf("%w: UpdateWithBuilder needs a function", core.ErrValidation)
		}
		// The builder's query belongs to a private collector, so that an
		// Execute inside fn is collected instead of sent.
		c := &txCollector{}
		q = q.clone()
		q.tx = c
		ub := q.UpdateBuilder()
		u, ok := ub.(*updateBuilder)
		if !ok {
			return nil, fmt.Errorf("dynamorm: UpdateWithBuilder: unexpected update builder %T", ub)
		}
		if err := fn(u); err != nil {
			c.undo()
			return nil, err
		}
		switch len(c.ops) {
		case 0:
			return u.plan(false)
		case 1:
			return c.ops[0], nil
		}
		c.undo()
		return nil, fmt.Errorf("%w: UpdateWithBuilder: the function executed %d updates; describe one update", core.ErrValidation, len(c.ops))
	}, conds))
}

// Delete deletes model's item (checking its version field when it holds a
// non-zero value), plus conds.
func (t *transaction) Delete(m any, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("Delete", m, withConds((*query).planDelete, conds))
}

// ConditionCheck requires conds (at least one) to hold on model's item.
func (t *transaction) ConditionCheck(m any, conds ...core.TransactCondition) core.TransactionBuilder {
	return t.add("ConditionCheck", m, func(q *query) (*plan.Write, error) { return q.buildCheck(conds) })
}

// WithContext sets the context Execute uses.
func (t *transaction) WithContext(ctx context.Context) core.TransactionBuilder {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	t.ctx = t.db.scoped(ctx)
	return t
}

// Execute sends the transaction with the builder's context.
func (t *transaction) Execute() error {
	t.mu.Lock()
	ctx := t.ctx
	inWriter := t.inWriter
	t.mu.Unlock()
	if inWriter {
		return fmt.Errorf("%w: inside TransactWrite's function, do not call Execute: the transaction is executed when the function returns nil", core.ErrValidation)
	}
	return t.execute(ctx)
}

// ExecuteWithContext sends the transaction with ctx.
func (t *transaction) ExecuteWithContext(ctx context.Context) error {
	t.mu.Lock()
	inWriter := t.inWriter
	t.mu.Unlock()
	if inWriter {
		return fmt.Errorf("%w: inside TransactWrite's function, do not call ExecuteWithContext: the transaction is executed when the function returns nil", core.ErrValidation)
	}
	return t.execute(t.db.scoped(ctx))
}

func (t *transaction) execute(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return fmt.Errorf("%w: the transaction was already executed; start a new one with Transact()", core.ErrValidation)
	}
	t.done = true
	if t.err != nil {
		t.restore()
		return t.err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	db, c := t.db.withContext(ctx).begin(ctx, "Transaction")
	if err := db.checkOpen(); err != nil {
		t.restore()
		return c.end(err)
	}
	return c.end(db.commit(t.ops))
}

// restore undoes the Go-value changes of every operation built.
func (t *transaction) restore() { t.ops.Undo() }

// TransactWrite builds a transaction with fn and executes it with ctx when
// fn returns nil. When fn returns an error or panics, nothing is written,
// the Go values of the operations built are restored, and the error is
// returned (the panic re-raised). fn must not call Execute.
func (db *DB) TransactWrite(ctx context.Context, fn func(core.TransactionBuilder) error) (err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if fn == nil {
		return fmt.Errorf("%w: TransactWrite needs a function", core.ErrValidation)
	}
	ctx = db.scoped(ctx)
	t := &transaction{db: db, ctx: ctx, inWriter: true}
	defer func() {
		if p := recover(); p != nil {
			t.mu.Lock()
			t.done = true
			t.restore()
			t.mu.Unlock()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		t.mu.Lock()
		t.done = true
		t.restore()
		t.mu.Unlock()
		return err
	}
	return t.execute(ctx)
}

// TransactGet reads the items of dests atomically with one
// TransactGetItems (at most 100). Each destination is a pointer to a model
// with its key fields set; found items are decoded into it in place (fields
// the item lacks become zero). When items are missing, their destinations
// are left untouched and the error, which wraps ErrItemNotFound, names each
// of them, after every found item has been filled.
func (db *DB) TransactGet(ctx context.Context, dests ...any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx = db.scoped(ctx)
	d, c := db.withContext(ctx).begin(ctx, "TransactGet")
	return c.end(d.transactGetInto(dests))
}

// transactGetInto is TransactGet on db's context without the call's
// observation.
func (db *DB) transactGetInto(dests []any) error {
	ctx := db.ctx
	if err := db.checkOpen(); err != nil {
		return err
	}
	if len(dests) == 0 {
		return nil
	}
	if len(dests) > MaxTransactionItems {
		return fmt.Errorf("%w: TransactGet of %d items; DynamoDB allows at most %d", core.ErrValidation, len(dests), MaxTransactionItems)
	}
	d := db
	ops := make(plan.Writes, len(dests))
	queries := make([]*query, len(dests))
	items := make([]types.TransactGetItem, len(dests))
	seen := make(map[string]int, len(dests))
	for i, dest := range dests {
		v := reflect.ValueOf(dest)
		if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%w: TransactGet: destination %d must be a non-nil pointer to a model struct, got %T", core.ErrValidation, i, dest)
		}
		q := newQuery(d, dest)
		if q.err != nil {
			return errs.At("TransactGet", fmt.Sprintf("destination %d", i), q.err)
		}
		key, err := q.key("TransactGet")
		if err != nil {
			return errs.At("TransactGet "+q.model.Name(), fmt.Sprintf("destination %d", i), err)
		}
		w := &plan.Write{Op: "Get", Model: q.model, Table: q.table(), Key: key}
		if w.Tenant, err = q.tenantID(); err != nil {
			return errs.At("TransactGet "+q.model.Name(), fmt.Sprintf("destination %d", i), err)
		}
		id := w.ID()
		if j, dup := seen[id]; dup {
			return fmt.Errorf("%w: TransactGet: destinations %d and %d are both %s in table %s; DynamoDB allows one read per item", core.ErrValidation, j, i, w.Describe(), w.Table)
		}
		seen[id] = i
		ops[i], queries[i] = w, q
		items[i] = types.TransactGetItem{Get: &types.Get{TableName: aws.String(w.Table), Key: key}}
	}
	out, err := db.transactGet(ctx, items, ops, queries[0])
	if err != nil {
		return err
	}
	if len(out.Responses) != len(dests) {
		return fmt.Errorf("dynamorm: TransactGet: DynamoDB returned %d responses for %d items", len(out.Responses), len(dests))
	}
	var missing []string
	for i, r := range out.Responses {
		if r.Item == nil || !plan.OfModel(ops[i].Model, r.Item) { // (a guard is no item of the model)
			missing = append(missing, fmt.Sprintf("destination %d (%s in table %s)", i, ops[i].Describe(), ops[i].Table))
			continue
		}
		if err := plan.CheckTenant(ops[i].Model, ops[i].Tenant, r.Item); err != nil {
			return fmt.Errorf("TransactGet: destination %d: %w", i, err)
		}
		if err := db.decodeOne(r.Item, dests[i], nil); err != nil {
			return fmt.Errorf("TransactGet: destination %d: %w", i, err)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: TransactGet: %s", core.ErrItemNotFound, strings.Join(missing, ", "))
	}
	return nil
}
