package core

import "context"

// Tx collects the writes of one transaction run by DB.Transaction. Writes
// made through it are not sent when they are called: they are committed
// together, atomically, when the transaction function returns nil.
type Tx struct {
	w TxWriter
}

// TxWriter is what a Tx delegates to. dynamorm provides the real one; tests
// of code that receives a *Tx can build one with NewTx around a double.
type TxWriter interface {
	// Model starts a transactional operation on a model: its Create,
	// CreateOrUpdate, Update and Delete join the transaction.
	Model(model any) Query
	// ConditionCheck adds a condition on another item that must hold for
	// the transaction to commit.
	ConditionCheck(model any, conds ...TransactCondition) error
}

// NewTx returns a Tx that delegates to w.
func NewTx(w TxWriter) *Tx { return &Tx{w: w} }

// Model starts a transactional operation on model.
func (tx *Tx) Model(model any) Query { return tx.w.Model(model) }

// Create adds a create of model (failing the transaction if it exists).
func (tx *Tx) Create(model any) error { return tx.w.Model(model).Create() }

// CreateOrUpdate adds an unconditional put of model.
func (tx *Tx) CreateOrUpdate(model any) error { return tx.w.Model(model).CreateOrUpdate() }

// Update adds an update of the named fields of model (all non-key fields
// when none are named); the item must exist.
func (tx *Tx) Update(model any, fields ...string) error { return tx.w.Model(model).Update(fields...) }

// Delete adds a delete of model's item.
func (tx *Tx) Delete(model any) error { return tx.w.Model(model).Delete() }

// ConditionCheck adds a condition on model's item that must hold for the
// transaction to commit.
func (tx *Tx) ConditionCheck(model any, conds ...TransactCondition) error {
	return tx.w.ConditionCheck(model, conds...)
}

// TransactionBuilder builds a TransactWriteItems request fluently. Problems
// found while building (an invalid model, an unknown field) are reported by
// Execute, and nothing is sent.
type TransactionBuilder interface {
	// Put writes model unconditionally (plus any conditions given).
	Put(model any, conds ...TransactCondition) TransactionBuilder
	// Create writes model only if its item does not exist.
	Create(model any, conds ...TransactCondition) TransactionBuilder
	// Update writes the named fields (all non-key fields when fields is
	// empty) of model's existing item.
	Update(model any, fields []string, conds ...TransactCondition) TransactionBuilder
	// UpdateWithBuilder updates model's item with an update expression.
	UpdateWithBuilder(model any, fn func(UpdateBuilder) error, conds ...TransactCondition) TransactionBuilder
	// Delete deletes model's item.
	Delete(model any, conds ...TransactCondition) TransactionBuilder
	// ConditionCheck requires conds to hold on model's item.
	ConditionCheck(model any, conds ...TransactCondition) TransactionBuilder
	// WithContext sets the context Execute uses.
	WithContext(ctx context.Context) TransactionBuilder
	// Execute sends the transaction.
	Execute() error
	// ExecuteWithContext sends the transaction with ctx.
	ExecuteWithContext(ctx context.Context) error
}

// ConditionKind says what a TransactCondition checks.
type ConditionKind int

// The kinds of TransactCondition.
const (
	ConditionField      ConditionKind = iota // Field Operator Value
	ConditionExpression                      // a raw Expression with Values
	ConditionExists                          // the item exists
	ConditionNotExists                       // the item does not exist
	ConditionVersion                         // the version field equals Value
)

// TransactCondition is a condition on one operation of a transaction. Build
// one with IfExists, IfNotExists, AtVersion, Condition or ConditionExpr.
type TransactCondition struct {
	Kind       ConditionKind
	Field      string
	Operator   string
	Value      any
	Expression string
	Values     map[string]any
}

// IfExists requires the item to exist.
func IfExists() TransactCondition { return TransactCondition{Kind: ConditionExists} }

// IfNotExists requires the item not to exist.
func IfNotExists() TransactCondition { return TransactCondition{Kind: ConditionNotExists} }

// AtVersion requires the model's version field to equal v in the database.
func AtVersion(v int64) TransactCondition {
	return TransactCondition{Kind: ConditionVersion, Value: v}
}

// Condition requires field op value to hold on the item.
func Condition(field, op string, value any) TransactCondition {
	return TransactCondition{Kind: ConditionField, Field: field, Operator: op, Value: value}
}

// ConditionExpr requires a raw condition expression to hold; values are
// referenced as :name.
func ConditionExpr(expr string, values map[string]any) TransactCondition {
	return TransactCondition{Kind: ConditionExpression, Expression: expr, Values: values}
}
