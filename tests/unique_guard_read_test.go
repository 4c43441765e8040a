package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// A model that owns its table shares it with its guards, whose keys are
// keys of the model too: a read by such a key finds no item (the guard is
// never decoded as one), on every read path.
func TestUniqueReadOfAGuardKeyIsNoItem(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqUser{ID: "u1", Email: "ann@example.com"}).Create())
	require.Equal(t, []string{annGuard}, e.guardValues(t, "uq_users", "ID"), "the guard is stored under that key")

	var got uqUser
	err := e.db.Model(&uqUser{ID: annGuard}).ConsistentRead().First(&got)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "First by the guard's key")
	assert.Empty(t, got.ID)

	n, err := e.db.Model(&uqUser{ID: annGuard}).Count()
	require.NoError(t, err)
	assert.Zero(t, n, "Count by the guard's key")

	var all []uqUser
	require.NoError(t, e.db.Model(&uqUser{}).Where("ID", "IN", []string{annGuard, "u1"}).ConsistentRead().All(&all))
	require.Len(t, all, 1, "Where(pk, IN) drops the guard: %+v", all)
	assert.Equal(t, "u1", all[0].ID)

	var batch []uqUser
	require.NoError(t, e.db.Model(&uqUser{}).BatchGet([]any{annGuard, "u1"}, &batch))
	require.Len(t, batch, 1, "BatchGet drops the guard: %+v", batch)
	assert.Equal(t, "u1", batch[0].ID)

	tg := uqUser{ID: annGuard}
	err = e.db.TransactGet(t.Context(), &tg)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "TransactGet of the guard's key")
	assert.Empty(t, tg.Email)

	// The item itself reads as before.
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).ConsistentRead().First(&got))
	assert.Equal(t, "ann@example.com", got.Email)
}
