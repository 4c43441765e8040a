package tests

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// The reference README's transaction models: an account debited, a payment
// recorded, an audit log written.

type BankAccount struct {
	ID        string    `dynamorm:"pk" json:"id"`
	Owner     string    `json:"owner"`
	Balance   int64     `json:"balance"`
	Version   int64     `dynamorm:"version" json:"version"`
	CreatedAt time.Time `dynamorm:"created_at" json:"created_at"`
	UpdatedAt time.Time `dynamorm:"updated_at" json:"updated_at"`
}

type TxPayment struct {
	ID        string    `dynamorm:"pk" json:"id"`
	AccountID string    `json:"account_id"`
	Amount    int64     `json:"amount"`
	Status    string    `json:"status"`
	CreatedAt time.Time `dynamorm:"created_at" json:"created_at"`
}

type AuditLog struct {
	ID        string    `dynamorm:"pk,ulid" json:"id"`
	Action    string    `json:"action"`
	PaymentID string    `json:"payment_id"`
	Amount    int64     `json:"amount"`
	CreatedAt time.Time `dynamorm:"created_at" json:"created_at"`
}

// processPayment is the reference README's transaction, verbatim but for
// the model names; audit is the audit log to create (nil: a new one).
func processPayment(db *dynamorm.DB, account *BankAccount, payment *TxPayment, audit *AuditLog) error {
	return db.Transaction(func(tx *dynamorm.Tx) error {
		// Debit account
		account.Balance -= payment.Amount
		if err := tx.Model(account).Update(); err != nil {
			return err
		}
		// Create payment record
		payment.Status = "completed"
		if err := tx.Model(payment).Create(); err != nil {
			return err
		}
		// Create audit log
		if audit == nil {
			audit = &AuditLog{}
		}
		audit.Action, audit.PaymentID, audit.Amount = "payment_processed", payment.ID, payment.Amount
		return tx.Model(audit).Create()
	})
}

func txEnv(t *testing.T) *env {
	return newEnv(t, &BankAccount{}, &TxPayment{}, &AuditLog{})
}

// stored reads an item back through the SDK, consistently, and decodes it.
func stored[T any](t *testing.T, e *env, table, id string) (T, bool) {
	t.Helper()
	var v T
	raw := e.rawItem(t, table, map[string]types.AttributeValue{"id": s(id)})
	if raw == nil {
		return v, false
	}
	require.NoError(t, e.db.Model(&v).Where("id", "=", id).ConsistentRead().First(&v))
	return v, true
}

func TestTransactionReferencePatternCommits(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	account := &BankAccount{ID: "acc1", Owner: "ann", Balance: 1000}
	require.NoError(t, e.db.Model(account).Create())
	created := account.CreatedAt
	e.clock.Advance(time.Minute)

	payment := &TxPayment{ID: "pay1", AccountID: "acc1", Amount: 250}
	audit := &AuditLog{}
	require.NoError(t, processPayment(e.db, account, payment, audit))

	// Go values: the version and timestamps were bumped, the ULID generated.
	assert.Equal(t, int64(2), account.Version)
	assert.True(t, account.UpdatedAt.Equal(e.clock.Now()))
	assert.True(t, payment.CreatedAt.Equal(e.clock.Now()))
	assert.Len(t, audit.ID, 26, "ULID key generated")

	// Every item is in the table, as written.
	acc, ok := stored[BankAccount](t, e, "bank_accounts", "acc1")
	require.True(t, ok)
	assert.Equal(t, int64(750), acc.Balance)
	assert.Equal(t, int64(2), acc.Version)
	assert.True(t, acc.CreatedAt.Equal(created) && acc.UpdatedAt.Equal(e.clock.Now()))
	pay, ok := stored[TxPayment](t, e, "tx_payments", "pay1")
	require.True(t, ok)
	assert.Equal(t, "completed", pay.Status)
	log, ok := stored[AuditLog](t, e, "audit_logs", audit.ID)
	require.True(t, ok)
	assert.Equal(t, "payment_processed", log.Action)
	assert.Equal(t, int64(250), log.Amount)
}

