package mocks

import (
	"context"

	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockUpdateBuilder is a testify mock of core.UpdateBuilder. Its builder
// methods return the mock itself unless Return gives another
// core.UpdateBuilder:
//
//	mockQuery.On("UpdateBuilder").Return(mockUpdate)
//	mockUpdate.On("Increment", "Views").Return()
//	mockUpdate.On("Execute").Return(nil)
type MockUpdateBuilder struct {
	mock.Mock
	lenient bool // see NewLenientUpdateBuilder
}

var _ core.UpdateBuilder = (*MockUpdateBuilder)(nil)

// Set records the call and returns the programmed core.UpdateBuilder, or the
// mock itself when none was programmed.
func (m *MockUpdateBuilder) Set(field string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Set", m, field, value)
}

// SetIfNotExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) SetIfNotExists(field string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "SetIfNotExists", m, field, value)
}

// Add records the call and returns the programmed core.UpdateBuilder, or the
// mock itself when none was programmed.
func (m *MockUpdateBuilder) Add(field string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Add", m, field, value)
}

// Increment records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Increment(field string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Increment", m, field)
}

// Decrement records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Decrement(field string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Decrement", m, field)
}

// Remove records the call and returns the programmed core.UpdateBuilder, or
// the mock itself when none was programmed.
func (m *MockUpdateBuilder) Remove(field string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Remove", m, field)
}

// Delete records the call and returns the programmed core.UpdateBuilder, or
// the mock itself when none was programmed.
func (m *MockUpdateBuilder) Delete(field string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Delete", m, field, value)
}

// AppendToList records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) AppendToList(field string, values any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "AppendToList", m, field, values)
}

// PrependToList records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) PrependToList(field string, values any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "PrependToList", m, field, values)
}

// RemoveFromListAt records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) RemoveFromListAt(field string, index int) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "RemoveFromListAt", m, field, index)
}

// SetListElement records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) SetListElement(field string, index int, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "SetListElement", m, field, index, value)
}

// Condition records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Condition(field string, op string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Condition", m, field, op, value)
}

// OrCondition records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) OrCondition(field string, op string, value any) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "OrCondition", m, field, op, value)
}

// ConditionExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionExists(field string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "ConditionExists", m, field)
}

// ConditionNotExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionNotExists(field string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "ConditionNotExists", m, field)
}

// ConditionVersion records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionVersion(v int64) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "ConditionVersion", m, v)
}

// Upsert records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Upsert() core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "Upsert", m)
}

// ReturnValues records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ReturnValues(option string) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "ReturnValues", m, option)
}

// WithContext records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) WithContext(ctx context.Context) core.UpdateBuilder {
	return pass[core.UpdateBuilder](&m.Mock, m.lenient, "WithContext", m, ctx)
}

// Execute records the call and returns the programmed error.
func (m *MockUpdateBuilder) Execute() error {
	args := m.Called()
	return errorResult("MockUpdateBuilder.Execute", args, 0)
}

// ExecuteWithResult records the call and returns the programmed error. Fill
// dest with Run.
func (m *MockUpdateBuilder) ExecuteWithResult(dest any) error {
	args := m.Called(dest)
	return errorResult("MockUpdateBuilder.ExecuteWithResult", args, 0)
}
