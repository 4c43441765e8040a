package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Where and Filter select what a read returns; a write given them used to
// ignore them silently (Where("Balance", ">", 100).Delete() deleted the
// item whatever its balance). Every write refuses them before sending and
// points to WithCondition.
func TestWritesRefuseWhereAndFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	require.NoError(t, e.db.Model(&Wallet{ID: "w1", Balance: 5}).Create())
	key := map[string]types.AttributeValue{"ID": s("w1")}
	before := e.rawItem(t, "wallets", key)
	sent := e.count.writes.Load()

	where := func(w *Wallet) core.Query { return e.db.Model(w).Where("Balance", ">", 100) }
	filter := func(w *Wallet) core.Query { return e.db.Model(w).Filter("Balance", ">", 100) }
	cases := map[string]func() error{
		"Create":         func() error { return where(&Wallet{ID: "w2"}).Create() },
		"CreateOrUpdate": func() error { return where(&Wallet{ID: "w1", Balance: 1, Version: 1}).CreateOrUpdate() },
		"Update":         func() error { return where(&Wallet{ID: "w1", Balance: 1, Version: 1}).Update() },
		"Delete":         func() error { return where(&Wallet{ID: "w1"}).Delete() },
		"Filter Delete":  func() error { return filter(&Wallet{ID: "w1"}).Delete() },
		"BatchDelete":    func() error { return where(&Wallet{}).BatchDelete([]any{"w1"}) },
		"BatchCreate":    func() error { return where(&Wallet{}).BatchCreate([]*Wallet{{ID: "w2"}}) },
		"BatchWrite":     func() error { return filter(&Wallet{}).BatchWrite([]any{&Wallet{ID: "w2"}}, []any{"w1"}) },
		"BatchUpdate": func() error {
			return where(&Wallet{}).BatchUpdateWithOptions([]any{&Wallet{ID: "w1", Balance: 1, Version: 1}}, nil)
		},
		"transaction": func() error {
			return e.db.Transaction(func(tx *dynamorm.Tx) error {
				return tx.Model(&Wallet{ID: "w1", Balance: 1, Version: 1}).Where("Balance", ">", 100).Update()
			})
		},
	}
	for name, write := range cases {
		err := write()
		require.ErrorIs(t, err, dynamorm.ErrValidation, name)
		assert.Contains(t, err.Error(), "WithCondition", name)
	}
	for name, err := range map[string]error{
		"UpdateBuilder Where":           e.db.Model(&Wallet{ID: "w1"}).Where("Balance", ">", 100).UpdateBuilder().Add("Balance", 1).Execute(),
		"UpdateBuilder Where key range": e.db.Model(&Wallet{}).Where("ID", ">", "a").UpdateBuilder().Add("Balance", 1).Execute(),
		"UpdateBuilder Filter":          filter(&Wallet{ID: "w1"}).UpdateBuilder().Add("Balance", 1).Execute(),
	} {
		require.ErrorIs(t, err, dynamorm.ErrValidation, name)
		assert.Contains(t, err.Error(), "Condition(field, op, value)", name)
	}
	assert.Equal(t, sent, e.count.writes.Load(), "nothing was sent")
	assert.Equal(t, before, e.rawItem(t, "wallets", key), "the item is unchanged")
	assert.Empty(t, e.rawItem(t, "wallets", map[string]types.AttributeValue{"ID": s("w2")}))

	// Where equality on the key still addresses an UpdateBuilder's item.
	require.NoError(t, e.db.Model(&Wallet{}).Where("ID", "=", "w1").UpdateBuilder().Add("Balance", 2).Execute())
	assert.Equal(t, n("7"), e.rawItem(t, "wallets", key)["Balance"])
}
