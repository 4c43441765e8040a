package mocks

import (
	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockBatchGetBuilder is a testify mock of core.BatchGetBuilder. Its builder
// methods return the mock itself unless Return gives another
// core.BatchGetBuilder:
//
//	mockQuery.On("BatchGetBuilder").Return(mockBatch)
//	mockBatch.On("Keys", mock.Anything).Return()
//	mockBatch.On("Execute", mock.Anything).Return(nil)
type MockBatchGetBuilder struct {
	mock.Mock
}

var _ core.BatchGetBuilder = (*MockBatchGetBuilder)(nil)

// Keys records the call and returns the programmed core.BatchGetBuilder, or
// the mock itself when none was programmed.
func (m *MockBatchGetBuilder) Keys(keys []any) core.BatchGetBuilder {
	args := m.Called(keys)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.Keys", args, m)
}

// ChunkSize records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) ChunkSize(n int) core.BatchGetBuilder {
	args := m.Called(n)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.ChunkSize", args, m)
}

// ConsistentRead records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) ConsistentRead() core.BatchGetBuilder {
	args := m.Called()
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.ConsistentRead", args, m)
}

// Parallel records the call and returns the programmed core.BatchGetBuilder,
// or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) Parallel(maxConcurrency int) core.BatchGetBuilder {
	args := m.Called(maxConcurrency)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.Parallel", args, m)
}

// WithRetry records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) WithRetry(policy *core.RetryPolicy) core.BatchGetBuilder {
	args := m.Called(policy)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.WithRetry", args, m)
}

// Select records the call and returns the programmed core.BatchGetBuilder,
// or the mock itself when none was programmed. The fields are one []string
// argument, absent when there are none.
func (m *MockBatchGetBuilder) Select(fields ...string) core.BatchGetBuilder {
	args := m.Called(callArgs(fields)...)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.Select", args, m)
}

// OnProgress records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed. fn is
// not called; match it with mock.Anything.
func (m *MockBatchGetBuilder) OnProgress(fn func(retrieved, total int)) core.BatchGetBuilder {
	args := m.Called(fn)
	return chain[core.BatchGetBuilder]("MockBatchGetBuilder.OnProgress", args, m)
}

// Execute records the call and returns the programmed error. Fill dest with
// Run.
func (m *MockBatchGetBuilder) Execute(dest any) error {
	args := m.Called(dest)
	return errorResult("MockBatchGetBuilder.Execute", args, 0)
}
