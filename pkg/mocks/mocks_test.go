package mocks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/mocks"
)

// ---- The "Testable Service" pattern of the reference README ----

type Payment struct {
	ID     string `dynamorm:"pk"`
	Amount int64
}

type Account struct {
	ID      string `dynamorm:"pk"`
	Balance int64
}

type PaymentService struct {
	db core.DB // Interface allows mocking
}

func NewPaymentService(db core.DB) *PaymentService {
	return &PaymentService{db: db}
}

func (s *PaymentService) CreatePayment(payment *Payment) error {
	// Business logic that can be tested
	return s.db.Model(payment).Create()
}

// GetPayment reads one payment and wraps the error with context.
func (s *PaymentService) GetPayment(id string) (*Payment, error) {
	var p Payment
	if err := s.db.Model(&Payment{}).Where("ID", "=", id).First(&p); err != nil {
		return nil, fmt.Errorf("get payment %s: %w", id, err)
	}
	return &p, nil
}

// RecentPayments uses a chain of builder methods.
func (s *PaymentService) RecentPayments(customerID string) ([]Payment, error) {
	var out []Payment
	err := s.db.Model(&Payment{}).
		Index("customer-index").
		Where("CustomerID", "=", customerID).
		OrderBy("Timestamp", "DESC").
		Limit(10).
		All(&out)
	return out, err
}

// Pay debits the account and records the payment in one transaction.
func (s *PaymentService) Pay(account *Account, payment *Payment) error {
	return s.db.Transaction(func(tx *core.Tx) error {
		account.Balance -= payment.Amount
		if err := tx.Model(account).Update("Balance"); err != nil {
			return err
		}
		return tx.Create(payment)
	})
}

func TestPaymentService(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)

	mockDB.On("Model", mock.Anything).Return(mockQuery)
	mockQuery.On("Create").Return(nil)

	service := NewPaymentService(mockDB)
	err := service.CreatePayment(&Payment{})

	assert.NoError(t, err)
	mockDB.AssertExpectations(t)
}

// ---- Conventions ----

func TestChainReturnsTheMockItself(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)
	mockDB.On("Model", mock.AnythingOfType("*mocks_test.Payment")).Return(mockQuery)
	mockQuery.On("Index", "customer-index").Return()
	mockQuery.On("Where", "CustomerID", "=", "c-1").Return()
	mockQuery.On("OrderBy", "Timestamp", "DESC").Return()
	mockQuery.On("Limit", 10).Return()
	mockQuery.On("All", mock.AnythingOfType("*[]mocks_test.Payment")).
		Run(func(args mock.Arguments) {
			*args.Get(0).(*[]Payment) = []Payment{{ID: "p-2", Amount: 20}, {ID: "p-1", Amount: 10}}
		}).
		Return(nil)

	got, err := NewPaymentService(mockDB).RecentPayments("c-1")

	require.NoError(t, err)
	assert.Equal(t, []Payment{{ID: "p-2", Amount: 20}, {ID: "p-1", Amount: 10}}, got)
	mockDB.AssertExpectations(t)
	mockQuery.AssertExpectations(t)
}

func TestChainReturnsWhatWasProgrammed(t *testing.T) {
	first, second := new(mocks.MockQuery), new(mocks.MockQuery)
	first.On("Where", "ID", "=", "x").Return(second)
	second.On("Limit", 1).Return()

	q := first.Where("ID", "=", "x")
	assert.Same(t, second, q)
	assert.Same(t, second, q.Limit(1))

	db := new(mocks.MockExtendedDB)
	db.On("WithContext", mock.Anything).Return()
	_, ok := db.WithContext(context.Background()).(core.ExtendedDB)
	assert.True(t, ok, "MockExtendedDB.WithContext returns the MockExtendedDB itself")
}

func TestVariadicArguments(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("Update").Return(errors.New("all fields"))
	q.On("Update", []string{"Name"}).Return(errors.New("Name"))
	q.On("Update", mock.Anything).Return(errors.New("other fields"))

	assert.EqualError(t, q.Update(), "all fields")
	assert.EqualError(t, q.Update("Name"), "Name")
	assert.EqualError(t, q.Update("Name", "Email"), "other fields")
	q.AssertCalled(t, "Update")
	q.AssertCalled(t, "Update", []string{"Name"})
	q.AssertCalled(t, "Update", []string{"Name", "Email"})

	tb := new(mocks.MockTransactionBuilder)
	item := &Payment{ID: "p"}
	tb.On("Put", item).Return()
	tb.On("Put", item, []core.TransactCondition{core.IfNotExists()}).Return()
	tb.Put(item).Put(item, core.IfNotExists())
	tb.AssertExpectations(t)
}

// failT is a mock.TestingT that records a failure instead of failing the
// test, to show which calls an expectation does not match.
type failT struct{ failed []string }

