package mocks_test

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/mocks"
)

// The tests in this file walk every method of every core interface by
// reflection, so a mock method that is missing, does not record its call,
// records the wrong arguments or ignores what Return programmed fails here.
// (A method added to a core interface and missing from its mock already fails
// to compile: see the var _ core.X = (*MockX)(nil) checks.)

// mockCase is one mock under test: the interface it implements and a
// constructor returning a fresh mock and its embedded mock.Mock.
type mockCase struct {
	name  string
	iface reflect.Type
	fresh func() (any, *mock.Mock)
}

func typeOf[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

var mockCases = []mockCase{
	{"MockDB", typeOf[core.DB](), func() (any, *mock.Mock) { m := new(mocks.MockDB); return m, &m.Mock }},
	{"MockExtendedDB", typeOf[core.ExtendedDB](), func() (any, *mock.Mock) { m := new(mocks.MockExtendedDB); return m, &m.Mock }},
	{"MockQuery", typeOf[core.Query](), func() (any, *mock.Mock) { m := new(mocks.MockQuery); return m, &m.Mock }},
	{"MockUpdateBuilder", typeOf[core.UpdateBuilder](), func() (any, *mock.Mock) { m := new(mocks.MockUpdateBuilder); return m, &m.Mock }},
	{"MockTransactionBuilder", typeOf[core.TransactionBuilder](), func() (any, *mock.Mock) { m := new(mocks.MockTransactionBuilder); return m, &m.Mock }},
	{"MockBatchGetBuilder", typeOf[core.BatchGetBuilder](), func() (any, *mock.Mock) { m := new(mocks.MockBatchGetBuilder); return m, &m.Mock }},
	{"MockTxWriter", typeOf[core.TxWriter](), func() (any, *mock.Mock) { m := new(mocks.MockTxWriter); return m, &m.Mock }},
}

// freshMockOf returns a new mock implementing the interface t, or nil.
func freshMockOf(t reflect.Type) any {
	for _, c := range mockCases {
		if c.iface == t {
			m, _ := c.fresh()
			return m
		}
	}
	return nil
}

type ctxKey struct{}

var (
	errorType   = typeOf[error]()
	contextType = typeOf[context.Context]()
)

// sample returns a non-zero value of type t that differs by seed, so that
// swapped or dropped arguments are noticed.
func sample(t reflect.Type, seed int) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("arg%d", seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(100 + seed))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(100 + seed))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(t, 1, 1))
		v.Index(0).Set(sample(t.Elem(), seed))
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
		v.SetMapIndex(sample(t.Key(), seed), sample(t.Elem(), seed))
	case reflect.Func:
		v.Set(reflect.MakeFunc(t, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, t.NumOut())
			for i := range out {
				out[i] = reflect.Zero(t.Out(i))
			}
			return out
		}))
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			switch f.Type.Kind() {
			case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
				v.Field(i).Set(sample(f.Type, seed+i))
			}
		}
	case reflect.Interface:
		switch {
		case t == errorType:
			v.Set(reflect.ValueOf(fmt.Errorf("sample error %d", seed)))
		case t == contextType:
			v.Set(reflect.ValueOf(context.WithValue(context.Background(), ctxKey{}, seed)))
		case t.NumMethod() == 0:
			v.Set(reflect.ValueOf(fmt.Sprintf("any%d", seed)))
		default:
			if m := freshMockOf(t); m != nil {
				v.Set(reflect.ValueOf(m))
			}
		}
	}
	return v
}

