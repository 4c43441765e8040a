package mocks

import (
	"context"

	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockTransactionBuilder is a testify mock of core.TransactionBuilder. Its
// builder methods return the mock itself unless Return gives another
// core.TransactionBuilder. Conditions are one []core.TransactCondition
// argument, absent when there are none:
//
//	mockTB.On("Create", mock.Anything, []core.TransactCondition{core.IfNotExists()}).Return()
//	mockTB.On("Delete", mock.Anything).Return()
//	mockTB.On("Execute").Return(nil)
type MockTransactionBuilder struct {
	mock.Mock
	lenient bool // see NewLenientTransactionBuilder
}

var _ core.TransactionBuilder = (*MockTransactionBuilder)(nil)

// Put records the call and returns the programmed core.TransactionBuilder,
// or the mock itself when none was programmed.
func (m *MockTransactionBuilder) Put(model any, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "Put", m, callArgs(conds, model)...)
}

// Create records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed.
func (m *MockTransactionBuilder) Create(model any, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "Create", m, callArgs(conds, model)...)
}

// Update records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed.
// fields is a plain (non-variadic) argument and always present.
func (m *MockTransactionBuilder) Update(model any, fields []string, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "Update", m, callArgs(conds, model, fields)...)
}

// UpdateWithBuilder records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed. fn
// is not run (use Run to run it against a *MockUpdateBuilder) and is matched
// with mock.Anything.
func (m *MockTransactionBuilder) UpdateWithBuilder(model any, fn func(core.UpdateBuilder) error, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "UpdateWithBuilder", m, callArgs(conds, model, fn)...)
}

// Delete records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed.
func (m *MockTransactionBuilder) Delete(model any, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "Delete", m, callArgs(conds, model)...)
}

// ConditionCheck records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed.
func (m *MockTransactionBuilder) ConditionCheck(model any, conds ...core.TransactCondition) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "ConditionCheck", m, callArgs(conds, model)...)
}

// WithContext records the call and returns the programmed
// core.TransactionBuilder, or the mock itself when none was programmed.
func (m *MockTransactionBuilder) WithContext(ctx context.Context) core.TransactionBuilder {
	return pass[core.TransactionBuilder](&m.Mock, m.lenient, "WithContext", m, ctx)
}

// Execute records the call and returns the programmed error.
func (m *MockTransactionBuilder) Execute() error {
	args := m.Called()
	return errorResult("MockTransactionBuilder.Execute", args, 0)
}

// ExecuteWithContext records the call and returns the programmed error.
func (m *MockTransactionBuilder) ExecuteWithContext(ctx context.Context) error {
	args := m.Called(ctx)
	return errorResult("MockTransactionBuilder.ExecuteWithContext", args, 0)
}
