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
	lenient bool // see NewLenientBatchGetBuilder
}

var _ core.BatchGetBuilder = (*MockBatchGetBuilder)(nil)

// Keys records the call and returns the programmed core.BatchGetBuilder, or
// the mock itself when none was programmed.
func (m *MockBatchGetBuilder) Keys(keys []any) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "Keys", m, keys)
}

// ChunkSize records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) ChunkSize(n int) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "ChunkSize", m, n)
}

// ConsistentRead records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) ConsistentRead() core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "ConsistentRead", m)
}

// Parallel records the call and returns the programmed core.BatchGetBuilder,
// or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) Parallel(maxConcurrency int) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "Parallel", m, maxConcurrency)
}

// WithRetry records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed.
func (m *MockBatchGetBuilder) WithRetry(policy *core.RetryPolicy) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "WithRetry", m, policy)
}

// Select records the call and returns the programmed core.BatchGetBuilder,
// or the mock itself when none was programmed. The fields are one []string
// argument, absent when there are none.
func (m *MockBatchGetBuilder) Select(fields ...string) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "Select", m, callArgs(fields)...)
}

// OnProgress records the call and returns the programmed
// core.BatchGetBuilder, or the mock itself when none was programmed. fn is
// not called; match it with mock.Anything.
func (m *MockBatchGetBuilder) OnProgress(fn func(retrieved, total int)) core.BatchGetBuilder {
	return pass[core.BatchGetBuilder](&m.Mock, m.lenient, "OnProgress", m, fn)
}

// Execute records the call and returns the programmed error. Fill dest with
// Run.
func (m *MockBatchGetBuilder) Execute(dest any) error {
	args := m.Called(dest)
	return errorResult("MockBatchGetBuilder.Execute", args, 0)
}
