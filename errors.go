package dynamorm

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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

func (e *OpError) Error() string {
	where := e.Op
	if e.Model != "" {
		where += " " + e.Model
	}
	if e.Table != "" {
		where += " (table " + e.Table + ")"
	}
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
// returned as they are, so errors.Is(err, context.Canceled) holds.
func wrapAWS(op, modelName, table string, err error) error {
	if err == nil {
		return nil
	}
	e := &OpError{Op: op, Model: modelName, Table: table, Err: err}
	var ccf *types.ConditionalCheckFailedException
	var rnf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &ccf):
		e.Sentinel = core.ErrConditionFailed
	case errors.As(err, &rnf):
		e.Sentinel = core.ErrTableNotFound
	}
	return e
}
