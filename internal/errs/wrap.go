package errs

import (
	"errors"
	"strings"
)

// Prefix starts every dynamorm error message.
const Prefix = "dynamorm: "

// Within says where err happened — an operation and model such as
// "Create Order" — once, at the front: "dynamorm: Create Order: encode
// Order.Note: ...", never "Create Order: dynamorm: encode ..." nor the
// operation twice. errors.Is and errors.As see err's chain unchanged.
func Within(where string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, where+": ") {
		return err
	}
	return &located{msg: Prefix + where + ": " + strings.TrimPrefix(msg, Prefix), err: err}
}

// At names a part of what where names — item 40 of "BatchCreate Order" —
// right after it: "dynamorm: invalid input: BatchCreate Order: item 40:
// ...", never "BatchCreate: item 40: dynamorm: ... BatchCreate Order: ...".
func At(where, part string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if k := strings.Index(msg, where+": "); k >= 0 {
		k += len(where) + 2
		return &located{msg: msg[:k] + part + ": " + msg[k:], err: err}
	}
	return Within(where+": "+part, err)
}

// Marked returns err marked with sentinel (errors.Is finds both; err as it
// is when it already wraps sentinel) and names the sentinel once: "dynamorm: invalid model: Order.C: unsupported
// type chan int", not "dynamorm: invalid model: dynamorm: Order.C: ...".
func Marked(sentinel, err error) error {
	if err == nil || errors.Is(err, sentinel) {
		return err
	}
	return &located{msg: sentinel.Error() + ": " + strings.TrimPrefix(err.Error(), Prefix), err: err, sentinel: sentinel}
}

// located is an error with a rewritten message and the original chain.
type located struct {
	msg      string
	err      error
	sentinel error
}

func (e *located) Error() string { return e.msg }

// Unwrap returns the original error, and the sentinel Marked added.
func (e *located) Unwrap() []error {
	if e.sentinel != nil {
		return []error{e.sentinel, e.err}
	}
	return []error{e.err}
}
