package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/backoff"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Tracked is embedded in a model that owns its table to make its values
// remember what dynamorm read, so that Save writes only what changed
// (an entity's embedded Entity does the same):
//
//	type Account struct {
//		dynamorm.Tracked
//		ID     string `dynamorm:"pk"`
//		Visits int64  `dynamorm:"counter"`
//	}
//
// It holds one pointer. Values read (First, All, BatchGet, TransactGet,
// Items, Collection...) and written (Create, CreateOrUpdate, Save) point
// it at the item as stored; copies of a value share it, which is safe: it
// is never modified, only replaced. Two values compare equal (==,
// reflect.DeepEqual) only when they also remember the same read.
type Tracked = model.Tracking

// ConflictError is a write whose condition (the version check of a
// versioned model, Save's, or the caller's) failed against an item that
// is stored: Item is that item, as DynamoDB returned it with the failure.
// It wraps the *OpError, so errors.Is(err, ErrConditionFailed) holds.
type ConflictError struct {
	Op, Model, Table string
	Item             map[string]types.AttributeValue
	Err              error

	db *DB // decodes Item with the DB's converters
}

func (e *ConflictError) Error() string { return e.Err.Error() }

// Unwrap returns the write's *OpError.
func (e *ConflictError) Unwrap() error { return e.Err }

// Current decodes the stored item into dest, a pointer to a model struct.
// A tracked dest remembers it as read, so that after merging the caller's
// changes into it a Save writes them over what is stored now.
func (e *ConflictError) Current(dest any) error {
	if e.db == nil {
		return fmt.Errorf("%w: ConflictError.Current: the error did not come from a write of a DB", core.ErrValidation)
	}
	return e.db.decodeOne(e.Item, dest, nil)
}

// conflict makes err, the failed condition of w, a *ConflictError when
// DynamoDB returned the stored item with it.
func conflict(op, modelName, table string, ccf *types.ConditionalCheckFailedException, err error) error {
	if ccf == nil || ccf.Item == nil {
		return err
	}
	return &ConflictError{Op: op, Model: modelName, Table: table, Item: ccf.Item, Err: err}
}

// RetryConflicts runs fn, a read-modify-write, and runs it again while it
// fails with a *ConflictError (another writer changed the item between
// its read and its write), at most attempts times in all, waiting a short
// jittered backoff between attempts (honouring ctx). It returns fn's last
// error; after the attempts ran out that is the last conflict.
//
//	err := dynamorm.RetryConflicts(ctx, 5, func() error {
//		var a Account
//		if err := db.Model(&Account{ID: id}).First(&a); err != nil {
//			return err
//		}
//		a.Plan = "pro"
//		return db.Model(&a).Save()
//	})
func RetryConflicts(ctx context.Context, attempts int, fn func() error) error {
	if attempts < 1 {
		return fmt.Errorf("%w: RetryConflicts: attempts is %d; give at least 1", core.ErrValidation, attempts)
	}
	var ce *ConflictError
	for i := 0; ; i++ {
		err := fn()
		if err == nil || !errors.As(err, &ce) || i+1 >= attempts {
			return err
		}
		if werr := backoff.Sleep(ctx, conflictBackoff, i); werr != nil {
			return errors.Join(werr, err)
		}
	}
}

// conflictBackoff is the wait between RetryConflicts' attempts: a
// conflict is resolved by reading again, which needs no long wait.
var conflictBackoff = &backoff.Policy{InitialDelay: 5 * time.Millisecond, MaxDelay: 200 * time.Millisecond, BackoffFactor: 2, Jitter: 0.5}