func TestTransactionLastOperationFailsWritesNothing(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	account := &BankAccount{ID: "acc1", Owner: "ann", Balance: 1000}
	require.NoError(t, e.db.Model(account).Create())
	// An audit log with the ID the transaction will use exists: its Create,
	// the last operation, fails.
	require.NoError(t, e.db.Model(&AuditLog{ID: "audit-1", Action: "older"}).Create())
	e.clock.Advance(time.Minute)
	before := *account

	payment := &TxPayment{ID: "pay1", AccountID: "acc1", Amount: 250}
	audit := &AuditLog{ID: "audit-1"}
	writes := e.count.writes.Load()
	err := processPayment(e.db, account, payment, audit)
	require.Error(t, err)
	assert.Equal(t, int64(1), e.count.writes.Load()-writes, "one TransactWriteItems")

	// The error names the failing operation: position, model, key, reason.
	assert.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.ErrorIs(t, err, dynamorm.ErrTransactionFailed)
	var te *dynamorm.TransactionError
	require.True(t, errors.As(err, &te), "%T: %v", err, err)
	require.Len(t, te.Failures, 1)
	f := te.Failures[0]
	assert.Equal(t, 2, f.Index)
	assert.Equal(t, "Create", f.Op)
	assert.Equal(t, "AuditLog", f.Model)
	assert.Equal(t, `AuditLog{id="audit-1"}`, f.Key)
	assert.Equal(t, "ConditionalCheckFailed", f.Code)
	assert.Contains(t, err.Error(), `operation 2 (Create AuditLog{id="audit-1"}): ConditionalCheckFailed`)
	var tce *types.TransactionCanceledException
	assert.True(t, errors.As(err, &tce), "the SDK error stays wrapped")

	// Nothing was written: every item reads as before.
	acc, ok := stored[BankAccount](t, e, "bank_accounts", "acc1")
	require.True(t, ok)
	assert.Equal(t, int64(1000), acc.Balance)
	assert.Equal(t, int64(1), acc.Version)
	assert.True(t, acc.UpdatedAt.Equal(before.UpdatedAt))
	_, ok = stored[TxPayment](t, e, "tx_payments", "pay1")
	assert.False(t, ok, "the payment was written")
	log, ok := stored[AuditLog](t, e, "audit_logs", "audit-1")
	require.True(t, ok)
	assert.Equal(t, "older", log.Action)
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, 1, e.itemCount(t, "audit_logs"))
	assert.Equal(t, 1, e.itemCount(t, "bank_accounts"))

	// Go values: the lifecycle fields are as they were (the function's own
	// change to Balance is the caller's).
	assert.Equal(t, before.Version, account.Version)
	assert.True(t, account.UpdatedAt.Equal(before.UpdatedAt))
	assert.True(t, payment.CreatedAt.IsZero())
	assert.True(t, audit.CreatedAt.IsZero())
}

func TestTransactionFunctionErrorWritesNothing(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	account := &BankAccount{ID: "acc1", Balance: 1000}
	require.NoError(t, e.db.Model(account).Create())
	e.clock.Advance(time.Minute)
	before := *account
	writes := e.count.writes.Load()

	boom := errors.New("insufficient funds")
	payment := &TxPayment{ID: "pay1", Amount: 5000}
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		account.Balance -= payment.Amount
		if err := tx.Model(account).Update(); err != nil {
			return err
		}
		if err := tx.Create(payment); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, writes, e.count.writes.Load(), "a request was sent")
	acc, _ := stored[BankAccount](t, e, "bank_accounts", "acc1")
	assert.Equal(t, int64(1000), acc.Balance)
	assert.Equal(t, int64(1), acc.Version)
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, before.Version, account.Version)
	assert.True(t, account.UpdatedAt.Equal(before.UpdatedAt))
	assert.True(t, payment.CreatedAt.IsZero())
}

