package tests

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// The guard keys the tests expect (pk of a guard item).
const (
	annGuard = "UNIQUE#uqUser#Email#ann@example.com"
	bobGuard = "UNIQUE#uqUser#Email#bob@example.com"
)

func TestUniqueCreateRefusesADuplicate(t *testing.T) {
	e := uqEnv(t)
	ann := &uqUser{ID: "u1", Email: "Ann@Example.com", Name: "Ann"}
	before := e.count.writes.Load()
	require.NoError(t, e.db.Model(ann).Create())
	assert.Equal(t, int64(1), e.count.writes.Load()-before, "a create with its guard is one request")
	assert.Equal(t, 1, ann.Version)
	assert.Equal(t, []string{annGuard}, e.guardValues(t, "uq_users", "ID"))

	// Another item with the same address, in any case: refused, nothing written.
	dup := &uqUser{ID: "u2", Email: "ANN@example.COM", Name: "Impostor"}
	err := e.db.Model(dup).Create()
	require.Error(t, err)
	assert.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	var uv *dynamorm.UniqueViolationError
	require.True(t, errors.As(err, &uv), "%v", err)
	assert.Equal(t, "uqUser", uv.Model)
	assert.Equal(t, "Email", uv.Constraint)
	assert.Equal(t, []string{"Email"}, uv.Fields)
	assert.Equal(t, `"ANN@example.COM"`, uv.Value)
	assert.Equal(t, `uqUser{ID="u1"}`, uv.Owner)
	assert.Equal(t, 0, dup.Version, "the Go value is restored")
	var ce *dynamorm.ConflictError
	assert.False(t, errors.As(err, &ce), "a violation is no conflict")
	assert.Nil(t, e.rawItem(t, "uq_users", map[string]types.AttributeValue{"ID": s("u2")}))
	assert.Equal(t, 2, e.itemCount(t, "uq_users"), "ann and her guard")

	// The same item created again: ErrConditionFailed as without constraints.
	again := &uqUser{ID: "u1", Email: "ann@example.com"}
	err = e.db.Model(again).Create()
	assert.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.NotErrorIs(t, err, dynamorm.ErrUniqueViolation)

	// A different address is fine; reads of the model never return guards.
	require.NoError(t, e.db.Model(&uqUser{ID: "u2", Email: "bob@example.com"}).Create())
	var all []uqUser
	require.NoError(t, e.db.Model(&uqUser{}).Scan(&all))
	assert.Len(t, all, 2)
	n, err := e.db.Model(&uqUser{}).Count()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
}

func TestUniqueChangeFreesTheOldValue(t *testing.T) {
	e := uqEnv(t)
	ann := &uqUser{ID: "u1", Email: "ann@example.com"}
	require.NoError(t, e.db.Model(ann).Create())

	// Update(fields) changing the address: the old guard goes, the new one comes.
	ann.Email = "bob@example.com"
	require.NoError(t, e.db.Model(ann).Update("Email"))
	assert.Equal(t, []string{bobGuard}, e.guardValues(t, "uq_users", "ID"))
	assert.Equal(t, 2, ann.Version)
	// The old address is free for another item.
	require.NoError(t, e.db.Model(&uqUser{ID: "u2", Email: "ann@example.com"}).Create())

	// An update that does not touch the constraint writes no guard.
	ann.Name = "Bob"
	before := e.count.writes.Load()
	require.NoError(t, e.db.Model(ann).Update("Name"))
	assert.Equal(t, int64(1), e.count.writes.Load()-before)

	// Update() of all fields with the value unchanged keeps the guard.
	require.NoError(t, e.db.Model(ann).Update())
	assert.Equal(t, []string{annGuard, bobGuard}, e.guardValues(t, "uq_users", "ID"))

	// Changing to a taken value: refused, the item and the guards unchanged.
	ann.Email = "ANN@example.com"
	err := e.db.Model(ann).Update("Email")
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	var stored uqUser
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).ConsistentRead().First(&stored))
	assert.Equal(t, "bob@example.com", stored.Email)
	assert.Equal(t, 4, ann.Version, "the version bump is undone")
	assert.Equal(t, []string{annGuard, bobGuard}, e.guardValues(t, "uq_users", "ID"))

	// A case-only change keeps the guard (the folded value is the same).
	ann.Email = "BOB@example.com"
	require.NoError(t, e.db.Model(ann).Update("Email"))
	assert.Equal(t, []string{annGuard, bobGuard}, e.guardValues(t, "uq_users", "ID"))

	// Clearing a value releases it: handle set, then cleared.
	ann.Handle = "bobby"
	require.NoError(t, e.db.Model(ann).Update("Handle"))
	assert.Contains(t, e.guardValues(t, "uq_users", "ID"), "UNIQUE#uqUser#handle#bobby")
	ann.Handle = ""
	require.NoError(t, e.db.Model(ann).Update("Handle"))
	assert.Equal(t, []string{annGuard, bobGuard}, e.guardValues(t, "uq_users", "ID"))
}

