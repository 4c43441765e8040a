package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// An UpdateBuilder of a value that was read refreshes what it remembers:
// the attributes it updated come back (UPDATED_NEW) into the value and its
// snapshot, so a Save after it neither sends them again nor misses a
// change back to what was first read.
func TestSaveAfterUpdateBuilder(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svProfile{}, &svCounter{})
	require.NoError(t, db.Model(&svProfile{ID: "p1", Name: "Ann", Bio: "hi"}).Create())
	p := readProfile(t, db, "p1")
	require.NoError(t, db.Model(&p).UpdateBuilder().Set("Name", "Bob").Execute())
	in, _ := rec.last(t)
	assert.Equal(t, types.ReturnValueUpdatedNew, in.ReturnValues, "a tracked value asks for what the update stored")
	assert.Equal(t, "Bob", p.Name, "the value holds what is stored")
	assert.Equal(t, 2, p.Version)

	before := rec.sent()
	require.NoError(t, db.Model(&p).Save())
	assert.Equal(t, before, rec.sent(), "nothing changed since the update: nothing sent")

	p.Name = "Ann" // back to what was first read: a change Save must send
	require.NoError(t, db.Model(&p).Save())
	raw := e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("p1")})
	assert.Equal(t, s("Ann"), raw["Name"])
	assert.Equal(t, n("3"), raw["Version"])

	// Counters: the builder's increment is not added again by a Save.
	require.NoError(t, db.Model(&svCounter{ID: "c1"}).Create())
	var c svCounter
	require.NoError(t, db.Model(&svCounter{ID: "c1"}).ConsistentRead().First(&c))
	require.NoError(t, db.Model(&c).UpdateBuilder().Increment("Visits").Execute())
	assert.Equal(t, int64(1), c.Visits)
	c.Visits++
	require.NoError(t, db.Model(&c).Save())
	var stored svCounter
	require.NoError(t, db.Model(&svCounter{ID: "c1"}).ConsistentRead().First(&stored))
	assert.Equal(t, int64(2), stored.Visits, "one increment by the builder, one by the Save")

	// In a transaction (which returns nothing) the value forgets what is
	// stored: Save refuses, before sending, until it is read again.
	require.NoError(t, db.Transaction(func(tx *dynamorm.Tx) error {
		return tx.Model(&p).UpdateBuilder().Set("Bio", "there").Execute()
	}))
	p.Name = "Carol"
	before = rec.sent()
	err := db.Model(&p).Save()
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "read it again")
	assert.Equal(t, before, rec.sent())
	p = readProfile(t, db, "p1")
	assert.Equal(t, "there", p.Bio)
	p.Name = "Carol"
	require.NoError(t, db.Model(&p).Save())
	assert.Equal(t, "Carol", readProfile(t, db, "p1").Name)

	// ReturnValues of the caller's own: likewise forgotten.
	require.NoError(t, db.Model(&p).UpdateBuilder().Set("Bio", "x").ReturnValues("ALL_OLD").Execute())
	require.ErrorIs(t, db.Model(&p).Save(), core.ErrValidation)
}

// Batch puts of tracked values remember what they wrote, as Create does:
// a Save after them sends only what changed since.
func TestSaveAfterBatchWrite(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svBag{})
	bags := []svBag{{ID: "b1", Tags: []string{"a"}}, {ID: "b2", Tags: []string{"b"}}}
	require.NoError(t, db.Model(&svBag{}).BatchCreate(&bags))
	before := rec.sent()
	require.NoError(t, db.Model(&bags[0]).Save())
	assert.Equal(t, before, rec.sent(), "unchanged since the batch put: nothing sent")
	bags[1].Tags = append(bags[1].Tags, "c")
	require.NoError(t, db.Model(&bags[1]).Save())
	in, names := rec.last(t)
	assert.Contains(t, *in.UpdateExpression, "ADD", "only the member added, as after a read")
	assert.True(t, names["Tags"])
	raw := e.rawItem(t, "sv_bags", map[string]types.AttributeValue{"ID": s("b2")})
	assert.ElementsMatch(t, []string{"b", "c"}, raw["Tags"].(*types.AttributeValueMemberSS).Value)
}
