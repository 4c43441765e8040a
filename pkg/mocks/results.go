package mocks

import (
	"fmt"
	"reflect"

	"github.com/stretchr/testify/mock"
)

// callArgs returns the arguments a mock passes to Called: the fixed
// arguments, then the variadic values as one slice argument, or nothing for
// them when there are none (see "Arguments" in the package documentation).
func callArgs[T any](variadic []T, fixed ...any) []any {
	if len(variadic) == 0 {
		return fixed
	}
	return append(fixed, variadic)
}

// result returns the i-th programmed result as a T: the zero T when Return
// left it out or gave nil, and a panic naming method, position and type when
// it has another type.
func result[T any](method string, args mock.Arguments, i int) T {
	var zero T
	if len(args) <= i || args.Get(i) == nil {
		return zero
	}
	v, ok := args.Get(i).(T)
	if !ok {
		panic(fmt.Sprintf("mocks: %s: Return value %d is %T, want %s", method, i, args.Get(i), reflect.TypeOf(&zero).Elem()))
	}
	return v
}

// chain returns the first programmed result as a T, or self when Return
// left it out or gave nil: an unprogrammed chainable builder method returns
// the mock itself.
func chain[T any](method string, args mock.Arguments, self T) T {
	if len(args) == 0 || args.Get(0) == nil {
		return self
	}
	return result[T](method, args, 0)
}

// errorResult returns the i-th programmed result as an error, nil when
// Return left it out.
func errorResult(method string, args mock.Arguments, i int) error {
	return result[error](method, args, i)
}

// intResult returns the i-th programmed result as an int64, accepting any Go
// integer type so that Return(3, nil) works for Count.
func intResult(method string, args mock.Arguments, i int) int64 {
	if len(args) <= i || args.Get(i) == nil {
		return 0
	}
	v := reflect.ValueOf(args.Get(i))
	switch {
	case v.CanInt():
		return v.Int()
	case v.CanUint():
		return int64(v.Uint())
	}
	panic(fmt.Sprintf("mocks: %s: Return value %d is %T, want int64", method, i, args.Get(i)))
}

// pass records a call of a chainable builder method and returns what it
// returns: the programmed result, or self when Return left it out. On a
// lenient mock (see NewLenientQuery) with no expectation set for the method,
// it returns self without recording the call.
func pass[T any](m *mock.Mock, lenient bool, method string, self T, args ...any) T {
	if lenient && !expects(m, method) {
		return self
	}
	return chain[T](mockName(self)+"."+method, m.MethodCalled(method, args...), self)
}

// expects reports whether the test set an expectation (On) for method.
func expects(m *mock.Mock, method string) bool {
	for _, c := range m.ExpectedCalls {
		if c.Method == method {
			return true
		}
	}
	return false
}

// mockName is the name of a mock's type, for messages: "MockQuery".
func mockName(self any) string {
	t := reflect.TypeOf(self)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
