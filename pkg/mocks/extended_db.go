package mocks

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockExtendedDB is a testify mock of core.ExtendedDB. It embeds MockDB for
// the core.DB methods; expectations for all methods are set on the one
// embedded mock.Mock:
//
//	db := new(mocks.MockExtendedDB)
//	db.On("EnsureTable", mock.Anything).Return(nil)
//	db.On("Model", mock.Anything).Return(mockQuery)
type MockExtendedDB struct {
	MockDB
}

var _ core.ExtendedDB = (*MockExtendedDB)(nil)

// WithContext records the call and returns the programmed core.DB, or the
// MockExtendedDB itself when none was programmed (so the result can still
// be asserted to core.ExtendedDB).
func (m *MockExtendedDB) WithContext(ctx context.Context) core.DB {
	return pass[core.DB](&m.Mock, m.lenient, "WithContext", m, ctx)
}

// AutoMigrateWithOptions records the call and returns the programmed error.
// The options are one []core.TableOption argument, absent when there are none.
func (m *MockExtendedDB) AutoMigrateWithOptions(model any, opts ...core.TableOption) error {
	args := m.Called(callArgs(opts, model)...)
	return errorResult("MockExtendedDB.AutoMigrateWithOptions", args, 0)
}

// CreateTable records the call and returns the programmed error. The options
// are one []core.TableOption argument, absent when there are none.
func (m *MockExtendedDB) CreateTable(model any, opts ...core.TableOption) error {
	args := m.Called(callArgs(opts, model)...)
	return errorResult("MockExtendedDB.CreateTable", args, 0)
}

// EnsureTable records the call and returns the programmed error.
func (m *MockExtendedDB) EnsureTable(model any) error {
	args := m.Called(model)
	return errorResult("MockExtendedDB.EnsureTable", args, 0)
}

// DeleteTable records the call and returns the programmed error.
func (m *MockExtendedDB) DeleteTable(model any) error {
	args := m.Called(model)
	return errorResult("MockExtendedDB.DeleteTable", args, 0)
}

// DescribeTable records the call and returns the programmed
// *types.TableDescription (nil when missing or nil) and error.
func (m *MockExtendedDB) DescribeTable(model any) (*types.TableDescription, error) {
	args := m.Called(model)
	return result[*types.TableDescription]("MockExtendedDB.DescribeTable", args, 0),
		errorResult("MockExtendedDB.DescribeTable", args, 1)
}

// Transact records the call and returns the programmed
// core.TransactionBuilder (nil when none was programmed).
func (m *MockExtendedDB) Transact() core.TransactionBuilder {
	args := m.Called()
	return result[core.TransactionBuilder]("MockExtendedDB.Transact", args, 0)
}

// TransactWrite records the call, matched as On("TransactWrite",
// mock.Anything, mock.Anything). With Return(err) it returns err without
// running fn. With Return(builder, err), where builder is a
// core.TransactionBuilder (such as a *MockTransactionBuilder), it runs
// fn(builder) and returns fn's error, or err when fn returns nil. The
// builder's Execute is not called.
func (m *MockExtendedDB) TransactWrite(ctx context.Context, fn func(core.TransactionBuilder) error) error {
	args := m.Called(ctx, fn)
	if len(args) > 0 {
		if b, ok := args.Get(0).(core.TransactionBuilder); ok {
			if err := fn(b); err != nil {
				return err
			}
			return errorResult("MockExtendedDB.TransactWrite", args, 1)
		}
	}
	return errorResult("MockExtendedDB.TransactWrite", args, 0)
}

// TransactGet records the call and returns the programmed error. The
// destinations are one []any argument, absent when there are none:
// On("TransactGet", mock.Anything, mock.Anything). Fill them with Run.
func (m *MockExtendedDB) TransactGet(ctx context.Context, dests ...any) error {
	args := m.Called(callArgs(dests, ctx)...)
	return errorResult("MockExtendedDB.TransactGet", args, 0)
}
