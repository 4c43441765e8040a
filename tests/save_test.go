package tests

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Save of a value never read creates it; of a value read and changed, one
// UpdateItem carrying only the changed attribute (with updated_at and the
// version); of an unchanged value, nothing.
func TestSaveSendsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svProfile{})
	p := &svProfile{ID: "p1", Name: "Ann", Email: "ann@x", Bio: "hi"}
	require.NoError(t, db.Model(p).Save(), "a value never read is created")
	assert.Equal(t, 1, rec.puts)
	assert.Equal(t, 1, p.Version)
	require.ErrorIs(t, db.Model(&svProfile{ID: "p1", Name: "Bob"}).Save(), dynamorm.ErrConditionFailed, "a new value whose key is stored is a failed create")

	var got svProfile
	require.NoError(t, db.Model(&svProfile{ID: "p1"}).ConsistentRead().First(&got))
	before := rec.sent()
	require.NoError(t, db.Model(&got).Save())
	assert.Equal(t, before, rec.sent(), "an unchanged value sends nothing")

	got.Name = "Annie"
	e.clock.Advance(timeHours(1))
	require.NoError(t, db.Model(&got).Save())
	in, names := rec.last(t)
	assert.Equal(t, map[string]bool{"ID": true, "Name": true, "Version": true, "UpdatedAt": true}, names, in.UpdateExpression)
	assert.NotContains(t, *in.UpdateExpression, "REMOVE")
	assert.Len(t, in.ExpressionAttributeValues, 4, "Name, UpdatedAt, the new and the current version")
	assert.Equal(t, 2, got.Version)

	raw := e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("p1")})
	assert.Equal(t, s("Annie"), raw["Name"])
	assert.Equal(t, s("ann@x"), raw["Email"])
	assert.Equal(t, n("2"), raw["Version"])

	before = rec.sent()
	require.NoError(t, db.Model(&got).Save(), "what was saved is remembered")
	assert.Equal(t, before, rec.sent())

	got.Bio = ""
	require.NoError(t, db.Model(&got).Save())
	in, names = rec.last(t)
	assert.True(t, names["Bio"])
	assert.False(t, names["Name"])
	assert.Contains(t, *in.UpdateExpression, "REMOVE")
	raw = e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("p1")})
	assert.NotContains(t, raw, "Bio")
	assert.Equal(t, n("3"), raw["Version"])

	// A value read, whose item was deleted since: Update's not-found.
	require.NoError(t, db.Model(&svProfile{ID: "p1"}).Delete())
	got.Name = "gone"
	require.ErrorIs(t, db.Model(&got).Save(), dynamorm.ErrItemNotFound)
	assert.Equal(t, 3, got.Version, "a failed save leaves the version as it was")
}

// Set members added are ADDed, removed ones DELETEd (concurrent changes to
// other members survive); both at once is a SET; none left is a REMOVE.
func TestSaveSetMembers(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svBag{})
	require.NoError(t, db.Model(&svBag{ID: "s", Tags: []string{"a", "b"}}).Create())
	key := map[string]types.AttributeValue{"ID": s("s")}
	var p svBag
	require.NoError(t, db.Model(&svBag{ID: "s"}).ConsistentRead().First(&p))
	// Another writer adds "z" after our read.
	require.NoError(t, db.Model(&svBag{ID: "s"}).UpdateBuilder().Add("Tags", "z").Execute())

	p.Tags = append(p.Tags, "c")
	require.NoError(t, db.Model(&p).Save())
	in, _ := rec.last(t)
	assert.Contains(t, *in.UpdateExpression, "ADD")
	assert.NotContains(t, *in.UpdateExpression, "SET #Tags")
	raw := e.rawItem(t, "sv_bags", key)
	assert.ElementsMatch(t, []string{"a", "b", "c", "z"}, raw["Tags"].(*types.AttributeValueMemberSS).Value, "the other writer's member survives")

	cur := p
	cur.Tags = []string{"b", "c"}
	require.NoError(t, db.Model(&cur).Save())
	in, _ = rec.last(t)
	assert.Contains(t, *in.UpdateExpression, "DELETE")
	raw = e.rawItem(t, "sv_bags", key)
	assert.ElementsMatch(t, []string{"b", "c", "z"}, raw["Tags"].(*types.AttributeValueMemberSS).Value)

	cur.Tags = []string{"b", "y"}
	require.NoError(t, db.Model(&cur).Save())
	in, _ = rec.last(t)
	assert.Contains(t, *in.UpdateExpression, "SET")
	assert.NotContains(t, *in.UpdateExpression, "ADD")
	raw = e.rawItem(t, "sv_bags", key)
	assert.ElementsMatch(t, []string{"b", "y"}, raw["Tags"].(*types.AttributeValueMemberSS).Value)

	cur.Tags = nil
	require.NoError(t, db.Model(&cur).Save())
	raw = e.rawItem(t, "sv_bags", key)
	assert.NotContains(t, raw, "Tags")
}