func (f *failT) Logf(string, ...any) {}
func (f *failT) Errorf(format string, args ...any) {
	f.failed = append(f.failed, fmt.Sprintf(format, args...))
}
func (f *failT) FailNow() { panic(f) }

// expectFailure runs call on a mock failing through ft and returns the
// failure message.
func expectFailure(t *testing.T, ft *failT, call func()) string {
	t.Helper()
	func() {
		defer func() { assert.Equal(t, ft, recover()) }()
		call()
	}()
	require.Len(t, ft.failed, 1)
	return ft.failed[0]
}

func TestAnythingMatchesWithAndWithoutVariadicValues(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("Update", mock.Anything).Return(nil)
	q.On("Select", mock.Anything).Return()

	assert.NoError(t, q.Update())
	assert.NoError(t, q.Update("Name"))
	assert.Same(t, q, q.Select())
	assert.Same(t, q, q.Select("ID", "Name"))
	q.AssertNumberOfCalls(t, "Update", 2)
}

func TestBareExpectationDoesNotMatchVariadicValues(t *testing.T) {
	q := new(mocks.MockQuery)
	ft := &failT{}
	q.Test(ft)
	q.On("Update").Return(nil)

	assert.NoError(t, q.Update())
	msg := expectFailure(t, ft, func() { _ = q.Update("Name") })
	assert.Contains(t, msg, "Unexpected Method Call")
}

func TestExactSliceDoesNotMatchAnAbsentVariadic(t *testing.T) {
	q := new(mocks.MockQuery)
	ft := &failT{}
	q.Test(ft)
	q.On("Update", []string{"Name"}).Return(nil)

	msg := expectFailure(t, ft, func() { _ = q.Update() })
	assert.Contains(t, msg, "Unexpected Method Call")
}

func TestFunctionArgumentsMatchByType(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("FilterGroup", mock.AnythingOfType("func(core.Query)")).
		Run(func(args mock.Arguments) { args.Get(0).(func(core.Query))(q) }).
		Return()
	q.On("Filter", "Status", "=", "open").Return()

	q.FilterGroup(func(g core.Query) { g.Filter("Status", "=", "open") })
	q.AssertExpectations(t)
}

func TestErrorPropagation(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)
	mockDB.On("Model", mock.Anything).Return(mockQuery)
	mockQuery.On("Where", "ID", "=", "missing").Return()
	mockQuery.On("First", mock.Anything).Return(core.ErrItemNotFound)

	p, err := NewPaymentService(mockDB).GetPayment("missing")

	assert.Nil(t, p)
	assert.ErrorIs(t, err, core.ErrItemNotFound)
	assert.True(t, errors.Is(err, core.ErrItemNotFound))
	mockQuery.AssertExpectations(t)
}

func TestValueAndErrorResults(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("Count").Return(3, nil).Once()
	q.On("Count").Return(nil, core.ErrValidation).Once()
	q.On("AllPaginated", mock.Anything).Return(nil, core.ErrInvalidCursor)
	q.On("Explain").Return(&core.Explanation{Operation: "Query"}, nil)
	q.On("ConsumedCapacity").Return()

	n, err := q.Count()
	assert.Equal(t, int64(3), n)
	assert.NoError(t, err)
	n, err = q.Count()
	assert.Zero(t, n)
	assert.ErrorIs(t, err, core.ErrValidation)
	page, err := q.AllPaginated(&[]Payment{})
	assert.Nil(t, page)
	assert.ErrorIs(t, err, core.ErrInvalidCursor)
	ex, err := q.Explain()
	require.NoError(t, err)
	assert.Equal(t, "Query", ex.Operation)
	assert.Equal(t, core.ConsumedCapacity{}, q.ConsumedCapacity())

	db := new(mocks.MockExtendedDB)
	db.On("DescribeTable", mock.Anything).Return(nil, core.ErrTableNotFound)
	desc, err := db.DescribeTable(&Payment{})
	assert.Nil(t, desc)
	assert.ErrorIs(t, err, core.ErrTableNotFound)
}

func TestWrongResultTypePanicsWithAClearMessage(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("Where", mock.Anything, mock.Anything, mock.Anything).Return("not a query")
	assert.PanicsWithValue(t, "mocks: MockQuery.Where: Return value 0 is string, want core.Query", func() {
		q.Where("a", "=", 1)
	})
}

// ---- Transactions ----

func TestTransactionRunsFnAgainstTheTxWriter(t *testing.T) {
	account := &Account{ID: "a-1", Balance: 100}
	payment := &Payment{ID: "p-1", Amount: 30}

	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	accountQuery, paymentQuery := new(mocks.MockQuery), new(mocks.MockQuery)
	mockDB.On("Transaction", mock.Anything).Return(txw, nil)
	txw.On("Model", account).Return(accountQuery)
	txw.On("Model", payment).Return(paymentQuery)
	accountQuery.On("Update", []string{"Balance"}).Return(nil)
	paymentQuery.On("Create").Return(nil)

	err := NewPaymentService(mockDB).Pay(account, payment)

	require.NoError(t, err)
	assert.Equal(t, int64(70), account.Balance)
	for _, m := range []interface{ AssertExpectations(mock.TestingT) bool }{mockDB, txw, accountQuery, paymentQuery} {
		m.AssertExpectations(t)
	}
}