func TestUniqueDeleteFreesTheValue(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqUser{ID: "u1", Email: "ann@example.com", Handle: "ann"}).Create())
	// Delete from the key alone: the stored values say which guards to release.
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).Delete())
	assert.Empty(t, e.guards(t, "uq_users"))
	assert.Equal(t, 0, e.itemCount(t, "uq_users"))
	require.NoError(t, e.db.Model(&uqUser{ID: "u2", Email: "ann@example.com", Handle: "ann"}).Create())
	// Deleting a missing item still succeeds and touches no guard.
	require.NoError(t, e.db.Model(&uqUser{ID: "u9"}).Delete())
	assert.Len(t, e.guards(t, "uq_users"), 2)
}

func TestUniqueUpsertAndUpdateBuilder(t *testing.T) {
	e := uqEnv(t)
	ann := &uqUser{ID: "u1", Email: "ann@example.com"}
	require.NoError(t, e.db.Model(ann).CreateOrUpdate(), "an upsert that creates")
	assert.Equal(t, []string{annGuard}, e.guardValues(t, "uq_users", "ID"))
	created := ann.Created
	e.clock.Advance(time.Hour)
	ann = &uqUser{ID: "u1", Email: "bob@example.com", Version: ann.Version} // no creation time in the Go value
	require.NoError(t, e.db.Model(ann).CreateOrUpdate(), "an upsert that changes the value")
	assert.Equal(t, []string{bobGuard}, e.guardValues(t, "uq_users", "ID"))
	assert.True(t, created.Equal(ann.Created), "the stored creation time is kept, in the Go value too: %v, %v", created, ann.Created)
	var stored uqUser
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).ConsistentRead().First(&stored))
	assert.True(t, created.Equal(stored.Created))
	err := e.db.Model(&uqUser{ID: "u2", Email: "Bob@example.com"}).CreateOrUpdate()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)

	// The update builder: Set changes the value, Remove releases it.
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).UpdateBuilder().Set("Email", "carol@example.com").Execute())
	assert.Equal(t, []string{"UNIQUE#uqUser#Email#carol@example.com"}, e.guardValues(t, "uq_users", "ID"))
	require.NoError(t, e.db.Model(&uqUser{ID: "u1"}).UpdateBuilder().Remove("Email").Execute())
	assert.Empty(t, e.guards(t, "uq_users"))
	require.NoError(t, e.db.Model(&uqUser{ID: "u2", Email: "carol@example.com"}).Create())
	err = e.db.Model(&uqUser{ID: "u1"}).UpdateBuilder().Set("Email", "CAROL@example.com").Execute()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	// A change the guard cannot follow is refused before sending.
	before := e.count.writes.Load()
	err = e.db.Model(&uqUser{ID: "u1"}).UpdateBuilder().SetIfNotExists("Email", "dan@example.com").Execute()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "Email is unique")
	assert.Equal(t, before, e.count.writes.Load())
	// Updating a missing item is ErrItemNotFound, as without constraints.
	err = e.db.Model(&uqUser{ID: "nobody", Email: "x@example.com"}).Update("Email")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Len(t, e.guards(t, "uq_users"), 1)
}

