package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Sentinel errors, re-exported from pkg/core for errors.Is.
var (
	ErrItemNotFound      = core.ErrItemNotFound
	ErrConditionFailed   = core.ErrConditionFailed
	ErrInvalidModel      = core.ErrInvalidModel
	ErrTableNotFound     = core.ErrTableNotFound
	ErrValidation        = core.ErrValidation
	ErrIndexNotFound     = core.ErrIndexNotFound
	ErrInvalidCursor     = core.ErrInvalidCursor
	ErrTransactionFailed = core.ErrTransactionFailed
	ErrUnsupportedType   = core.ErrUnsupportedType
	ErrOutcomeUnknown    = core.ErrOutcomeUnknown
	ErrIncompleteKey     = core.ErrIncompleteKey
	ErrUnknownEntity     = core.ErrUnknownEntity
	ErrUniqueViolation   = core.ErrUniqueViolation
	ErrTenantRequired    = core.ErrTenantRequired
	ErrCrossTenant       = core.ErrCrossTenant
	ErrEncryption        = core.ErrEncryption
)

// OpError is the error of a request DynamoDB rejected. It names the
// operation, the model and the table; errors.Is matches its sentinel
// (ErrConditionFailed, ErrTableNotFound, ...) and errors.As reaches the AWS
// error (for example *types.ConditionalCheckFailedException).
type OpError struct {
	Op       string // the dynamorm operation: Create, Update, Query, ...
	Model    string // the model's Go type name
	Table    string
	Sentinel error // a core sentinel, or nil
	Err      error // the AWS error
}

// where names an operation for messages: Op Model (table T).
func where(op, modelName, table string) string {
	if modelName != "" {
		op += " " + modelName
	}
	if table != "" {
		op += " (table " + table + ")"
	}
	return op
}

func (e *OpError) Error() string {
	where := where(e.Op, e.Model, e.Table)
	if e.Sentinel != nil {
		return fmt.Sprintf("%v: %s: %v", e.Sentinel, where, e.Err)
	}
	return fmt.Sprintf("dynamorm: %s: %v", where, e.Err)
}

// Unwrap returns the sentinel and the AWS error.
func (e *OpError) Unwrap() []error {
	if e.Sentinel != nil {
		return []error{e.Sentinel, e.Err}
	}
	return []error{e.Err}
}

// wrapAWS classifies an error returned by the client. Context errors are
// returned as they are (context.Canceled or context.DeadlineExceeded, as a
// write whose context is done before sending returns them), whatever the
// operation, so errors.Is(err, context.Canceled) holds and err ==
// ctx.Err().
func wrapAWS(op, modelName, table string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	e := &OpError{Op: op, Model: modelName, Table: table, Err: err}
	var ccf *types.ConditionalCheckFailedException
	var rnf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &ccf):
		e.Sentinel = core.ErrConditionFailed
	case errors.As(err, &rnf):
		e.Sentinel = core.ErrTableNotFound
	case isValidationException(err):
		e.Sentinel = core.ErrValidation
	}
	return e
}

// isContextError reports whether err is the context's: cancelled or past
// its deadline.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// OutcomeError reports a write (or a transaction) whose request was sent
// but whose outcome cannot be known: its response was lost (a server error,
// a reset connection, a timeout, a cancellation while it was in flight) and
// the retries could not tell whether the first attempt was applied.
// errors.Is matches ErrOutcomeUnknown, never ErrConditionFailed; errors.As
// reaches the last AWS or context error. The Go values keep the changes
// the write made (they are not rolled back, since the write may have been
// applied): read the items to find out.
type OutcomeError struct {
	Op    string   // Create, Update, Delete, Transaction, ...
	Model string   // the model's Go type name; empty for a transaction
	Table string   // empty for a transaction
	Items []string // the items written, as Model{attr=value, ...}
	Err   error    // the last error returned by DynamoDB or the context
}

func (e *OutcomeError) Error() string {
	where := where(e.Op, e.Model, e.Table)
	items := strings.Join(e.Items, ", ")
	if len(e.Items) > 10 {
		items = strings.Join(e.Items[:10], ", ") + fmt.Sprintf(" and %d more", len(e.Items)-10)
	}
	return fmt.Sprintf("%v: %s of %s: the request was sent but its response was lost, so it may or may not have been applied (read the item to find out): %v",
		core.ErrOutcomeUnknown, where, items, e.Err)
}

