package tests

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

type Aggregate struct {
	ID        string `dynamorm:"pk"`
	Count     int64
	Recent    []string
	Ref       string    `dynamorm:"ulid"`
	CreatedAt time.Time `dynamorm:"created_at"`
	UpdatedAt time.Time `dynamorm:"updated_at"`
	Version   int       `dynamorm:"version"`
}

func (e *env) aggregate(t *testing.T, id string) Aggregate {
	t.Helper()
	var a Aggregate
	require.NoError(t, e.db.Model(&Aggregate{ID: id}).ConsistentRead().First(&a))
	return a
}

// UpdateBuilder().Upsert() creates a missing item in the same UpdateItem
// (the stream-handler aggregate), with created_at, non-key ULIDs and the
// version (from 1) filled; without it a missing item stays ErrItemNotFound.
func TestUpsertBuilderCreatesTheItemInOneRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Aggregate{})
	created := e.clock.Now()
	sent := e.count.writes.Load()
	require.NoError(t, e.db.Model(&Aggregate{ID: "a"}).UpdateBuilder().Upsert().
		Increment("Count").AppendToList("Recent", []string{"e1"}).Execute())
	assert.Equal(t, sent+1, e.count.writes.Load(), "one UpdateItem")
	a := e.aggregate(t, "a")
	assert.Equal(t, int64(1), a.Count)
	assert.Equal(t, []string{"e1"}, a.Recent)
	assert.Equal(t, 1, a.Version, "the version starts at 1")
	assert.True(t, a.CreatedAt.Equal(created), "created_at %v", a.CreatedAt)
	assert.True(t, a.UpdatedAt.Equal(created))
	assert.Len(t, a.Ref, 26, "a ULID")

	e.clock.Advance(time.Hour)
	require.NoError(t, e.db.Model(&Aggregate{ID: "a"}).UpdateBuilder().Upsert().
		Increment("Count").AppendToList("Recent", []string{"e2"}).Execute())
	b := e.aggregate(t, "a")
	assert.Equal(t, int64(2), b.Count)
	assert.Equal(t, []string{"e1", "e2"}, b.Recent)
	assert.Equal(t, 2, b.Version)
	assert.True(t, b.CreatedAt.Equal(created), "created_at is kept")
	assert.True(t, b.UpdatedAt.Equal(e.clock.Now()), "updated_at is set")
	assert.Equal(t, a.Ref, b.Ref, "the ULID is kept")

	// Without Upsert, a missing item is not created.
	err := e.db.Model(&Aggregate{ID: "missing"}).UpdateBuilder().Increment("Count").Execute()
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Empty(t, e.rawItem(t, "aggregates", map[string]types.AttributeValue{"ID": s("missing")}))

	// ConditionVersion(0) is "not created yet".
	require.NoError(t, e.db.Model(&Aggregate{ID: "c"}).UpdateBuilder().Upsert().ConditionVersion(0).Increment("Count").Execute())
	err = e.db.Model(&Aggregate{ID: "c"}).UpdateBuilder().Upsert().ConditionVersion(0).Increment("Count").Execute()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.Equal(t, int64(1), e.aggregate(t, "c").Count)

	// In a transaction, and with the new item returned.
	require.NoError(t, e.db.Transaction(func(tx *dynamorm.Tx) error {
		return tx.Model(&Aggregate{ID: "d"}).UpdateBuilder().Upsert().Add("Count", 5).Execute()
	}))
	assert.Equal(t, int64(5), e.aggregate(t, "d").Count)
	var got Aggregate
	require.NoError(t, e.db.Model(&Aggregate{ID: "f"}).UpdateBuilder().Upsert().Set("Count", 3).ExecuteWithResult(&got))
	assert.Equal(t, Aggregate{ID: "f", Count: 3, Ref: got.Ref, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(), Version: 1}, got)
}

// A nil slice (no omitempty) is stored as NULL, which list_append refuses:
// AppendToList and PrependToList on an item created with one used to fail.
// They set the list instead, on the condition that it is NULL; a stored
// value that is neither a list nor NULL is still refused, unchanged.
func TestAppendToListOnAListStoredAsNull(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Aggregate{})
	require.NoError(t, e.db.Model(&Aggregate{ID: "n"}).Create())
	key := map[string]types.AttributeValue{"ID": s("n")}
	require.IsType(t, &types.AttributeValueMemberNULL{}, e.rawItem(t, "aggregates", key)["Recent"])

	require.NoError(t, e.db.Model(&Aggregate{ID: "n"}).UpdateBuilder().AppendToList("Recent", []string{"x"}).Increment("Count").Execute())
	a := e.aggregate(t, "n")
	assert.Equal(t, []string{"x"}, a.Recent)
	assert.Equal(t, int64(1), a.Count)
	assert.Equal(t, 2, a.Version)
	require.NoError(t, e.db.Model(&Aggregate{ID: "n"}).UpdateBuilder().PrependToList("Recent", []string{"w"}).Execute())
	assert.Equal(t, []string{"w", "x"}, e.aggregate(t, "n").Recent)

	require.NoError(t, e.db.Model(&Aggregate{ID: "p"}).Create())
	var got Aggregate
	require.NoError(t, e.db.Model(&Aggregate{ID: "p"}).UpdateBuilder().Upsert().PrependToList("Recent", []string{"v"}).ExecuteWithResult(&got))
	assert.Equal(t, []string{"v"}, got.Recent)
	assert.Equal(t, []string{"v"}, e.aggregate(t, "p").Recent)

	// A string where the list should be: refused, and nothing changes.
	_, err := e.raw.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.prefix + "aggregates"),
		Item: map[string]types.AttributeValue{"ID": s("s"), "Recent": s("oops"), "Version": n("1")}})
	require.NoError(t, err)
	before := e.rawItem(t, "aggregates", map[string]types.AttributeValue{"ID": s("s")})
	err = e.db.Model(&Aggregate{ID: "s"}).UpdateBuilder().AppendToList("Recent", []string{"x"}).Execute()
	require.Error(t, err)
	assert.NotErrorIs(t, err, dynamorm.ErrConditionFailed, "the first refusal is reported")
	assert.Equal(t, before, e.rawItem(t, "aggregates", map[string]types.AttributeValue{"ID": s("s")}))
}
