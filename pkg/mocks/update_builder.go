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
}

var _ core.UpdateBuilder = (*MockUpdateBuilder)(nil)

// Set records the call and returns the programmed core.UpdateBuilder, or the
// mock itself when none was programmed.
func (m *MockUpdateBuilder) Set(field string, value any) core.UpdateBuilder {
	args := m.Called(field, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Set", args, m)
}

// SetIfNotExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) SetIfNotExists(field string, value any) core.UpdateBuilder {
	args := m.Called(field, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.SetIfNotExists", args, m)
}

// Add records the call and returns the programmed core.UpdateBuilder, or the
// mock itself when none was programmed.
func (m *MockUpdateBuilder) Add(field string, value any) core.UpdateBuilder {
	args := m.Called(field, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Add", args, m)
}

// Increment records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Increment(field string) core.UpdateBuilder {
	args := m.Called(field)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Increment", args, m)
}

// Decrement records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Decrement(field string) core.UpdateBuilder {
	args := m.Called(field)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Decrement", args, m)
}

// Remove records the call and returns the programmed core.UpdateBuilder, or
// the mock itself when none was programmed.
func (m *MockUpdateBuilder) Remove(field string) core.UpdateBuilder {
	args := m.Called(field)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Remove", args, m)
}

// Delete records the call and returns the programmed core.UpdateBuilder, or
// the mock itself when none was programmed.
func (m *MockUpdateBuilder) Delete(field string, value any) core.UpdateBuilder {
	args := m.Called(field, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Delete", args, m)
}

// AppendToList records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) AppendToList(field string, values any) core.UpdateBuilder {
	args := m.Called(field, values)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.AppendToList", args, m)
}

// PrependToList records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) PrependToList(field string, values any) core.UpdateBuilder {
	args := m.Called(field, values)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.PrependToList", args, m)
}

// RemoveFromListAt records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) RemoveFromListAt(field string, index int) core.UpdateBuilder {
	args := m.Called(field, index)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.RemoveFromListAt", args, m)
}

// SetListElement records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) SetListElement(field string, index int, value any) core.UpdateBuilder {
	args := m.Called(field, index, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.SetListElement", args, m)
}

// Condition records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Condition(field string, op string, value any) core.UpdateBuilder {
	args := m.Called(field, op, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Condition", args, m)
}

// OrCondition records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) OrCondition(field string, op string, value any) core.UpdateBuilder {
	args := m.Called(field, op, value)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.OrCondition", args, m)
}

// ConditionExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionExists(field string) core.UpdateBuilder {
	args := m.Called(field)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.ConditionExists", args, m)
}

// ConditionNotExists records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionNotExists(field string) core.UpdateBuilder {
	args := m.Called(field)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.ConditionNotExists", args, m)
}

// ConditionVersion records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ConditionVersion(v int64) core.UpdateBuilder {
	args := m.Called(v)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.ConditionVersion", args, m)
}

// Upsert records the call and returns the programmed core.UpdateBuilder,
// or the mock itself when none was programmed.
func (m *MockUpdateBuilder) Upsert() core.UpdateBuilder {
	args := m.Called()
	return chain[core.UpdateBuilder]("MockUpdateBuilder.Upsert", args, m)
}

// ReturnValues records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) ReturnValues(option string) core.UpdateBuilder {
	args := m.Called(option)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.ReturnValues", args, m)
}

// WithContext records the call and returns the programmed
// core.UpdateBuilder, or the mock itself when none was programmed.
func (m *MockUpdateBuilder) WithContext(ctx context.Context) core.UpdateBuilder {
	args := m.Called(ctx)
	return chain[core.UpdateBuilder]("MockUpdateBuilder.WithContext", args, m)
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