// Is matches ErrOutcomeUnknown.
func (e *OutcomeError) Is(target error) bool { return target == core.ErrOutcomeUnknown }

// Unwrap returns the last error.
func (e *OutcomeError) Unwrap() error { return e.Err }

// isValidationException reports whether DynamoDB rejected the request as
// invalid (the SDK has no type for ValidationException, only its code).
func isValidationException(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationException"
}

// TransactionError reports a transaction DynamoDB cancelled: for each
// operation that failed, its position, model, key and reason. errors.Is
// matches ErrTransactionFailed, and ErrConditionFailed when a condition
// failed; errors.As reaches *types.TransactionCanceledException.
type TransactionError struct {
	Failures []TransactionFailure
	Err      error

	db *DB // decodes a failure's Item (As *ConflictError)
}

// TransactionFailure is one failed operation of a transaction.
type TransactionFailure struct {
	Index   int    // position in the transaction, from 0
	Op      string // Create, Update, Delete, ConditionCheck, ...
	Model   string
	Table   string
	Key     string // the item, as Model{attr=value, ...}
	Code    string // DynamoDB's reason code: ConditionalCheckFailed, TransactionConflict, ...
	Message string
	// Item is the item stored when the operation's condition failed on
	// an item that exists (nil otherwise).
	Item map[string]types.AttributeValue
	// Violation is set when the operation reserved a unique value another
	// item holds (Op is then ReserveUnique).
	Violation *UniqueViolationError
}

func (e *TransactionError) Error() string {
	if len(e.Failures) == 0 {
		return fmt.Sprintf("%v: %v", core.ErrTransactionFailed, e.Err)
	}
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = fmt.Sprintf("operation %d (%s %s): %s", f.Index, f.Op, f.Key, f.Code)
		if f.Message != "" {
			parts[i] += ": " + f.Message
		}
	}
	return fmt.Sprintf("%v: %s", core.ErrTransactionFailed, strings.Join(parts, "; "))
}

// Unwrap returns the AWS error.
func (e *TransactionError) Unwrap() error { return e.Err }

// Is matches ErrTransactionFailed, ErrConditionFailed when an operation's
// condition failed, and ErrUniqueViolation when a unique value was taken.
func (e *TransactionError) Is(target error) bool {
	switch target {
	case core.ErrTransactionFailed:
		return true
	case core.ErrUniqueViolation:
		return e.violation() != nil
	case core.ErrConditionFailed:
		for _, f := range e.Failures {
			if f.Code == "ConditionalCheckFailed" {
				return true
			}
		}
	}
	return false
}

// As makes errors.As(err, &conflict) find a *ConflictError for the first
// operation whose condition failed on a stored item: its Item, decoded by
// Current, is that item, so RetryConflicts retries transactions too. A
// unique violation is no conflict (retrying cannot help): errors.As(err,
// &violation) finds the first *UniqueViolationError instead.
func (e *TransactionError) As(target any) bool {
	if p, ok := target.(**UniqueViolationError); ok {
		if v := e.violation(); v != nil {
			*p = v
			return true
		}
		return false
	}
	ce, ok := target.(**ConflictError)
	if !ok {
		return false
	}
	for _, f := range e.Failures {
		if f.Code == "ConditionalCheckFailed" && f.Item != nil {
			*ce = &ConflictError{Op: f.Op, Model: f.Model, Table: f.Table, Item: f.Item, Err: e, db: e.db}
			return true
		}
	}
	return false
}

func (e *TransactionError) violation() *UniqueViolationError {
	for _, f := range e.Failures {
		if f.Violation != nil {
			return f.Violation
		}
	}
	return nil
}