func TestTransactionPanicWritesNothingAndRepanics(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	account := &BankAccount{ID: "acc1", Balance: 1000}
	require.NoError(t, e.db.Model(account).Create())
	writes := e.count.writes.Load()
	payment := &TxPayment{ID: "pay1", Amount: 10}

	var recovered any
	func() {
		defer func() { recovered = recover() }()
		_ = e.db.Transaction(func(tx *dynamorm.Tx) error {
			if err := tx.Update(account); err != nil {
				return err
			}
			if err := tx.Create(payment); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	assert.Equal(t, "boom", recovered)
	assert.Equal(t, writes, e.count.writes.Load())
	acc, _ := stored[BankAccount](t, e, "bank_accounts", "acc1")
	assert.Equal(t, int64(1), acc.Version)
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, int64(1), account.Version, "Go value restored")
	assert.True(t, payment.CreatedAt.IsZero())
}

func TestTransactionRejectedBeforeSending(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	writes := e.count.writes.Load()

	// More than 100 operations.
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		for i := 0; i < 101; i++ {
			if err := tx.Create(&TxPayment{ID: fmt.Sprintf("p%03d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "101 operations")

	// Two operations on one item.
	a := &BankAccount{ID: "acc1", Balance: 1}
	err = e.db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(&TxPayment{ID: "x"}); err != nil {
			return err
		}
		if err := tx.Create(a); err != nil {
			return err
		}
		return tx.Delete(&BankAccount{ID: "acc1"})
	})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "operations 1 (Create) and 2 (Delete)")
	assert.Equal(t, int64(0), a.Version, "Go value restored")

	// The fluent builder applies the same checks.
	b := e.db.Transact()
	for i := 0; i < 101; i++ {
		b.Create(&TxPayment{ID: fmt.Sprintf("q%03d", i)})
	}
	require.ErrorIs(t, b.Execute(), dynamorm.ErrValidation)

	assert.Equal(t, writes, e.count.writes.Load(), "a request was sent")
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, 0, e.itemCount(t, "bank_accounts"))
}

func TestTransactionUpdateOfMissingItem(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(&TxPayment{ID: "p1"}); err != nil {
			return err
		}
		return tx.Update(&BankAccount{ID: "ghost", Balance: 5})
	})
	var te *dynamorm.TransactionError
	require.True(t, errors.As(err, &te), "%v", err)
	require.Len(t, te.Failures, 1)
	assert.Equal(t, 1, te.Failures[0].Index)
	assert.Contains(t, te.Failures[0].Message, "item does not exist")
	assert.Contains(t, err.Error(), `operation 1 (Update BankAccount{id="ghost"}): ConditionalCheckFailed: item does not exist`)
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, 0, e.itemCount(t, "bank_accounts"))
}

func TestTransactBuilder(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	from := &BankAccount{ID: "from", Balance: 100}
	to := &BankAccount{ID: "to", Balance: 5}
	old := &TxPayment{ID: "old", Amount: 1}
	require.NoError(t, e.db.Model(from).Create())
	require.NoError(t, e.db.Model(to).Create())
	require.NoError(t, e.db.Model(old).Create())
	e.clock.Advance(time.Minute)

	from.Balance -= 30
	err := e.db.Transact().
		Update(from, []string{"Balance"}, core.Condition("Balance", ">=", 30)).
		UpdateWithBuilder(&BankAccount{ID: "to"}, func(u core.UpdateBuilder) error {
			u.Add("Balance", 30)
			return nil
		}, core.AtVersion(1)).
		Create(&TxPayment{ID: "p1", AccountID: "from", Amount: 30}).
		Put(&TxPayment{ID: "p2", Status: "put"}).
		Delete(&TxPayment{ID: "old"}, core.IfExists()).
		ConditionCheck(&AuditLog{ID: "none"}, core.IfNotExists()).
		Execute()
	require.NoError(t, err)

	got, _ := stored[BankAccount](t, e, "bank_accounts", "from")
	assert.Equal(t, int64(70), got.Balance)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, int64(2), from.Version)
	got, _ = stored[BankAccount](t, e, "bank_accounts", "to")
	assert.Equal(t, int64(35), got.Balance)
	assert.Equal(t, int64(2), got.Version, "the update builder bumps the version")
	assert.True(t, got.UpdatedAt.Equal(e.clock.Now()))
	p1, ok := stored[TxPayment](t, e, "tx_payments", "p1")
	assert.True(t, ok && p1.Amount == 30)
	p2, ok := stored[TxPayment](t, e, "tx_payments", "p2")
	assert.True(t, ok && p2.Status == "put")
	_, ok = stored[TxPayment](t, e, "tx_payments", "old")
	assert.False(t, ok, "deleted")
	assert.Equal(t, 0, e.itemCount(t, "audit_logs"))
}

