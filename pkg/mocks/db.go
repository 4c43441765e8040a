package mocks

import (
	"context"

	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockDB is a testify mock of core.DB.
//
//	mockDB := new(mocks.MockDB)
//	mockDB.On("Model", mock.Anything).Return(mockQuery)
type MockDB struct {
	mock.Mock
	lenient bool       // see NewLenientDB
	query   core.Query // what a lenient Model returns
}

var _ core.DB = (*MockDB)(nil)

// Model records the call and returns the programmed core.Query (nil when
// none was programmed): mockDB.On("Model", mock.Anything).Return(mockQuery).
// A lenient MockDB (NewLenientDB) with no expectation for Model returns its
// query without recording the call.
func (m *MockDB) Model(model any) core.Query {
	if m.lenient && m.query != nil && !expects(&m.Mock, "Model") {
		return m.query
	}
	args := m.Called(model)
	return result[core.Query]("MockDB.Model", args, 0)
}

// Transaction records the call, matched as On("Transaction", mock.Anything).
// With Return(err) it returns err without running fn. With
// Return(txWriter, err), where txWriter is a core.TxWriter (such as a
// *MockTxWriter) or a *core.Tx, it runs fn against that transaction and
// returns fn's error, or err when fn returns nil.
func (m *MockDB) Transaction(fn func(tx *core.Tx) error) error {
	args := m.Called(fn)
	return runTransaction("MockDB.Transaction", args, fn)
}

// runTransaction runs fn when the first programmed result is a transaction
// writer and returns the error Transaction reports.
func runTransaction(method string, args mock.Arguments, fn func(tx *core.Tx) error) error {
	if len(args) > 0 {
		var tx *core.Tx
		switch w := args.Get(0).(type) {
		case *core.Tx:
			tx = w
		case core.TxWriter:
			tx = core.NewTx(w)
		}
		if tx != nil {
			if err := fn(tx); err != nil {
				return err
			}
			return errorResult(method, args, 1)
		}
	}
	return errorResult(method, args, 0)
}

// Migrate records the call and returns the programmed error.
func (m *MockDB) Migrate() error {
	args := m.Called()
	return errorResult("MockDB.Migrate", args, 0)
}

// AutoMigrate records the call and returns the programmed error. The models
// are one []any argument, absent when there are none:
// mockDB.On("AutoMigrate", []any{&User{}}) or On("AutoMigrate", mock.Anything).
func (m *MockDB) AutoMigrate(models ...any) error {
	args := m.Called(callArgs(models)...)
	return errorResult("MockDB.AutoMigrate", args, 0)
}

// Close records the call and returns the programmed error.
func (m *MockDB) Close() error {
	args := m.Called()
	return errorResult("MockDB.Close", args, 0)
}

// WithContext records the call and returns the programmed core.DB, or the
// mock itself when none was programmed.
func (m *MockDB) WithContext(ctx context.Context) core.DB {
	return pass[core.DB](&m.Mock, m.lenient, "WithContext", m, ctx)
}