func TestTransactionReturnsFnsError(t *testing.T) {
	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	txQuery := new(mocks.MockQuery)
	mockDB.On("Transaction", mock.Anything).Return(txw, errors.New("commit must not be reached"))
	txw.On("Model", mock.Anything).Return(txQuery)
	txQuery.On("Update", mock.Anything).Return(core.ErrConditionFailed)

	err := NewPaymentService(mockDB).Pay(&Account{}, &Payment{})

	assert.ErrorIs(t, err, core.ErrConditionFailed)
	txQuery.AssertNotCalled(t, "Create")
}

func TestTransactionReturnsTheCommitError(t *testing.T) {
	commitErr := fmt.Errorf("payment conflict: %w", core.ErrTransactionFailed)
	mockDB := new(mocks.MockDB)
	txw := new(mocks.MockTxWriter)
	txQuery := new(mocks.MockQuery)
	// A *core.Tx works as well as a core.TxWriter.
	mockDB.On("Transaction", mock.Anything).Return(core.NewTx(txw), commitErr)
	txw.On("Model", mock.Anything).Return(txQuery)
	txQuery.On("Update", mock.Anything).Return(nil)
	txQuery.On("Create").Return(nil)

	err := NewPaymentService(mockDB).Pay(&Account{}, &Payment{})

	assert.ErrorIs(t, err, core.ErrTransactionFailed)
	txQuery.AssertExpectations(t)
}

func TestTransactionWithOnlyAnErrorDoesNotRunFn(t *testing.T) {
	mockDB := new(mocks.MockDB)
	mockDB.On("Transaction", mock.Anything).Return(core.ErrTransactionFailed)
	ran := false

	err := mockDB.Transaction(func(*core.Tx) error { ran = true; return nil })

	assert.ErrorIs(t, err, core.ErrTransactionFailed)
	assert.False(t, ran)
}

func TestTransactWriteRunsFnAgainstTheBuilder(t *testing.T) {
	db := new(mocks.MockExtendedDB)
	tb := new(mocks.MockTransactionBuilder)
	from, to := &Account{ID: "a"}, &Account{ID: "b"}
	db.On("TransactWrite", mock.Anything, mock.Anything).Return(tb, nil)
	tb.On("Update", from, []string{"Balance"}, []core.TransactCondition{core.AtVersion(3)}).Return()
	tb.On("Update", to, []string{"Balance"}).Return()

	err := db.TransactWrite(context.Background(), func(b core.TransactionBuilder) error {
		b.Update(from, []string{"Balance"}, core.AtVersion(3)).Update(to, []string{"Balance"})
		return nil
	})

	require.NoError(t, err)
	tb.AssertExpectations(t)
	tb.AssertNotCalled(t, "Execute")
}

func TestConcurrentCalls(t *testing.T) {
	q := new(mocks.MockQuery)
	q.On("Where", mock.Anything, mock.Anything, mock.Anything).Return()
	q.On("All", mock.Anything).Return(nil)
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() { done <- q.Where("ID", "=", i).All(&[]Payment{}) }()
	}
	for i := 0; i < 8; i++ {
		assert.NoError(t, <-done)
	}
	q.AssertNumberOfCalls(t, "All", 8)
}

// ---- Example ----

// ExampleMockDB tests a service that reads a payment, with the query chain
// served by one MockQuery and the read filling its destination through Run.
func ExampleMockDB() {
	mockDB := new(mocks.MockDB)
	mockQuery := new(mocks.MockQuery)
	mockDB.On("Model", mock.Anything).Return(mockQuery)
	mockQuery.On("Where", "ID", "=", "p-1").Return() // no result: returns mockQuery
	mockQuery.On("First", mock.AnythingOfType("*mocks_test.Payment")).
		Run(func(args mock.Arguments) {
			*args.Get(0).(*Payment) = Payment{ID: "p-1", Amount: 1250}
		}).
		Return(nil).
		Once()
	mockQuery.On("Where", "ID", "=", "p-2").Return()
	mockQuery.On("First", mock.Anything).Return(core.ErrItemNotFound)

	service := NewPaymentService(mockDB)
	p, err := service.GetPayment("p-1")
	fmt.Println(p.Amount, err)
	_, err = service.GetPayment("p-2")
	fmt.Println(errors.Is(err, core.ErrItemNotFound), err)

	var methods []string
	for _, call := range mockQuery.Calls {
		methods = append(methods, call.Method)
	}
	fmt.Println(strings.Join(methods, " "))
	// Output:
	// 1250 <nil>
	// true get payment p-2: dynamorm: item not found
	// Where First Where First
}