func TestTransactBuilderConditionCheckFails(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	acc := &BankAccount{ID: "acc1", Balance: 10}
	require.NoError(t, e.db.Model(acc).Create())
	require.NoError(t, e.db.Model(&BankAccount{ID: "acc2", Balance: 10}).Create())
	e.clock.Advance(time.Minute)
	pay := &TxPayment{ID: "p1", Amount: 50}
	before := *acc

	acc.Owner = "changed"
	err := e.db.Transact().
		Create(pay).
		Update(acc, []string{"Owner"}).
		ConditionCheck(&BankAccount{ID: "acc2"}, core.Condition("Balance", ">=", 50)).
		Execute()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	var te *dynamorm.TransactionError
	require.True(t, errors.As(err, &te))
	require.Len(t, te.Failures, 1)
	assert.Equal(t, 2, te.Failures[0].Index)
	assert.Equal(t, "ConditionCheck", te.Failures[0].Op)
	assert.Equal(t, `BankAccount{id="acc2"}`, te.Failures[0].Key)

	got, _ := stored[BankAccount](t, e, "bank_accounts", "acc1")
	assert.Equal(t, "", got.Owner)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
	assert.Equal(t, before.Version, acc.Version)
	assert.True(t, before.UpdatedAt.Equal(acc.UpdatedAt))
	assert.True(t, pay.CreatedAt.IsZero())

	// A builder is executed once.
	b := e.db.Transact().Create(&TxPayment{ID: "p2"})
	require.NoError(t, b.Execute())
	require.ErrorIs(t, b.Execute(), dynamorm.ErrValidation)
	assert.Equal(t, 1, e.itemCount(t, "tx_payments"))
}

func TestTransactBuilderErrorSendsNothing(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	acc := &BankAccount{ID: "acc1", Balance: 10}
	require.NoError(t, e.db.Model(acc).Create())
	e.clock.Advance(time.Minute)
	writes := e.count.writes.Load()
	pay := &TxPayment{ID: "p1"}

	err := e.db.Transact().
		Create(pay).
		Update(acc, []string{"NoSuchField"}).
		Delete(&TxPayment{ID: "p0"}).
		Execute()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "transaction operation 1 (Update BankAccount)")
	assert.Contains(t, err.Error(), "NoSuchField")
	assert.Equal(t, writes, e.count.writes.Load())
	assert.True(t, pay.CreatedAt.IsZero(), "Go value restored")
	assert.Equal(t, int64(1), acc.Version)

	// Empty key, condition without a version field, nil model.
	for name, b := range map[string]core.TransactionBuilder{
		"empty key":  e.db.Transact().Create(&TxPayment{}),
		"AtVersion":  e.db.Transact().Put(&TxPayment{ID: "x"}, core.AtVersion(3)),
		"nil model":  e.db.Transact().Delete(nil),
		"no conds":   e.db.Transact().ConditionCheck(&TxPayment{ID: "x"}),
		"bad update": e.db.Transact().UpdateWithBuilder(&BankAccount{ID: "acc1"}, func(u core.UpdateBuilder) error { u.Set("Nope", 1); return nil }),
	} {
		err := b.Execute()
		assert.Error(t, err, name)
	}
	assert.Equal(t, writes, e.count.writes.Load())
	assert.Equal(t, 0, e.itemCount(t, "tx_payments"))
}