// A value read through a projection refuses to save an attribute it did
// not read, before sending; the attributes it read save alone.
func TestSaveRefusesAttributesNotRead(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svProfile{})
	require.NoError(t, db.Model(&svProfile{ID: "q", Name: "Ann", Email: "a@x", Bio: "bio"}).Create())
	var p svProfile
	require.NoError(t, db.Model(&svProfile{ID: "q"}).Select("ID", "Name", "Version").ConsistentRead().First(&p))
	require.Empty(t, p.Email)
	p.Email = "new@x"
	before := rec.sent()
	err := db.Model(&p).Save()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "Email was not read")
	assert.Equal(t, before, rec.sent(), "nothing sent")

	p.Email = ""
	p.Name = "Annie"
	require.NoError(t, db.Model(&p).Save(), "the empty fields it did not read are left alone")
	raw := e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("q")})
	assert.Equal(t, s("Annie"), raw["Name"])
	assert.Equal(t, s("a@x"), raw["Email"], "not blanked")
	assert.Equal(t, s("bio"), raw["Bio"])

	// Update() with no names on the same projected copy blanks them: the
	// problem Save solves.
	require.NoError(t, db.Model(&p).Update())
	raw = e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("q")})
	assert.NotContains(t, raw, "Email")
}

// A failed version check returns what is stored now: it decodes into the
// model, and Save after a merge succeeds. RetryConflicts reruns a
// read-modify-save, at most the attempts given.
func TestSaveVersionConflictReturnsStored(t *testing.T) {
	t.Parallel()
	_, db, _ := recordingEnv(t, &svProfile{})
	require.NoError(t, db.Model(&svProfile{ID: "v", Name: "Ann", Email: "a@x"}).Create())
	a, b := readProfile(t, db, "v"), readProfile(t, db, "v")
	a.Name = "Alice"
	require.NoError(t, db.Model(&a).Save())
	b.Email = "b@x"
	err := db.Model(&b).Save()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	var ce *dynamorm.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Save", ce.Op)
	assert.Equal(t, 1, b.Version, "the failed save's bump is undone")
	var cur svProfile
	require.NoError(t, ce.Current(&cur))
	assert.Equal(t, "Alice", cur.Name)
	assert.Equal(t, 2, cur.Version)
	cur.Email = b.Email // merge
	require.NoError(t, db.Model(&cur).Save())
	var final svProfile
	require.NoError(t, db.Model(&svProfile{ID: "v"}).ConsistentRead().First(&final))
	assert.Equal(t, "Alice", final.Name)
	assert.Equal(t, "b@x", final.Email)
	assert.Equal(t, 3, final.Version)

	calls := 0
	err = dynamorm.RetryConflicts(t.Context(), 3, func() error {
		calls++
		var p svProfile
		if err := db.Model(&svProfile{ID: "v"}).ConsistentRead().First(&p); err != nil {
			return err
		}
		if calls == 1 { // another writer between our read and our save
			var other svProfile
			require.NoError(t, db.Model(&svProfile{ID: "v"}).ConsistentRead().First(&other))
			other.Bio = "other"
			require.NoError(t, db.Model(&other).Save())
		}
		p.Name = "Retried"
		return db.Model(&p).Save()
	})
	require.NoError(t, err)
	assert.Equal(t, 2, calls)
	require.NoError(t, db.Model(&svProfile{ID: "v"}).ConsistentRead().First(&final))
	assert.Equal(t, "Retried", final.Name)
	assert.Equal(t, "other", final.Bio)

	calls = 0
	err = dynamorm.RetryConflicts(t.Context(), 3, func() error {
		calls++
		stale := a // version 2, long replaced
		stale.Name = "stale"
		return db.Model(&stale).Save()
	})
	require.ErrorAs(t, err, &ce, "the last conflict when the attempts run out")
	assert.Equal(t, 3, calls)
	other := errors.New("not a conflict")
	calls = 0
	require.ErrorIs(t, dynamorm.RetryConflicts(t.Context(), 3, func() error { calls++; return other }), other)
	assert.Equal(t, 1, calls)
	require.ErrorIs(t, dynamorm.RetryConflicts(t.Context(), 0, func() error { return nil }), dynamorm.ErrValidation)
}

