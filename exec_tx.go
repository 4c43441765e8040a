package dynamorm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// commit validates and sends a transaction. When it certainly failed, the
// Go value changes of every write are undone; when its outcome is unknown,
// they are kept and the error is an *OutcomeError.
func (db *DB) commit(ops plan.Writes) error {
	if len(ops) == 0 {
		return nil
	}
	if err := checkTenants(db.ctx, ops); err != nil {
		ops.Undo()
		return err
	}
	ops = ops.WithGuards() // unique guards join the transaction
	items, err := transactItems(ops)
	if err != nil {
		ops.Undo()
		return err
	}
	if err := db.ctx.Err(); err != nil {
		ops.Undo() // nothing was sent
		return err
	}
	q := &query{db: db, ctx: db.ctx, options: &noOptions}
	if err = q.sendTransaction(items, ops); err != nil {
		if !errors.Is(err, core.ErrOutcomeUnknown) {
			ops.Undo()
		} else {
			wrote(db.ctx, false, ops...)
		}
		var te *TransactionError
		if errors.As(err, &te) {
			te.db = db
		}
		return err
	}
	wrote(db.ctx, true, ops...)
	for _, w := range ops {
		if err := w.Done(w.Known); err != nil {
			return err
		}
	}
	return nil
}

// sendTransaction sends one TransactWriteItems until its outcome is known,
// under the DB's batch retry policy with the one backoff. A call whose
// response was lost is sent again with the same idempotency token, so that
// DynamoDB applies it at most once and answers a retry of a committed
// transaction with success. A transaction cancelled for a conflict with
// another one is sent again too, with a new token unless a call with the
// current one was lost. When the retries run out after a lost response the
// outcome is unknown.
func (q *query) sendTransaction(items []types.TransactWriteItem, ops plan.Writes) error {
	policy, err := q.retryPolicyOrDefault("Transaction", nil)
	if err != nil {
		return err
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: items, ClientRequestToken: newToken(),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes}
	tokenLost := false // a call with the current token may have been applied
	for retry := 0; ; retry++ {
		var a attempts
		out, err := q.db.api("Transaction", retry+1).TransactWriteItems(q.ctx, in, a.option)
		if out != nil {
			for i := range out.ConsumedCapacity {
				q.recordWrite(&out.ConsumedCapacity[i])
			}
		}
		if err == nil {
			return nil
		}
		// A cancellation answers the token: had a call with it been
		// applied, DynamoDB would have answered with success.
		q.db.canceled(q.ctx, "", err)
		var tce *types.TransactionCanceledException
		lost := !errors.As(err, &tce) && a.uncertain(err) || inProgress(err)
		tokenLost = tokenLost || lost || a.lost
		switch {
		case !lost && !isConflict(err):
			return transactionError(ops, err)
		case !tokenLost:
			in.ClientRequestToken = newToken() // nothing applied: a new transaction
		}
		if retry >= policy.MaxRetries || q.db.sleep(q.ctx, policy, retry, Event{Reason: txRetryReason(err, lost), Attempt: retry + 1, Items: len(items)}) != nil {
			if lost {
				return &OutcomeError{Op: "Transaction", Items: opItems(ops), Err: err}
			}
			return transactionError(ops, err)
		}
	}
}

// txRetryReason says why a transaction that failed with err is sent again.
func txRetryReason(err error, lost bool) string {
	switch {
	case inProgress(err):
		return "transaction in progress"
	case lost:
		return "response lost"
	}
	return "transaction conflict"
}

// newToken returns a fresh idempotency token.
func newToken() *string {
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	return aws.String(hex.EncodeToString(token))
}

// isConflict reports whether DynamoDB refused a write because another
// transaction was working on one of its items.
func isConflict(err error) bool {
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "TransactionConflict" {
				return true
			}
		}
		return false
	}
	var tc *types.TransactionConflictException
	return errors.As(err, &tc)
}

// inProgress reports whether DynamoDB is still applying an earlier call
// with the same idempotency token.
func inProgress(err error) bool {
	var tip *types.TransactionInProgressException
	return errors.As(err, &tip)
}

// opItems names the items of a transaction for an OutcomeError.
func opItems(ops plan.Writes) []string {
	out := make([]string, len(ops))
	for i, w := range ops {
		out[i] = w.Op + " " + w.Describe()
	}
	return out
}

// transactItems converts ops, enforcing DynamoDB's limits client-side: at
// most 100 operations, one per item, 4 MB of items, keys and values.
func transactItems(ops plan.Writes) ([]types.TransactWriteItem, error) {
	if len(ops) > MaxTransactionItems {
		return nil, fmt.Errorf("%w: a transaction has %d operations; DynamoDB allows at most %d", core.ErrValidation, len(ops), MaxTransactionItems)
	}
	seen := make(map[string]int, len(ops))
	size := 0
	items := make([]types.TransactWriteItem, len(ops))
	for i, w := range ops {
		id := w.ID()
		if j, dup := seen[id]; dup {
			if g, h := ops[j].Guard, w.Guard; g != nil && h != nil && g.Put && h.Put {
				return nil, fmt.Errorf("%w: %w: transaction operations %d and %d both give %s %s (%s) the value %s, which only one item may hold",
					core.ErrValidation, core.ErrUniqueViolation, j, i, w.Model.Name(), h.Unique.Name, strings.Join(h.Unique.FieldNames(), ", "), h.ValueString())
			}
			return nil, fmt.Errorf("%w: transaction operations %d (%s) and %d (%s) both touch %s in table %s; DynamoDB allows one operation per item", core.ErrValidation, j, ops[j].Op, i, w.Op, w.Describe(), w.Table)
		}
		seen[id] = i
		// DynamoDB's transaction payload: the items, keys and values carried.
		size += attr.ItemSize(w.Item) + attr.ItemSize(w.Key) + attr.ItemSize(w.Values)
		items[i] = transactItem(w)
	}
	if size > MaxTransactionBytes {
		return nil, fmt.Errorf("%w: the transaction is about %d bytes; DynamoDB allows at most %d (4 MB)", core.ErrValidation, size, MaxTransactionBytes)
	}
	return items, nil
}

// transactGet sends a TransactGetItems of items (ops describe them for
// errors) and records its consumed capacity on q.
func (db *DB) transactGet(ctx context.Context, items []types.TransactGetItem, ops plan.Writes, q *query) (*dynamodb.TransactGetItemsOutput, error) {
	out, err := db.api("TransactGet", 1).TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{
		TransactItems:          items,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if out != nil {
		for i := range out.ConsumedCapacity {
			q.recordRead(&out.ConsumedCapacity[i])
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		db.canceled(ctx, "", err)
		return nil, transactionError(ops, err)
	}
	return out, nil
}