// same reports whether a and b are the same value: identical for pointers
// and interfaces holding pointers, of the same type for functions (they
// cannot be compared), deeply equal otherwise.
func same(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Func:
		return va.IsNil() == vb.IsNil()
	case reflect.Pointer:
		return va.Pointer() == vb.Pointer()
	case reflect.Slice:
		if va.Len() != vb.Len() {
			return false
		}
		for i := 0; i < va.Len(); i++ {
			if !same(va.Index(i).Interface(), vb.Index(i).Interface()) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// methodCall is one way of calling a method: its arguments as passed through
// the interface and as the mock records them (variadic values as one slice,
// absent when there are none).
type methodCall struct {
	label    string
	in       []reflect.Value
	recorded []any
}

// callsOf returns the ways to call method m: once, and for a variadic
// method once without and once with variadic values.
func callsOf(m reflect.Method) []methodCall {
	ft := m.Type
	fixed := ft.NumIn()
	if ft.IsVariadic() {
		fixed--
	}
	var in []reflect.Value
	var recorded []any
	for j := 0; j < fixed; j++ {
		v := sample(ft.In(j), j)
		in = append(in, v)
		recorded = append(recorded, v.Interface())
	}
	if !ft.IsVariadic() {
		return []methodCall{{"call", in, recorded}}
	}
	elem := ft.In(fixed).Elem()
	v1, v2 := sample(elem, 50), sample(elem, 51)
	variadic := reflect.MakeSlice(ft.In(fixed), 0, 2)
	variadic = reflect.Append(variadic, v1, v2)
	return []methodCall{
		{"no-variadic", in, recorded},
		{"variadic", append(append([]reflect.Value{}, in...), v1, v2), append(append([]any{}, recorded...), variadic.Interface())},
	}
}

func anythings(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = mock.Anything
	}
	return out
}

// TestEveryMethodIsMocked calls every method of every core interface through
// the interface, on a mock programmed with mock.Anything arguments and
// sample results, and checks that the call was recorded with the arguments
// given and that the programmed results came back.
func TestEveryMethodIsMocked(t *testing.T) {
	for _, c := range mockCases {
		for i := 0; i < c.iface.NumMethod(); i++ {
			method := c.iface.Method(i)
			for _, call := range callsOf(method) {
				t.Run(c.name+"/"+method.Name+"/"+call.label, func(t *testing.T) {
					impl, m := c.fresh()
					m.Test(t)
					iv := reflect.New(c.iface).Elem()
					iv.Set(reflect.ValueOf(impl))

					want := make([]any, method.Type.NumOut())
					for k := range want {
						want[k] = sample(method.Type.Out(k), 10+k).Interface()
					}
					m.On(method.Name, anythings(len(call.recorded))...).Return(want...).Once()

					out := iv.Method(i).Call(call.in)

					require.Len(t, out, len(want))
					for k := range out {
						assert.Truef(t, same(want[k], out[k].Interface()),
							"result %d: got %#v, want the programmed %#v", k, out[k].Interface(), want[k])
					}
					m.AssertNumberOfCalls(t, method.Name, 1)
					m.AssertCalled(t, method.Name, anythings(len(call.recorded))...)
					m.AssertExpectations(t)
					require.Len(t, m.Calls, 1)
					got := m.Calls[0].Arguments
					require.Lenf(t, got, len(call.recorded), "recorded arguments %v", got)
					for k := range got {
						assert.Truef(t, same(call.recorded[k], got[k]),
							"argument %d: recorded %#v, passed %#v", k, got[k], call.recorded[k])
					}
				})
			}
		}
	}
}

// TestUnprogrammedResults checks the defaults when an expectation sets no
// results: chainable builder methods return the mock itself, everything
// else its zero value.
func TestUnprogrammedResults(t *testing.T) {
	for _, c := range mockCases {
		for i := 0; i < c.iface.NumMethod(); i++ {
			method := c.iface.Method(i)
			for _, call := range callsOf(method) {
				t.Run(c.name+"/"+method.Name+"/"+call.label, func(t *testing.T) {
					impl, m := c.fresh()
					m.Test(t)
					iv := reflect.New(c.iface).Elem()
					iv.Set(reflect.ValueOf(impl))
					m.On(method.Name, anythings(len(call.recorded))...)

					out := iv.Method(i).Call(call.in)

					for k, v := range out {
						rt := method.Type.Out(k)
						if rt.Kind() == reflect.Interface && rt != errorType && reflect.TypeOf(impl).Implements(rt) {
							assert.Truef(t, v.Interface() == impl, "result %d: got %#v, want the mock itself", k, v.Interface())
							continue
						}
						if seq, ok := v.Interface().(iter.Seq2[any, error]); ok {
							for range seq {
								t.Errorf("result %d: an unprogrammed iterator yielded a value", k)
							}
							continue // an empty iterator, safe to range over
						}
						assert.Truef(t, v.IsZero(), "result %d: got %#v, want the zero %s", k, v.Interface(), rt)
					}
					m.AssertNumberOfCalls(t, method.Name, 1)
				})
			}
		}
	}
}