func TestUniqueBatchWritesAreRefused(t *testing.T) {
	e := uqEnv(t)
	before := e.count.writes.Load()
	err := e.db.Model(&uqUser{}).BatchCreate([]uqUser{{ID: "u1", Email: "a@x"}})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "db.Transaction")
	err = e.db.Model(&uqUser{}).BatchDelete([]any{"u1"})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Equal(t, before, e.count.writes.Load(), "nothing sent")
	assert.Equal(t, 0, e.itemCount(t, "uq_users"))
}

// A unique create is one TransactWriteItems of the item and its guards,
// and the query reports exactly what the server reported for it (real
// DynamoDB charges 2 write units per item of up to 1 KB; DynamoDB Local
// reports 4 for a transaction of any size, memdb 2 per item), per table
// too. A change adds the consistent read of the stored values.
func TestUniqueCapacity(t *testing.T) {
	e := uqEnv(t)
	rec := &capacityRecorder{DynamoDBAPI: e.raw}
	db, err := dynamorm.New(sessionFor(rec, e))
	require.NoError(t, err)
	table := e.prefix + "uq_users"
	for _, c := range []struct {
		u     *uqUser
		items int // the item and one guard per value
	}{{&uqUser{ID: "u1", Email: "a@example.com"}, 2}, {&uqUser{ID: "u2", Email: "b@example.com", Handle: "bee"}, 3}} {
		q := db.Model(c.u)
		require.NoError(t, q.Create())
		got := q.ConsumedCapacity()
		assert.Equal(t, rec.last.write, got.WriteUnits)
		assert.Positive(t, got.WriteUnits)
		assert.Equal(t, 0.0, got.ReadUnits)
		assert.Equal(t, 1, got.Requests)
		assert.Equal(t, rec.last.write, got.Tables[table].WriteUnits)
		assert.Equal(t, c.items, rec.last.items)
	}

	// A change of a value the Go value does not know the old one of: an
	// UpdateItem assuming it unchanged, refused (DynamoDB reports no
	// capacity for a refused write), then the transaction conditioned on
	// the stored value the refusal returned. No read.
	u := &uqUser{ID: "u2", Email: "c@example.com", Handle: "bee", Version: 1}
	q := db.Model(u)
	rec.writes = 0
	require.NoError(t, q.Update("Email"))
	c := q.ConsumedCapacity()
	assert.Equal(t, 0.0, c.ReadUnits, "nothing read")
	assert.Equal(t, rec.last.write, c.WriteUnits)
	assert.Equal(t, 3, rec.last.items, "the item, the old guard's delete, the new guard")
	assert.Equal(t, 1, c.Requests, "the transaction (the refused UpdateItem reports no capacity)")
	assert.Equal(t, 2, rec.writes, "the refused UpdateItem and the transaction")

	// A delete by key alone reads the stored values first.
	q = db.Model(&uqUser{ID: "u2"})
	require.NoError(t, q.Delete())
	c = q.ConsumedCapacity()
	assert.Equal(t, rec.last.read, c.ReadUnits, "the stored values, read consistently")
	assert.Positive(t, c.ReadUnits)
	assert.Equal(t, rec.last.write, c.WriteUnits)
	assert.Equal(t, 3, rec.last.items, "the item and its two guards")
	assert.Equal(t, 2, c.Requests)
}

// capacityRecorder records the capacity the server reported for the last
// GetItem and TransactWriteItems, the transaction's size, and counts the
// UpdateItems and transactions sent.
type capacityRecorder struct {
	core.DynamoDBAPI
	last struct {
		read, write float64
		items       int
	}
	writes int
}

func (c *capacityRecorder) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.writes++
	return c.DynamoDBAPI.UpdateItem(ctx, in, o...)
}

func (c *capacityRecorder) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.DynamoDBAPI.GetItem(ctx, in, o...)
	if err == nil && out.ConsumedCapacity != nil {
		c.last.read = aws.ToFloat64(out.ConsumedCapacity.CapacityUnits)
	}
	return out, err
}

func (c *capacityRecorder) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.writes++
	out, err := c.DynamoDBAPI.TransactWriteItems(ctx, in, o...)
	c.last.items, c.last.write = len(in.TransactItems), 0
	if err == nil {
		for _, cc := range out.ConsumedCapacity {
			c.last.write += aws.ToFloat64(cc.CapacityUnits)
		}
	}
	return out, err
}
