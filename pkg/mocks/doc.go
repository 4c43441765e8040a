// Package mocks provides testify mocks of every dynamorm interface in
// pkg/core, so that code written against core.DB (and the builders it returns)
// can be unit tested without DynamoDB:
//
//	MockDB                 core.DB
//	MockExtendedDB         core.ExtendedDB (embeds MockDB)
//	MockQuery              core.Query
//	MockUpdateBuilder      core.UpdateBuilder
//	MockTransactionBuilder core.TransactionBuilder
//	MockBatchGetBuilder    core.BatchGetBuilder
//	MockTxWriter           core.TxWriter (what a *core.Tx delegates to)
//
// Each mock embeds [mock.Mock]: set expectations with On, program results
// with Return and Run, and verify with AssertExpectations, AssertCalled and
// AssertNumberOfCalls. A typical service test:
//
//	mockDB := new(mocks.MockDB)
//	mockQuery := new(mocks.MockQuery)
//	mockDB.On("Model", mock.Anything).Return(mockQuery)
//	mockQuery.On("Create").Return(nil)
//
//	err := NewPaymentService(mockDB).CreatePayment(&Payment{})
//
//	assert.NoError(t, err)
//	mockDB.AssertExpectations(t)
//	mockQuery.AssertExpectations(t)
//
// # Lenient mocks
//
// The constructors NewLenientDB, NewLenientExtendedDB, NewLenientQuery,
// NewLenientUpdateBuilder, NewLenientBatchGetBuilder and
// NewLenientTransactionBuilder make mocks whose pass-through calls need no
// expectation: WithContext and every chainable builder method return the
// mock itself (and a lenient DB's Model returns the query it was given),
// so only the terminal call is set up:
//
//	q := mocks.NewLenientQuery(t)
//	db := mocks.NewLenientDB(t, q)
//	q.On("Create").Return(nil)
//	err := svc.Place(ctx, order) // db.WithContext(ctx).Model(order).Create()
//
// Terminal calls stay strict and an unexpected one fails t; an expectation
// set for a pass-through method replaces the lenient default; the
// expectations are asserted when t ends. new(MockQuery) and the other zero
// values stay strict throughout.
//
// # Arguments
//
// The arguments given to On are the arguments of the call, in order. A
// variadic parameter is ONE argument holding the variadic values as a slice,
// and it is left out entirely when the call passes no variadic values. So the
// expectation has as many arguments as the call site has "groups":
//
//	q.Update()                  // mockQuery.On("Update")
//	q.Update("Name", "Email")   // mockQuery.On("Update", []string{"Name", "Email"})
//	q.Select("ID")              // mockQuery.On("Select", []string{"ID"})
//	db.AutoMigrate(&A{}, &B{})  // mockDB.On("AutoMigrate", []any{&A{}, &B{}})
//	tb.Put(item)                // mockTB.On("Put", item)
//	tb.Put(item, core.IfNotExists()) // mockTB.On("Put", item, []core.TransactCondition{core.IfNotExists()})
//
// mock.Anything also matches an ABSENT trailing argument (a testify rule),
// so it accepts a call with or without variadic values, while the exact
// forms above tell the two apart. Other matchers (mock.AnythingOfType,
// mock.MatchedBy) match only a present slice:
//
//	mockQuery.On("Update", mock.Anything).Return(nil) // q.Update(), q.Update("Name"), ...
//	mockQuery.On("Update").Return(nil)                // q.Update() only
//
// AssertCalled follows the same rule. Function arguments (FilterGroup's fn,
// Transaction's fn, ...) cannot be compared: match them with mock.Anything or
// mock.AnythingOfType.
//
// # Results
//
// Return lists the method's results in order. Whatever Return leaves out
// takes a default, so a mock can be set up with only what a test cares about:
//
//   - A builder method that returns its own interface (Where, Filter, Limit,
//     Set, Put, Keys, WithContext, ...) returns the mock itself, so chains
//     such as db.Model(x).Where(...).Limit(10).All(&out) keep working with
//     one MockQuery: mockQuery.On("Where", "ID", "=", "1").Return() is enough.
//     Return(other) returns other instead.
//   - A method that returns another interface (DB.Model, Query.UpdateBuilder,
//     Query.BatchGetBuilder, ExtendedDB.Transact, TxWriter.Model) returns nil,
//     so set it up with the mock to hand out: Return(mockQuery).
//   - A missing error is nil; a missing (or nil) *PaginatedResult,
//     *Explanation or *types.TableDescription is nil; a missing Count is 0; a
//     missing ConsumedCapacity is the zero value. Count accepts any Go integer
//     (Return(3, nil) works).
//
// A value of the wrong type in Return panics with a message naming the
// method, the position and the expected type.
//
// Read methods fill their destination through Run:
//
//	mockQuery.On("First", mock.AnythingOfType("*app.Payment")).
//		Run(func(args mock.Arguments) { args.Get(0).(*Payment).Amount = 1250 }).
//		Return(nil)
//
// # Transactions
//
// MockDB.Transaction(fn) runs fn only when asked to, by returning a
// transaction writer (a core.TxWriter such as *MockTxWriter, or a *core.Tx)
// as its first result, followed by the error to report when fn succeeds:
//
//	txw := new(mocks.MockTxWriter)
//	txQuery := new(mocks.MockQuery)
//	txw.On("Model", mock.Anything).Return(txQuery)
//	txQuery.On("Update").Return(nil)
//	txQuery.On("Create").Return(nil)
//	mockDB.On("Transaction", mock.Anything).Return(txw, nil)
//
// Here Transaction calls fn(core.NewTx(txw)); tx.Model(account).Update() and
// tx.Create(payment) reach txQuery; the error fn returns is returned as is
// (as the real DB does, committing nothing), and when fn returns nil the
// second result (nil above, or an error wrapping core.ErrTransactionFailed to
// simulate a failed commit) is returned. Return(nil) or Return(err) alone
// does not run fn at all: Transaction simply returns that error.
//
// ExtendedDB.TransactWrite(ctx, fn) follows the same rule with a
// core.TransactionBuilder (such as *MockTransactionBuilder) as the first
// result: Return(mockTB, nil) runs fn(mockTB). The builder's Execute is not
// called for you; the second result is what TransactWrite returns when fn
// succeeds.
package mocks
