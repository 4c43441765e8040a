package tests

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

type Profile struct {
	ID       string            `dynamorm:"pk"`
	Visits   int64             `dynamorm:"omitempty"`
	Score    float64           `dynamorm:"omitempty"`
	Tags     []string          `dynamorm:"set,omitempty"`
	Codes    []int             `dynamorm:"set,omitempty"`
	History  []string          `dynamorm:"omitempty"`
	Settings map[string]string `dynamorm:"omitempty"`
	Nick     string            `dynamorm:"omitempty"`
	Seen     time.Time         `dynamorm:"unixtime,omitempty"`
	Version  int               `dynamorm:"version"`
	Updated  time.Time         `dynamorm:"updated_at"`
}

func TestUpdateBuilderOperations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Profile{})
	p := &Profile{ID: "u1", Visits: 1, Tags: []string{"a", "b"}, Codes: []int{1}, History: []string{"h1"},
		Settings: map[string]string{"theme": "dark", "lang": "en"}}
	require.NoError(t, e.db.Model(p).Create())
	e.clock.Advance(time.Minute)

	seen := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	err := e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().
		Increment("Visits").
		Add("Score", 2.5).
		Add("Tags", []string{"c"}).
		Add("Codes", []int{7, 8}).
		AppendToList("History", []string{"h2", "h3"}).
		Set("Settings.theme", "light").
		Remove("Settings.lang").
		SetIfNotExists("Nick", "neo").
		Set("Seen", seen).
		Execute()
	require.NoError(t, err)
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Delete("Tags", []string{"a"}).PrependToList("History", []string{"h0"}).Execute()
	require.NoError(t, err)

	var got Profile
	require.NoError(t, e.db.Model(&Profile{ID: "u1"}).ConsistentRead().First(&got))
	assert.Equal(t, int64(2), got.Visits)
	assert.Equal(t, 2.5, got.Score)
	assert.ElementsMatch(t, []string{"b", "c"}, got.Tags)
	assert.ElementsMatch(t, []int{1, 7, 8}, got.Codes)
	assert.Equal(t, []string{"h0", "h1", "h2", "h3"}, got.History)
	assert.Equal(t, map[string]string{"theme": "light"}, got.Settings)
	assert.Equal(t, "neo", got.Nick)
	assert.True(t, got.Seen.Equal(seen))
	assert.Equal(t, 3, got.Version, "the version is bumped by each update")
	assert.True(t, got.Updated.Equal(e.clock.Now()), "updated_at is set")
	raw := e.rawItem(t, "profiles", map[string]types.AttributeValue{"ID": s("u1")})
	assert.Equal(t, n("1714979289"), raw["Seen"], "values go through the field's codec (unixtime)")

	// List elements, SetIfNotExists keeping a value, Decrement, ExecuteWithResult.
	var after Profile
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().
		SetListElement("History", 1, "H1").
		RemoveFromListAt("History", 0).
		SetIfNotExists("Nick", "other").
		Decrement("Visits").
		ReturnValues("ALL_NEW").
		ExecuteWithResult(&after)
	require.NoError(t, err)
	assert.Equal(t, []string{"H1", "h2", "h3"}, after.History)
	assert.Equal(t, "neo", after.Nick)
	assert.Equal(t, int64(1), after.Visits)
	assert.Equal(t, 4, after.Version)

	var old map[string]any
	require.NoError(t, e.db.Model(&Profile{}).Where("ID", "=", "u1").UpdateBuilder().Set("Nick", "x").ReturnValues("UPDATED_OLD").ExecuteWithResult(&old))
	assert.Equal(t, "neo", old["Nick"])
}

func TestUpdateBuilderConditions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Profile{})
	require.NoError(t, e.db.Model(&Profile{ID: "u1", Visits: 5}).Create())

	err := e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "a").Condition("Visits", ">", 10).Execute()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "a").Condition("Visits", ">", 10).OrCondition("Visits", "=", 5).Execute()
	require.NoError(t, err)
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "b").ConditionNotExists("Nick").Execute()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "b").ConditionExists("Nick").ConditionVersion(1).Execute()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed, "version is 2 after the first update")
	err = e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "b").ConditionExists("Nick").ConditionVersion(2).Execute()
	require.NoError(t, err)

	var got Profile
	require.NoError(t, e.db.Model(&Profile{ID: "u1"}).First(&got))
	assert.Equal(t, "b", got.Nick)
	assert.Equal(t, 3, got.Version)

	// A missing item is ErrItemNotFound and is not created.
	err = e.db.Model(&Profile{ID: "ghost"}).UpdateBuilder().Increment("Visits").Execute()
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Equal(t, 1, e.itemCount(t, "profiles"))

	// Bad input is rejected before sending.
	before := e.count.writes.Load()
	for name, err := range map[string]error{
		"key field":         e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("ID", "x").Execute(),
		"unknown field":     e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nope", 1).Execute(),
		"no actions":        e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Execute(),
		"no key":            e.db.Model(&Profile{}).UpdateBuilder().Set("Nick", "x").Execute(),
		"bad return values": e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Nick", "x").ReturnValues("SOME").Execute(),
		"list op on scalar": e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().AppendToList("History", "h").Execute(),
		"empty set delete":  e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Delete("Tags", []string{}).Execute(),
		"negative index":    e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().RemoveFromListAt("History", -1).Execute(),
		"overlapping paths": e.db.Model(&Profile{ID: "u1"}).UpdateBuilder().Set("Settings", map[string]string{}).Remove("Settings.theme").Execute(),
	} {
		assert.ErrorIs(t, err, dynamorm.ErrValidation, name)
	}
	assert.Equal(t, before, e.count.writes.Load())
}
