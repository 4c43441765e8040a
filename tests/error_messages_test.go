package tests

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

type ChanModel struct {
	ID string `dynamorm:"pk"`
	C  chan int
}

// once checks that err's message starts with "dynamorm: " and names the
// prefix and each of words exactly once.
func once(t *testing.T, err error, words ...string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "dynamorm: "), msg)
	for _, w := range append([]string{"dynamorm:"}, words...) {
		assert.Equal(t, 1, strings.Count(msg, w), "%q in %s", w, msg)
	}
}

// Error messages name the prefix, the operation and the model once
// ("dynamorm: invalid model: dynamorm: ..." and "BatchCreate: item 40: ...
// BatchCreate Product: ..." were doubled), and keep their sentinels.
func TestErrorMessagesNameThingsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &SetBag{}, &Wallet{})

	err := e.db.Model(&ChanModel{ID: "x"}).Create()
	once(t, err, "invalid model")
	assert.ErrorIs(t, err, dynamorm.ErrInvalidModel)
	assert.ErrorIs(t, err, dynamorm.ErrUnsupportedType)
	err = e.db.TransactGet(context.Background(), &Wallet{ID: "w"}, &ChanModel{ID: "x"})
	once(t, err, "invalid model", "TransactGet", "destination 1")
	assert.ErrorIs(t, err, dynamorm.ErrInvalidModel)

	big := make([]SetBag, 41)
	for i := range big {
		big[i].ID = strings.Repeat("k", i+1)
	}
	big[40].Notes = []string{strings.Repeat("y", 500000)}
	err = e.db.Model(&SetBag{}).BatchCreate(big)
	once(t, err, "BatchCreate", "invalid input")
	assert.Contains(t, err.Error(), "BatchCreate SetBag: item 40: ")
	assert.ErrorIs(t, err, dynamorm.ErrValidation)

	big[40].Notes = nil
	big[3].Notes = []string{"bad \xff utf-8"}
	err = e.db.Model(&SetBag{}).BatchCreate(big)
	once(t, err, "BatchCreate", "item 3")
	assert.ErrorIs(t, err, dynamorm.ErrValidation)

	err = e.db.Model(&SetBag{ID: "a", Notes: []string{"\xff"}}).Create()
	once(t, err, "Create SetBag")
	assert.ErrorIs(t, err, dynamorm.ErrValidation)
	err = e.db.Model(&Wallet{ID: "w", Version: 1}).Update("Nope")
	once(t, err, "Update")
	err = e.db.Model(&Wallet{ID: "w"}).UpdateBuilder().Set("Balance", make(chan int)).Execute()
	once(t, err, "UpdateBuilder")
	assert.Zero(t, e.itemCount(t, "set_bags"), "nothing was written")
}

// "==" is accepted as "=" (and listed among the operators).
func TestDoubleEqualsIsEquality(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	require.NoError(t, e.db.Model(&Wallet{ID: "w1", Balance: 3}).Create())
	require.NoError(t, e.db.Model(&Wallet{ID: "w2", Balance: 4}).Create())
	var got []Wallet
	require.NoError(t, e.db.Model(&Wallet{}).Where("Balance", "==", 3).ConsistentRead().All(&got))
	require.Len(t, got, 1)
	assert.Equal(t, "w1", got[0].ID)
}
