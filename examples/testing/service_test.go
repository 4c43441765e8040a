package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/mocks"
)

// The reference README's test, as written.
func TestPaymentService(t *testing.T) {
	// CORRECT: Use provided mocks for testing
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)

	mockDB.On("Model", mock.Anything).Return(mockQuery)
	mockQuery.On("Create").Return(nil)

	service := NewPaymentService(mockDB)
	err := service.CreatePayment(&Payment{})

	assert.NoError(t, err)
	mockDB.AssertExpectations(t)
}

// The mock hands back the error the test chooses, such as a duplicate.
func TestCreatePaymentDuplicate(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)
	payment := &Payment{ID: "p-1", Timestamp: "t"}

	mockDB.On("Model", payment).Return(mockQuery) // exactly this payment
	mockQuery.On("Create").Return(fmt.Errorf("create: %w", dynamorm.ErrConditionFailed))

	err := NewPaymentService(mockDB).CreatePayment(payment)
	assert.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	mockDB.AssertExpectations(t)
	mockQuery.AssertExpectations(t)
}

// Pay runs its writes in a transaction: MockDB.Transaction runs the
// function against a MockTxWriter when told to return one.
func TestPayCommitsBothWrites(t *testing.T) {
	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	accountQuery := new(mocks.MockQuery)
	paymentQuery := new(mocks.MockQuery)
	account := &Account{ID: "a-1", Balance: 100}
	payment := &Payment{ID: "p-1", Timestamp: "t", Amount: 30}

	mockDB.On("Transaction", mock.Anything).Return(txw, nil) // run fn, then commit
	txw.On("Model", account).Return(accountQuery)
	txw.On("Model", payment).Return(paymentQuery)
	accountQuery.On("Update", []string{"Balance"}).Return(nil)
	paymentQuery.On("Create").Return(nil)

	require.NoError(t, NewPaymentService(mockDB).Pay(account, payment))
	assert.Equal(t, int64(70), account.Balance)
	assert.Equal(t, "completed", payment.Status)
	for _, m := range []interface{ AssertExpectations(mock.TestingT) bool }{mockDB, txw, accountQuery, paymentQuery} {
		m.AssertExpectations(t)
	}
}

// A failing write inside the transaction is returned as is, and the
// payment is never created.
func TestPayStopsAtTheFirstFailedWrite(t *testing.T) {
	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	accountQuery := new(mocks.MockQuery)
	account := &Account{ID: "a-1", Balance: 100, Version: 3}

	mockDB.On("Transaction", mock.Anything).Return(txw, nil)
	txw.On("Model", account).Return(accountQuery)
	accountQuery.On("Update", []string{"Balance"}).Return(dynamorm.ErrConditionFailed) // stale version

	err := NewPaymentService(mockDB).Pay(account, &Payment{ID: "p-1", Amount: 30})
	assert.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	txw.AssertNumberOfCalls(t, "Model", 1)
}

// A failed commit (Return(txw, err)) reaches the caller.
func TestPayCommitFailure(t *testing.T) {
	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	q := new(mocks.MockQuery)
	mockDB.On("Transaction", mock.Anything).Return(txw, fmt.Errorf("commit: %w", dynamorm.ErrTransactionFailed))
	txw.On("Model", mock.Anything).Return(q)
	q.On("Update", mock.Anything).Return(nil)
	q.On("Create").Return(nil)

	err := NewPaymentService(mockDB).Pay(&Account{ID: "a", Balance: 10}, &Payment{ID: "p", Amount: 1})
	assert.ErrorIs(t, err, dynamorm.ErrTransactionFailed)
}

// Bad input is refused before the DB is touched: a mock with no
// expectations fails the test on any call.
func TestPayRefusesBadInputWithoutTheDB(t *testing.T) {
	mockDB := new(mocks.MockDB)
	service := NewPaymentService(mockDB)

	assert.ErrorContains(t, service.Pay(&Account{Balance: 10}, &Payment{ID: "p", Amount: 0}), "must be positive")
	err := service.Pay(&Account{ID: "a", Balance: 10}, &Payment{ID: "p", Amount: 11})
	assert.True(t, errors.Is(err, ErrInsufficientFunds))
	mockDB.AssertNotCalled(t, "Transaction", mock.Anything)
}

// A query chain on one MockQuery: builder methods return the mock itself,
// and Run fills the destination of All.
func TestCustomerPayments(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)

	mockDB.On("Model", mock.AnythingOfType("*main.Payment")).Return(mockQuery)
	mockQuery.On("Index", "customer-index").Return()
	mockQuery.On("Where", "CustomerID", "=", "c-1").Return()
	mockQuery.On("OrderBy", "Status", "DESC").Return()
	mockQuery.On("Limit", 10).Return()
	mockQuery.On("All", mock.AnythingOfType("*[]main.Payment")).
		Run(func(args mock.Arguments) {
			*args.Get(0).(*[]Payment) = []Payment{{ID: "p-2", Status: "pending"}, {ID: "p-1", Status: "completed"}}
		}).
		Return(nil)

	got, err := NewPaymentService(mockDB).CustomerPayments("c-1", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"p-2", "p-1"}, []string{got[0].ID, got[1].ID})
	mockQuery.AssertExpectations(t)
}

func TestCustomerPaymentsError(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)
	mockDB.On("Model", mock.Anything).Return(mockQuery)
	for _, m := range []string{"Index", "Where", "OrderBy", "Limit"} {
		mockQuery.On(m, mock.Anything, mock.Anything, mock.Anything).Return()
	}
	mockQuery.On("All", mock.Anything).Return(dynamorm.ErrIndexNotFound)

	_, err := NewPaymentService(mockDB).CustomerPayments("c-1", 10)
	assert.ErrorIs(t, err, dynamorm.ErrIndexNotFound)
	assert.ErrorContains(t, err, "payments of c-1")
}

// The same service on a real (in-process) DynamoDB, for what mocks cannot
// show: the transaction is atomic and the index query returns what was
// written.
func TestPaymentServiceOnMemdb(t *testing.T) {
	db := dynamormtest.New(t, &Payment{}, &Account{})
	service := NewPaymentService(db)

	account := &Account{ID: "a-1", Balance: 50}
	require.NoError(t, db.Model(account).Create())
	require.NoError(t, service.Pay(account, &Payment{ID: "p-1", Timestamp: "t1", CustomerID: "c-1", Amount: 20}))

	// A stale account copy fails the whole transaction: no second payment.
	stale := &Account{ID: "a-1", Balance: 30, Version: account.Version - 1}
	err := service.Pay(stale, &Payment{ID: "p-2", Timestamp: "t2", CustomerID: "c-1", Amount: 10})
	assert.ErrorIs(t, err, dynamorm.ErrConditionFailed)

	var stored Account
	require.NoError(t, db.Model(&Account{ID: "a-1"}).First(&stored))
	assert.Equal(t, int64(30), stored.Balance)
	payments, err := service.CustomerPayments("c-1", 10)
	require.NoError(t, err)
	require.Len(t, payments, 1)
	assert.Equal(t, Payment{ID: "p-1", Timestamp: "t1", CustomerID: "c-1", Status: "completed", Amount: 20}, payments[0])
}