// Counters send ADD of the difference: 64 goroutines saving increments of
// their own reads add up exactly; the value in hand gets the total.
func TestSaveCountersAddUpFrom64Goroutines(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svCounter{})
	require.NoError(t, db.Model(&svCounter{ID: "c", Label: "x"}).Create())
	const workers, each = 64, 3
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			var c svCounter
			err := db.Model(&svCounter{ID: "c"}).ConsistentRead().First(&c)
			for i := 0; i < each && err == nil; i++ {
				c.Visits++
				c.Score += 0.5
				err = db.Model(&c).Save()
			}
			errs <- err
		}()
	}
	for w := 0; w < workers; w++ {
		require.NoError(t, <-errs)
	}
	raw := e.rawItem(t, "sv_counters", map[string]types.AttributeValue{"ID": s("c")})
	assert.Equal(t, n("192"), raw["Visits"])
	var total svCounter
	require.NoError(t, db.Model(&svCounter{ID: "c"}).ConsistentRead().First(&total))
	assert.Equal(t, 96.0, total.Score)
	assert.Equal(t, s("x"), raw["Label"])
	in, names := rec.last(t)
	assert.True(t, strings.HasPrefix(*in.UpdateExpression, "ADD "), *in.UpdateExpression)
	assert.False(t, names["Label"])

	var c svCounter
	require.NoError(t, db.Model(&svCounter{ID: "c"}).ConsistentRead().First(&c))
	c.Visits -= 2
	require.NoError(t, db.Model(&c).Save())
	assert.Equal(t, int64(190), c.Visits, "the total after the ADD")
	in, _ = rec.last(t)
	assert.Contains(t, in.ExpressionAttributeValues, ":v0")
	assert.Equal(t, n("-2"), in.ExpressionAttributeValues[":v0"])

	// The update builder's Add on a counter of an item that does not exist
	// yet: the upsert form creates it.
	require.NoError(t, db.Model(&svCounter{ID: "fresh"}).UpdateBuilder().Add("Visits", 5).Upsert().Execute())
	raw = e.rawItem(t, "sv_counters", map[string]types.AttributeValue{"ID": s("fresh")})
	assert.Equal(t, n("5"), raw["Visits"])
	require.ErrorIs(t, db.Model(&svCounter{ID: "missing"}).UpdateBuilder().Add("Visits", 5).Execute(), dynamorm.ErrItemNotFound, "without Upsert the item must exist")
}

