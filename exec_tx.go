package dynamorm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// commit validates and sends a transaction; on failure it undoes the Go
// value changes of every write.
func (db *DB) commit(ops plan.Writes) error {
	if len(ops) == 0 {
		return nil
	}
	items, err := transactItems(ops)
	if err != nil {
		ops.Undo()
		return err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	q := &query{db: db, ctx: db.ctx}
	out, err := db.shared.client.TransactWriteItems(db.ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: items,
		// The same token on the SDK's retries makes a retried commit apply once.
		ClientRequestToken:     aws.String(hex.EncodeToString(token)),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if out != nil {
		for i := range out.ConsumedCapacity {
			q.recordWrite(&out.ConsumedCapacity[i])
		}
	}
	if err != nil {
		ops.Undo()
		return transactionError(ops, err)
	}
	return nil
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
	out, err := db.shared.client.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{
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
		return nil, transactionError(ops, err)
	}
	return out, nil
}
