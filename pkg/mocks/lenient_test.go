package mocks_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/mocks"
)

// OrderService is code under test that passes a context and builds queries.
type OrderService struct{ db core.DB }

type Order struct {
	ID       string `dynamorm:"pk"`
	Customer string `dynamorm:"index:by-customer,pk"`
}

func (s OrderService) Place(ctx context.Context, o *Order) error {
	return s.db.WithContext(ctx).Model(o).IfNotExists().Create()
}

func (s OrderService) Recent(ctx context.Context, customer string) ([]Order, error) {
	var out []Order
	err := s.db.WithContext(ctx).Model(&Order{}).Index("by-customer").
		Where("Customer", "=", customer).OrderBy("ID", "DESC").Limit(2).All(&out)
	return out, err
}

// lenientT is a failT that also runs cleanups when end is called.
type lenientT struct {
	failT
	cleanups []func()
}

func (l *lenientT) Cleanup(f func()) { l.cleanups = append(l.cleanups, f) }

func (l *lenientT) end() {
	for i := len(l.cleanups) - 1; i >= 0; i-- {
		l.cleanups[i]()
	}
}

func TestLenientMocksNeedOnlyTheTerminalCall(t *testing.T) {
	q := mocks.NewLenientQuery(t)
	db := mocks.NewLenientDB(t, q)
	q.On("Create").Return(nil).Once()
	q.On("All", mock.AnythingOfType("*[]mocks_test.Order")).
		Run(func(args mock.Arguments) { *args.Get(0).(*[]Order) = []Order{{ID: "o2"}, {ID: "o1"}} }).
		Return(nil).Once()

	svc := OrderService{db}
	require.NoError(t, svc.Place(context.Background(), &Order{ID: "o1"}))
	got, err := svc.Recent(context.Background(), "c1")
	require.NoError(t, err)
	assert.Equal(t, []Order{{ID: "o2"}, {ID: "o1"}}, got)
	assert.Empty(t, db.Calls, "lenient pass-through calls are not recorded")
	assert.Len(t, q.Calls, 2, "only the terminals")

	x := mocks.NewLenientExtendedDB(t, q)
	_, ok := x.WithContext(context.Background()).(core.ExtendedDB)
	assert.True(t, ok, "an ExtendedDB's WithContext returns the ExtendedDB")
	assert.Same(t, q, x.Model(&Order{}))
	ub := mocks.NewLenientUpdateBuilder(t)
	ub.On("Execute").Return(nil).Once()
	require.NoError(t, ub.Set("A", 1).Add("B", 2).Condition("C", "=", 3).Execute())
	tb := mocks.NewLenientTransactionBuilder(t)
	tb.On("Execute").Return(nil).Once()
	require.NoError(t, tb.Put(&Order{}).Delete(&Order{}).WithContext(context.Background()).Execute())
	bg := mocks.NewLenientBatchGetBuilder(t)
	bg.On("Execute", mock.Anything).Return(nil).Once()
	require.NoError(t, bg.Keys([]any{&Order{ID: "1"}}).ChunkSize(10).Execute(&[]Order{}))
}

// Terminal calls stay strict: one the test did not expect fails it, and so
// does an expectation that was never met.
func TestLenientMocksFailUnexpectedTerminalCalls(t *testing.T) {
	ft := &lenientT{}
	q := mocks.NewLenientQuery(ft)
	db := mocks.NewLenientDB(ft, q)
	msg := expectFailure(t, &ft.failT, func() { _ = db.WithContext(context.Background()).Model(&Order{}).Delete() })
	assert.Contains(t, msg, "Delete()")
	ft.failed = nil
	msg = expectFailure(t, &ft.failT, func() { _ = db.Migrate() })
	assert.Contains(t, msg, "Migrate()")

	ft = &lenientT{}
	q = mocks.NewLenientQuery(ft)
	q.On("Create").Return(nil)
	ft.end()
	require.Len(t, ft.failed, 1, "the unmet expectation is reported at the end of the test")
	assert.Contains(t, ft.failed[0], "needs to make 1 more call")

	ft = &lenientT{}
	ub := mocks.NewLenientUpdateBuilder(ft)
	msg = expectFailure(t, &ft.failT, func() { _ = ub.Set("A", 1).Execute() })
	assert.Contains(t, msg, "Execute()")
}

type ctxTag struct{}

// An expectation on a pass-through call replaces the lenient default: it
// is what the call returns, it is recorded, and calls it does not match
// fail the test.
func TestLenientMocksExpectationOverrides(t *testing.T) {
	ft := &lenientT{}
	q := mocks.NewLenientQuery(ft)
	other := mocks.NewLenientQuery(ft)
	db := mocks.NewLenientDB(ft, q)
	ctx := context.WithValue(context.Background(), ctxTag{}, "request-1")
	inner := mocks.NewLenientDB(ft, other)
	db.On("WithContext", ctx).Return(inner).Once()
	q.On("Limit", 10).Return().Once()

	assert.Same(t, inner, db.WithContext(ctx), "the expectation's result")
	assert.Same(t, other, inner.Model(&Order{}))
	assert.Same(t, q, q.Where("ID", "=", "1").Limit(10), "Where stays lenient")
	q.AssertCalled(t, "Limit", 10)
	q.AssertNotCalled(t, "Where", "ID", "=", "1")

	msg := expectFailure(t, &ft.failT, func() { db.WithContext(context.Background()) })
	assert.Contains(t, msg, "WithContext", "another context does not match the expectation")
	ft.failed = nil
	msg = expectFailure(t, &ft.failT, func() { q.Limit(5) })
	assert.Contains(t, msg, "Limit(int)")
	ft.failed = nil

	db2 := mocks.NewLenientDB(ft, q)
	db2.On("Model", mock.Anything).Return(other).Once()
	assert.Same(t, other, db2.Model(&Order{}), "Model's expectation replaces the query given")
	ft.end()
	assert.Empty(t, ft.failed, "every expectation was met")

	strict := new(mocks.MockQuery)
	assert.Panics(t, func() { strict.Limit(3) }, "new(MockQuery) is as strict as before")
}

// exampleT stands for the *testing.T a test passes to the constructors.
type exampleT struct{ lenientT }

func (e *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }

// A service that calls db.WithContext(ctx).Model(o).IfNotExists().Create()
// is tested with one expectation: lenient mocks pass the context and the
// builder calls through.
func ExampleNewLenientDB() {
	t := &exampleT{} // in a test: t *testing.T
	q := mocks.NewLenientQuery(t)
	db := mocks.NewLenientDB(t, q)
	q.On("Create").Return(nil)

	err := OrderService{db}.Place(context.Background(), &Order{ID: "o1"})

	fmt.Println(err, q.AssertNumberOfCalls(t, "Create", 1))
	t.end() // the test's end: expectations are asserted
	// Output: <nil> true
}
