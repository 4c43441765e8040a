package tests

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// 64 goroutines create 64 items with one address: exactly one wins, every
// other gets ErrUniqueViolation (a conflict with a transaction in flight
// is retried until it turns into one), and the table holds the winner and
// its guard, which names the winner.
func TestUniqueConcurrentCreatesOfOneValue(t *testing.T) {
	e := uqEnv(t)
	const n = 64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = e.db.Model(&uqUser{ID: fmt.Sprintf("u%02d", i), Email: "race@example.com"}).Create()
		}(i)
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			require.Equal(t, -1, winner, "two winners: %d and %d", winner, i)
			winner = i
		case !errors.Is(err, dynamorm.ErrUniqueViolation):
			t.Errorf("goroutine %d: %v (want a unique violation)", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "no winner")
	items := e.scanAll(t, "uq_users")
	require.Len(t, items, 2, "the winner and its guard, no orphan guard")
	guards := e.guards(t, "uq_users")
	require.Len(t, guards, 1)
	assert.Equal(t, s(fmt.Sprintf("u%02d", winner)), guards[0]["_owner"])
	got, err := dynamorm.FindByConsistent[uqUser](e.db, "Email", "race@example.com")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("u%02d", winner), got.ID)
}

// Two items race, many rounds, to change their address to one value:
// one wins each round, the other keeps its old address and its guard.
func TestUniqueConcurrentChangesToOneValue(t *testing.T) {
	e := uqEnv(t)
	const rounds = 8
	for r := 0; r < rounds; r++ {
		a := &uqUser{ID: fmt.Sprintf("a%d", r), Email: fmt.Sprintf("a%d@example.com", r)}
		b := &uqUser{ID: fmt.Sprintf("b%d", r), Email: fmt.Sprintf("b%d@example.com", r)}
		require.NoError(t, e.db.Model(a).Create())
		require.NoError(t, e.db.Model(b).Create())
		target := fmt.Sprintf("x%d@example.com", r)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []*uqUser{a, b} {
			wg.Add(1)
			go func(i int, u *uqUser) {
				defer wg.Done()
				u.Email = target
				errs[i] = e.db.Model(u).Update("Email")
			}(i, u)
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.ErrorIs(t, err, dynamorm.ErrUniqueViolation, "round %d, item %d", r, i)
		}
		require.Equal(t, 1, ok, "round %d: exactly one change wins", r)
		winner, loser := a, b
		if errs[0] != nil {
			winner, loser = b, a
		}
		loserOld := fmt.Sprintf("%s@example.com", loser.ID)
		var stored uqUser
		require.NoError(t, e.db.Model(&uqUser{ID: loser.ID}).ConsistentRead().First(&stored))
		assert.Equal(t, loserOld, stored.Email, "the loser keeps its address")
		got, err := dynamorm.FindByConsistent[uqUser](e.db, "Email", target)
		require.NoError(t, err)
		assert.Equal(t, winner.ID, got.ID)
		got, err = dynamorm.FindByConsistent[uqUser](e.db, "Email", loserOld)
		require.NoError(t, err, "the loser's guard stays")
		assert.Equal(t, loser.ID, got.ID)
		_, err = dynamorm.FindByConsistent[uqUser](e.db, "Email", fmt.Sprintf("%s@example.com", winner.ID))
		require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "the winner's old address is free")
	}
	assert.Len(t, e.guards(t, "uq_users"), 2*rounds, "one guard per item, none orphaned")
}