func TestTransactWrite(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	ctx := context.Background()
	acc := &BankAccount{ID: "acc1", Balance: 10}
	require.NoError(t, e.db.TransactWrite(ctx, func(tb core.TransactionBuilder) error {
		tb.Create(acc).Create(&TxPayment{ID: "p1", Amount: 10})
		return nil
	}))
	assert.Equal(t, int64(1), acc.Version)
	assert.Equal(t, 1, e.itemCount(t, "bank_accounts"))
	assert.Equal(t, 1, e.itemCount(t, "tx_payments"))

	// fn's error: nothing written, Go values restored.
	boom := errors.New("boom")
	pay := &TxPayment{ID: "p2"}
	err := e.db.TransactWrite(ctx, func(tb core.TransactionBuilder) error {
		tb.Create(pay).Update(acc, nil)
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.True(t, pay.CreatedAt.IsZero())
	assert.Equal(t, int64(1), acc.Version)
	assert.Equal(t, 1, e.itemCount(t, "tx_payments"))

	// Execute inside fn is refused, and nothing is written.
	err = e.db.TransactWrite(ctx, func(tb core.TransactionBuilder) error {
		return tb.Create(&TxPayment{ID: "p3"}).Execute()
	})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Equal(t, 1, e.itemCount(t, "tx_payments"))

	// A cancelled context sends nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = e.db.TransactWrite(cctx, func(tb core.TransactionBuilder) error {
		tb.Create(&TxPayment{ID: "p4"})
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, e.itemCount(t, "tx_payments"))
}

func TestTransactGet(t *testing.T) {
	t.Parallel()
	e := txEnv(t)
	require.NoError(t, e.db.Model(&BankAccount{ID: "a1", Owner: "ann", Balance: 7}).Create())
	require.NoError(t, e.db.Model(&TxPayment{ID: "p1", Amount: 3, Status: "ok"}).Create())
	ctx := context.Background()

	acc := &BankAccount{ID: "a1", Owner: "stale"}
	pay := &TxPayment{ID: "p1"}
	require.NoError(t, e.db.TransactGet(ctx, acc, pay))
	assert.Equal(t, "ann", acc.Owner)
	assert.Equal(t, int64(7), acc.Balance)
	assert.Equal(t, int64(1), acc.Version)
	assert.Equal(t, "ok", pay.Status)

	// A missing item: the found ones are filled, the error names the missing.
	acc2 := &BankAccount{ID: "a1"}
	ghost := &TxPayment{ID: "ghost", Status: "untouched"}
	err := e.db.TransactGet(ctx, acc2, ghost)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Contains(t, err.Error(), `destination 1 (TxPayment{id="ghost"}`)
	assert.Equal(t, "ann", acc2.Owner)
	assert.Equal(t, "untouched", ghost.Status)

	// Bad input fails before sending.
	require.ErrorIs(t, e.db.TransactGet(ctx, &BankAccount{}), dynamorm.ErrValidation)
	require.ErrorIs(t, e.db.TransactGet(ctx, &BankAccount{ID: "a1"}, &BankAccount{ID: "a1"}), dynamorm.ErrValidation)
	require.ErrorIs(t, e.db.TransactGet(ctx, BankAccount{ID: "a1"}), dynamorm.ErrValidation)
	many := make([]any, 101)
	for i := range many {
		many[i] = &TxPayment{ID: fmt.Sprint(i)}
	}
	require.ErrorIs(t, e.db.TransactGet(ctx, many...), dynamorm.ErrValidation)
}