// transactionError maps a TransactionCanceledException's reasons, by
// position, to the operations of ops.
func transactionError(ops plan.Writes, err error) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return wrapAWS("Transaction", "", "", err)
	}
	te := &TransactionError{Err: err}
	for i, r := range tce.CancellationReasons {
		code := aws.ToString(r.Code)
		if code == "" || code == "None" || i >= len(ops) {
			continue
		}
		w := ops[i]
		msg := aws.ToString(r.Message)
		if code == "ConditionalCheckFailed" && w.MissingIsNotFound && r.Item == nil {
			msg = "item does not exist (" + msg + ")"
		}
		f := TransactionFailure{Index: i, Op: w.Op, Model: w.Model.Name(), Table: w.Table, Key: w.Describe(), Code: code, Message: msg, Item: r.Item}
		if w.Guard != nil {
			f.Item = nil // a guard item, not the model's: no conflict to retry
			f.Message = guardFailure(w, r)
			if w.Guard.Put && code == "ConditionalCheckFailed" {
				f.Violation = violation(w, r)
				f.Violation.Err = te
				f.Message = f.Violation.Error()
			}
		}
		te.Failures = append(te.Failures, f)
	}
	return te
}

// BatchError reports a batch operation that did not complete. Failures
// lists the items (or keys) certainly not written (not read, for BatchGet),
// in input order, and their Go values are restored; Unknown lists the items
// whose outcome is unknown: a request that carried them was sent, its
// response was lost, and no later response told (their Go values keep what
// was sent; read them to find out). Every other item was written.
// errors.As finds it; errors.Is matches ErrOutcomeUnknown when Unknown is
// not empty; Unwrap returns the last error DynamoDB or the context
// returned, if any, and the errors of individual items
// (BatchUpdateWithOptions), so errors.Is works with their sentinels and
// with context.Canceled.
type BatchError struct {
	Op       string // BatchCreate, BatchWrite, BatchDelete, BatchUpdate or BatchGet
	Model    string
	Table    string
	Total    int            // items (or distinct keys) in the call
	Failures []BatchFailure // not written, in input order: puts before deletes
	Unknown  []BatchFailure // outcome unknown, in input order: puts before deletes
	Err      error          // the last error returned by DynamoDB or the context, or nil
}

// BatchFailure is one item or key a batch did not write (or read).
type BatchFailure struct {
	Kind  string // "put", "delete", "update" or "get"
	Index int    // position in the caller's slice (puts and deletes are counted separately)
	Item  any    // the caller's item or key
	Key   string // the item's key, as Model{attr=value, ...}
	Err   error  // why: the request's or the item's error, or errUnprocessed
}

// errUnprocessed is the reason of an item DynamoDB kept returning as
// unprocessed until the retries ran out.
var errUnprocessed = errors.New("still unprocessed when the retries ran out")

func (e *BatchError) Error() string {
	what, verb := "items", "written"
	if e.Op == "BatchGet" {
		what, verb = "keys", "read"
	}
	where := where(e.Op, e.Model, e.Table)
	list := failureList(e.Failures)
	msg := fmt.Sprintf("dynamorm: %s: %d of %d %s not %s: %s", where, len(e.Failures), e.Total, what, verb, list)
	if len(e.Unknown) > 0 {
		msg += fmt.Sprintf("; %v: %d %s may or may not have been %s (their responses were lost): %s",
			core.ErrOutcomeUnknown, len(e.Unknown), what, verb, failureList(e.Unknown))
	}
	if e.Err != nil {
		msg += "; last error: " + e.Err.Error()
	}
	return msg
}

// failureList describes the first ten failures.
func failureList(failures []BatchFailure) string {
	const shown = 10
	parts := make([]string, 0, min(len(failures), shown))
	for i, f := range failures {
		if i == shown {
			break
		}
		s := fmt.Sprintf("%s %d %s", f.Kind, f.Index, f.Key)
		if f.Err != nil {
			s += ": " + f.Err.Error()
		}
		parts = append(parts, s)
	}
	list := strings.Join(parts, "; ")
	if len(failures) > shown {
		list += fmt.Sprintf("; and %d more", len(failures)-shown)
	}
	return list
}

// Is matches ErrOutcomeUnknown when some items' outcome is unknown.
func (e *BatchError) Is(target error) bool {
	return target == core.ErrOutcomeUnknown && len(e.Unknown) > 0
}

// Unwrap returns the last error and the distinct errors of the failed items.
func (e *BatchError) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	for _, f := range e.Failures {
		if f.Err == nil || f.Err == e.Err || f.Err == errUnprocessed {
			continue
		}
		out = append(out, f.Err)
	}
	return out
}
