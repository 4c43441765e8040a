package mocks

import (
	"github.com/stretchr/testify/mock"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// MockTxWriter is a testify mock of core.TxWriter, the writer behind a
// *core.Tx. Hand it to MockDB.Transaction (Return(txWriter, nil)) or wrap it
// with core.NewTx to test code that receives a *core.Tx. tx.Create(m),
// tx.CreateOrUpdate(m), tx.Update(m, fields...) and tx.Delete(m) all go
// through Model, so program Model to return a *MockQuery:
//
//	txw := new(mocks.MockTxWriter)
//	txQuery := new(mocks.MockQuery)
//	txw.On("Model", mock.Anything).Return(txQuery)
//	txQuery.On("Create").Return(nil)
type MockTxWriter struct {
	mock.Mock
}

var _ core.TxWriter = (*MockTxWriter)(nil)

// Model records the call and returns the programmed core.Query (nil when
// none was programmed).
func (m *MockTxWriter) Model(model any) core.Query {
	args := m.Called(model)
	return result[core.Query]("MockTxWriter.Model", args, 0)
}

// ConditionCheck records the call and returns the programmed error. The
// conditions are one []core.TransactCondition argument, absent when there
// are none.
func (m *MockTxWriter) ConditionCheck(model any, conds ...core.TransactCondition) error {
	args := m.Called(callArgs(conds, model)...)
	return errorResult("MockTxWriter.ConditionCheck", args, 0)
}
