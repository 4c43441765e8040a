package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// A transaction whose Save meets a newer version fails with the stored
// item: the *TransactionError's failure carries it, errors.As finds a
// *ConflictError whose Current decodes it, and RetryConflicts reruns the
// transaction.
func TestSaveConflictInTransaction(t *testing.T) {
	t.Parallel()
	_, db, _ := recordingEnv(t, &svProfile{})
	require.NoError(t, db.Model(&svProfile{ID: "x", Name: "Ann"}).Create())
	stale, other := readProfile(t, db, "x"), readProfile(t, db, "x")
	other.Name = "Other"
	require.NoError(t, db.Model(&other).Save())

	stale.Email = "s@x"
	err := db.Transaction(func(tx *dynamorm.Tx) error { return tx.Model(&stale).Save() })
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	var te *dynamorm.TransactionError
	require.ErrorAs(t, err, &te)
	require.Len(t, te.Failures, 1)
	assert.NotNil(t, te.Failures[0].Item, "the stored item")
	var ce *dynamorm.ConflictError
	require.ErrorAs(t, err, &ce)
	var cur svProfile
	require.NoError(t, ce.Current(&cur))
	assert.Equal(t, "Other", cur.Name)
	assert.Equal(t, 2, cur.Version)
	assert.Equal(t, 1, stale.Version, "undone")

	calls := 0
	require.NoError(t, dynamorm.RetryConflicts(t.Context(), 3, func() error {
		calls++
		v := stale // the stale copy first, then the item as stored now
		if calls > 1 {
			v = cur
		}
		v.Email = "s@x"
		return db.Transaction(func(tx *dynamorm.Tx) error { return tx.Model(&v).Save() })
	}))
	assert.Equal(t, 2, calls)
	final := readProfile(t, db, "x")
	assert.Equal(t, "Other", final.Name)
	assert.Equal(t, "s@x", final.Email)
	assert.Equal(t, 3, final.Version)
}

// Update(fields...) of a tracked value is remembered: a Save after it
// sends nothing for what Update wrote (a counter's difference is not added
// twice).
func TestSaveAfterUpdate(t *testing.T) {
	t.Parallel()
	_, db, rec := recordingEnv(t, &svCounter{})
	require.NoError(t, db.Model(&svCounter{ID: "u", Label: "a"}).Create())
	var c svCounter
	require.NoError(t, db.Model(&svCounter{ID: "u"}).ConsistentRead().First(&c))
	c.Visits = 5
	c.Label = ""
	require.NoError(t, db.Model(&c).Update("Visits", "Label"))
	sent := rec.sent()
	require.NoError(t, db.Model(&c).Save())
	assert.Equal(t, sent, rec.sent(), "nothing left to save")
	c.Visits++
	require.NoError(t, db.Model(&c).Save())
	var got svCounter
	require.NoError(t, db.Model(&svCounter{ID: "u"}).ConsistentRead().First(&got))
	assert.Equal(t, int64(6), got.Visits)
	assert.Empty(t, got.Label)
}
