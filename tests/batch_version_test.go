package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// BatchWriteItem cannot carry conditions, so BatchCreate of a versioned
// model used to overwrite newer items and move their version backwards.
// Such puts are refused, naming the field and the alternatives, unless the
// query opts in with AllowOverwrite.
func TestBatchPutsOfVersionedModelsNeedAllowOverwrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{}, &SetBag{})
	w := &Wallet{ID: "w1", Balance: 5}
	require.NoError(t, e.db.Model(w).Create())
	w.Balance = 6
	require.NoError(t, e.db.Model(w).Update())
	key := map[string]types.AttributeValue{"ID": s("w1")}
	stored := e.rawItem(t, "wallets", key)
	require.Equal(t, n("2"), stored["Version"])

	stale := []*Wallet{{ID: "w1", Balance: 1}, {ID: "w2"}}
	err := e.db.Model(&Wallet{}).BatchCreate(stale)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	for _, want := range []string{"BatchCreate Wallet", "version field (Version)", "Create or CreateOrUpdate", "transaction", "AllowOverwrite()"} {
		assert.Contains(t, err.Error(), want)
	}
	err = e.db.Model(&Wallet{}).BatchWrite([]any{&Wallet{ID: "w2"}}, []any{"w9"})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "BatchWrite Wallet")
	assert.Equal(t, stored, e.rawItem(t, "wallets", key), "nothing was overwritten")
	assert.Empty(t, e.rawItem(t, "wallets", map[string]types.AttributeValue{"ID": s("w2")}))
	assert.Zero(t, stale[0].Version, "the Go values are untouched")

	// Deletes alone are documented as unconditional: BatchWrite takes them.
	require.NoError(t, e.db.Model(&Wallet{}).BatchWrite(nil, []any{"w9"}))
	// AllowOverwrite on a conditional write would be ignored: refused.
	require.ErrorIs(t, e.db.Model(&Wallet{ID: "w3"}).AllowOverwrite().Create(), dynamorm.ErrValidation)
	require.ErrorIs(t, e.db.Model(&Wallet{ID: "w1"}).AllowOverwrite().UpdateBuilder().Add("Balance", 1).Execute(), dynamorm.ErrValidation)
	assert.Equal(t, stored, e.rawItem(t, "wallets", key))

	// Opted in, the overwrite happens as BatchWriteItem does it.
	require.NoError(t, e.db.Model(&Wallet{}).AllowOverwrite().BatchCreate(stale))
	raw := e.rawItem(t, "wallets", key)
	assert.Equal(t, n("1"), raw["Balance"])
	assert.Equal(t, n("1"), raw["Version"], "the caller accepted that the version moves back")
	assert.Equal(t, 1, stale[1].Version)

	// Models without a version field batch as before.
	require.NoError(t, e.db.Model(&SetBag{}).BatchCreate([]SetBag{{ID: "a"}, {ID: "b"}}))
	assert.Equal(t, 2, e.itemCount(t, "set_bags"))
}

// AllowOverwrite applies to batch puts only; on a read it is refused, not
// silently ignored, and nothing is sent.
func TestAllowOverwriteIsRefusedOnReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	require.NoError(t, e.db.Model(&Wallet{ID: "w1", Balance: 5}).Create())
	reads := e.count.reads.Load()
	q := e.db.Model(&Wallet{}).AllowOverwrite()
	var all []Wallet
	require.ErrorIs(t, q.All(&all), dynamorm.ErrValidation)
	require.ErrorIs(t, q.Scan(&all), dynamorm.ErrValidation)
	_, err := q.Count()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	var one Wallet
	err = e.db.Model(&Wallet{ID: "w1"}).AllowOverwrite().First(&one)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "AllowOverwrite applies to BatchCreate and BatchWrite only")
	assert.Empty(t, all)
	assert.Zero(t, one.Balance, "nothing was read")
	assert.Equal(t, reads, e.count.reads.Load(), "nothing was sent")
}