// Saves inside a transaction commit with it, and are remembered only when
// it commits.
func TestSaveInTransaction(t *testing.T) {
	t.Parallel()
	e, db, rec := recordingEnv(t, &svProfile{}, &svCounter{})
	require.NoError(t, db.Model(&svProfile{ID: "t1", Name: "Ann", Email: "a@x"}).Create())
	require.NoError(t, db.Model(&svCounter{ID: "t2", Visits: 10}).Create())
	var p svProfile
	var c svCounter
	require.NoError(t, db.Model(&svProfile{ID: "t1"}).ConsistentRead().First(&p))
	require.NoError(t, db.Model(&svCounter{ID: "t2"}).ConsistentRead().First(&c))

	p.Name = "Alice"
	c.Visits += 5
	fail := errors.New("abort")
	require.ErrorIs(t, db.Transaction(func(tx *dynamorm.Tx) error {
		require.NoError(t, tx.Model(&p).Save())
		require.NoError(t, tx.Model(&c).Save())
		return fail
	}), fail)
	assert.Equal(t, 1, p.Version, "undone")

	unchanged := svProfile{}
	require.NoError(t, db.Model(&svProfile{ID: "t1"}).ConsistentRead().First(&unchanged))
	before := len(rec.txs)
	require.NoError(t, db.Transaction(func(tx *dynamorm.Tx) error {
		require.NoError(t, tx.Model(&p).Save())
		require.NoError(t, tx.Model(&c).Save())
		return tx.Model(&unchanged).Save() // adds nothing
	}))
	require.Len(t, rec.txs, before+1)
	items := rec.txs[len(rec.txs)-1].TransactItems
	require.Len(t, items, 2, "the unchanged value is not in the transaction")
	assert.Contains(t, *items[1].Update.UpdateExpression, "ADD")
	assert.Equal(t, 2, p.Version)

	raw := e.rawItem(t, "sv_profiles", map[string]types.AttributeValue{"ID": s("t1")})
	assert.Equal(t, s("Alice"), raw["Name"])
	assert.Equal(t, s("a@x"), raw["Email"])
	raw = e.rawItem(t, "sv_counters", map[string]types.AttributeValue{"ID": s("t2")})
	assert.Equal(t, n("15"), raw["Visits"])

	sent := rec.sent()
	require.NoError(t, db.Model(&p).Save(), "the committed transaction's saves are remembered")
	require.NoError(t, db.Model(&c).Save())
	assert.Equal(t, sent, rec.sent())
}

// Save of an entity recomputes the derived keys of the components it
// changes; a primary-key component, or a component a projection did not
// read, is refused before sending. A model that is not tracked cannot Save.
func TestSaveEntityDerivedKeys(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	o := &stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0, Region: "eu", Status: "open", Total: 20}
	require.NoError(t, e.db.Model(o).Create())
	var got stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).ConsistentRead().First(&got))
	got.Status = "shipped"
	require.NoError(t, e.db.Model(&got).Save())
	key := map[string]types.AttributeValue{"pk": s("CUSTOMER#c1"), "sk": s("ORDER#2024-05-01T09:00:00.000000000Z#o1")}
	raw := e.rawItem(t, "shop", key)
	assert.Equal(t, s("REGION#eu#STATUS#shipped"), raw["gsi2pk"])
	assert.Equal(t, s("shipped"), raw["Status"])
	var byStatus []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "shipped").All(&byStatus))
	require.Len(t, byStatus, 1, "found through the recomputed index key")

	writes := e.count.writes.Load()
	moved := got
	moved.ID = "o2"
	require.ErrorIs(t, e.db.Model(&moved).Save(), dynamorm.ErrValidation)
	var part stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c1", ID: "o1", PlacedAt: stT0}).Select("CustomerID", "ID", "PlacedAt", "Status", "Version").ConsistentRead().First(&part))
	part.Status = "lost"
	require.ErrorIs(t, e.db.Model(&part).Save(), dynamorm.ErrIncompleteKey, "Region was not read")
	require.ErrorIs(t, e.db.Model(&svPlain{ID: "x"}).Save(), dynamorm.ErrValidation)
	assert.Equal(t, writes, e.count.writes.Load(), "nothing sent")
	require.ErrorIs(t, e.db.Model(&svPlain{ID: "x"}).Save(), core.ErrValidation)
}
