package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// Data written around dynamorm: an item without a guard, a guard whose
// owner is gone, a guard naming an item that holds another value, and two
// items holding one value. RepairUnique reports each, changes nothing
// without fix, fixes what it can with fix, and a second run finds only the
// duplicate.
func TestUniqueRepair(t *testing.T) {
	e := uqEnv(t)
	table := e.prefix + "uq_users"
	put := func(item map[string]types.AttributeValue) {
		t.Helper()
		_, err := e.raw.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
		require.NoError(t, err)
	}
	require.NoError(t, e.db.Model(&uqUser{ID: "ok", Email: "ok@example.com"}).Create())
	put(map[string]types.AttributeValue{"ID": s("bare"), "Email": s("Bare@example.com"), "Name": s(""), "Version": n("1")})
	put(map[string]types.AttributeValue{"ID": s("UNIQUE#uqUser#Email#gone@example.com"), "_unique": s("uqUser#Email"), "_owner": s("gone"),
		"_owner_key": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"ID": s("gone")}}})
	require.NoError(t, e.db.Model(&uqUser{ID: "mover", Email: "old@example.com"}).Create())
	_, err := e.raw.UpdateItem(t.Context(), updateEmailRaw(table, "mover", "new@example.com"))
	require.NoError(t, err) // mover now holds new@ (unguarded) and old@'s guard names it
	put(map[string]types.AttributeValue{"ID": s("twin"), "Email": s("OK@example.com"), "Name": s(""), "Version": n("1")})

	before := len(e.scanAll(t, "uq_users"))
	rep, err := e.db.RepairUnique(t.Context(), &uqUser{}, false)
	require.NoError(t, err)
	assert.Equal(t, 4, rep.Items)
	assert.Equal(t, 3, rep.Guards)
	require.Len(t, rep.Unguarded, 2, "%+v", rep.Unguarded)
	assert.ElementsMatch(t, []string{`uqUser{ID="bare"}`, `uqUser{ID="mover"}`}, []string{rep.Unguarded[0].Item, rep.Unguarded[1].Item})
	require.Len(t, rep.Orphans, 2, "gone@'s guard and old@'s: %+v", rep.Orphans)
	require.Len(t, rep.Misowned, 1)
	assert.True(t, rep.Misowned[0].Duplicate)
	assert.Equal(t, `uqUser{ID="twin"}`, rep.Misowned[0].Item)
	assert.Equal(t, `uqUser{ID="ok"}`, rep.Misowned[0].Owner)
	assert.Equal(t, before, len(e.scanAll(t, "uq_users")), "a report changes nothing")

	rep, err = e.db.RepairUnique(t.Context(), &uqUser{}, true)
	require.NoError(t, err)
	for _, p := range append(append(rep.Unguarded, rep.Orphans...), rep.Misowned...) {
		assert.NoError(t, p.Err, "%+v", p)
		assert.Equal(t, !p.Duplicate, p.Fixed, "%+v", p)
	}
	assert.Equal(t, []string{"UNIQUE#uqUser#Email#bare@example.com", "UNIQUE#uqUser#Email#new@example.com", "UNIQUE#uqUser#Email#ok@example.com"},
		e.guardValues(t, "uq_users", "ID"))
	got, err := dynamorm.FindByConsistent[uqUser](e.db, "Email", "bare@example.com")
	require.NoError(t, err)
	assert.Equal(t, "bare", got.ID)

	rep, err = e.db.RepairUnique(t.Context(), &uqUser{}, false)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Problems(), "only the duplicate is left: %+v", rep)

	_, err = e.db.RepairUnique(t.Context(), &uqTeam{}, false)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
}
