package mocks

import (
	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// T is what the constructors need of a test: *testing.T, *testing.B and
// testing.TB satisfy it.
type T interface {
	mock.TestingT
	Cleanup(func())
}

// NewLenientDB returns a MockDB for a test of code that calls
// db.WithContext(ctx).Model(x)...: WithContext returns the mock itself and
// Model returns query, without an expectation for either, so the test sets
// up only the calls it is about. An expectation set with On for WithContext
// or Model replaces the lenient default (and is then checked as usual).
// Every other method is strict. Unexpected calls fail t, and the
// expectations are asserted when t ends. query is typically a
// NewLenientQuery; when nil, Model is strict.
//
// Lenient calls are not recorded: to assert on one, set an expectation for
// it. Set expectations before the code under test runs, not concurrently
// with it.
func NewLenientDB(t T, query core.Query) *MockDB {
	return watch(t, &MockDB{lenient: true, query: query})
}

// NewLenientExtendedDB is NewLenientDB for core.ExtendedDB: WithContext
// returns the MockExtendedDB itself and Model returns query unless the test
// sets an expectation for them.
func NewLenientExtendedDB(t T, query core.Query) *MockExtendedDB {
	return watch(t, &MockExtendedDB{MockDB{lenient: true, query: query}})
}

// NewLenientQuery returns a MockQuery whose chainable builder methods (those
// returning core.Query: Where, Index, Filter, OrderBy, Limit, Select,
// ConsistentRead, WithContext, IfNotExists, ...) return the mock itself
// without an expectation, so only the terminal calls (Create, First, All,
// Update, Delete, Count, ...) need one; those stay strict, and an unexpected
// one fails t. An expectation for a chainable method replaces the lenient
// default. The expectations are asserted when t ends.
func NewLenientQuery(t T) *MockQuery {
	return watch(t, &MockQuery{lenient: true})
}

// NewLenientUpdateBuilder returns a MockUpdateBuilder whose chainable methods
// (Set, Add, Remove, Condition, ...) return the mock itself without an
// expectation; Execute and ExecuteWithResult stay strict. See
// NewLenientQuery.
func NewLenientUpdateBuilder(t T) *MockUpdateBuilder {
	return watch(t, &MockUpdateBuilder{lenient: true})
}

// NewLenientBatchGetBuilder returns a MockBatchGetBuilder whose chainable
// methods return the mock itself without an expectation; Execute stays
// strict. See NewLenientQuery.
func NewLenientBatchGetBuilder(t T) *MockBatchGetBuilder {
	return watch(t, &MockBatchGetBuilder{lenient: true})
}

// NewLenientTransactionBuilder returns a MockTransactionBuilder whose
// chainable methods (Put, Update, Delete, ConditionCheck, ...) return the
// mock itself without an expectation; Execute stays strict. See
// NewLenientQuery.
func NewLenientTransactionBuilder(t T) *MockTransactionBuilder {
	return watch(t, &MockTransactionBuilder{lenient: true})
}

// watched is what watch needs of a mock: the methods of mock.Mock.
type watched interface {
	Test(mock.TestingT)
	AssertExpectations(mock.TestingT) bool
}

// watch makes m's unexpected calls fail t and asserts its expectations when
// t ends.
func watch[M watched](t T, m M) M {
	m.Test(t)
	t.Cleanup(func() { m.AssertExpectations(t) })
	return m
}
