package marshal

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// pathError is a codec error located in a value. While it travels up from
// the value that failed, each level prepends its step to path (".Items",
// "[2]", ".Price"); the entry point then sets op and root, giving messages
// such as
//
//	dynamorm: decode Order.Items[2].Price: number 1e400 overflows float64
//
// Building the path only on the error path keeps successful calls free of it.
type pathError struct {
	op   string // "encode", "decode", or "" for a compile-time error
	root string // the Go type at the entry point ("Order", "[]int")
	path string // steps below root
	err  error  // the cause
}

func (e *pathError) Error() string {
	var b strings.Builder
	b.WriteString("dynamorm: ")
	if e.op != "" {
		b.WriteString(e.op)
		b.WriteByte(' ')
	}
	b.WriteString(e.root)
	b.WriteString(e.path)
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *pathError) Unwrap() error { return e.err }

// withPath prepends step to the location of err. Errors that already went
// through an entry point (a custom marshaler calling Marshal, say) are kept
// whole as the cause.
func withPath(err error, step string) error {
	if pe, ok := err.(*pathError); ok && pe.root == "" {
		return &pathError{path: step + pe.path, err: pe.err}
	}
	return &pathError{path: step, err: err}
}

func fieldStep(name string) string { return "." + name }

func indexStep(i int) string { return "[" + strconv.Itoa(i) + "]" }

func keyStep(k string) string { return "[" + strconv.Quote(k) + "]" }

// located finishes err at an entry point: op is "encode" or "decode", t the
// type the caller handed in.
func located(err error, op string, t reflect.Type) error {
	if err == nil {
		return nil
	}
	root := typeName(t)
	if pe, ok := err.(*pathError); ok {
		if pe.root != "" {
			return err
		}
		path := pe.path
		if ne, ok := pe.err.(*nestingError); ok {
			path = ne.finish(root, path)
		}
		return &pathError{op: op, root: root, path: path, err: pe.err}
	}
	if ne, ok := err.(*nestingError); ok {
		ne.finish(root, "")
	}
	return &pathError{op: op, root: root, err: err}
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// causeError is a cause that wraps a sentinel of pkg/core without repeating
// its "dynamorm:" prefix in the message.
type causeError struct {
	msg      string
	sentinel error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.sentinel }

func unsupported(t reflect.Type, why string) error {
	msg := "unsupported type " + t.String()
	if why != "" {
		msg += " (" + why + ")"
	}
	return &causeError{msg: msg, sentinel: core.ErrUnsupportedType}
}

// mismatch reports an attribute whose DynamoDB type cannot fill Go type t.
func mismatch(av types.AttributeValue, t reflect.Type) error {
	return fmt.Errorf("cannot decode %s into %s", avType(av), t)
}

// avType names the DynamoDB type of av ("S", "N", "L", ...).
func avType(av types.AttributeValue) string {
	if name := core.TypeName(av); name != "" {
		return name
	}
	if av == nil {
		return "nil"
	}
	return fmt.Sprintf("%T", av)
}
