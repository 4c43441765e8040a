package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

type Wallet struct {
	ID      string `dynamorm:"pk"`
	Balance int
	Version int `dynamorm:"version"`
}

// A caller's parenthesised condition is combined with dynamorm's own
// conditions (item absent, version) without being wrapped in a second pair
// of parentheses, which DynamoDB rejects as redundant.
func TestParenthesisedConditionIsNotWrappedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	const cond = "(attribute_not_exists(#Balance) OR #Balance > :min)"
	key := map[string]types.AttributeValue{"ID": s("w1")}

	w := &Wallet{ID: "w1", Balance: 5}
	require.NoError(t, e.db.Model(w).WithConditionExpression(cond, map[string]any{"min": 1}).Create())
	assert.Equal(t, n("5"), e.rawItem(t, "wallets", key)["Balance"])

	w.Balance = 7
	require.NoError(t, e.db.Model(w).WithConditionExpression(cond, map[string]any{"min": 1}).Update("Balance"))
	raw := e.rawItem(t, "wallets", key)
	assert.Equal(t, n("7"), raw["Balance"])
	assert.Equal(t, n("2"), raw["Version"])

	// The condition is evaluated: false, nothing is written.
	w.Balance = 9
	err := e.db.Model(w).WithConditionExpression(cond, map[string]any{"min": 100}).Update("Balance")
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.Equal(t, n("7"), e.rawItem(t, "wallets", key)["Balance"])
	assert.Equal(t, 2, w.Version, "a failed write leaves the Go value as it was")

	err = e.db.Model(&Wallet{ID: "w1"}).UpdateBuilder().Add("Balance", 1).
		Condition("Balance", ">", 100).OrCondition("Balance", "=", 7).Execute()
	require.NoError(t, err)
	assert.Equal(t, n("8"), e.rawItem(t, "wallets", key)["Balance"])

	require.NoError(t, e.db.Model(&Wallet{ID: "w1"}).ConsistentRead().First(w), "UpdateBuilder bumped the stored version")
	require.NoError(t, e.db.Transaction(func(tx *dynamorm.Tx) error {
		w.Balance = 10
		return tx.Model(w).WithConditionExpression("(#Balance = :b OR #Balance = :c)", map[string]any{"b": 8, "c": 0}).Update("Balance")
	}))
	assert.Equal(t, n("10"), e.rawItem(t, "wallets", key)["Balance"])

	require.NoError(t, e.db.Model(w).WithConditionExpression(cond, map[string]any{"min": 1}).Delete())
	assert.Empty(t, e.rawItem(t, "wallets", key))
}
