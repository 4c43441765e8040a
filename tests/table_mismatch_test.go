package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// EventWrongKeys claims the events table with keys that differ from the
// table Event creates: a numeric partition key under another name, a
// string sort key, a GSI whose sort key is a string, and an LSI declared
// as a GSI.
type EventWrongKeys struct {
	Tenant int64   `dynamorm:"pk" json:"tenant_id"`
	At     string  `dynamorm:"sk"`
	Kind   string  `dynamorm:"index:by-kind,pk"`
	Score  string  `dynamorm:"index:by-kind,sk"`
	Label  string  `dynamorm:"index:by-label,pk"`
	Owner  float64 `dynamorm:"index:by-owner,pk"`
}

func (EventWrongKeys) TableName() string { return "events" }

// EventNoSort is Event without its sort key.
type EventNoSort struct {
	Tenant string `dynamorm:"pk"`
}

func (EventNoSort) TableName() string { return "events" }

func TestAutoMigrateAndEnsureTableRefuseAMismatchedTable(t *testing.T) {
	t.Parallel()
	db, _, _ := newBareDB(t)
	t.Cleanup(func() { _ = db.DeleteTable(&Event{}) })
	require.NoError(t, db.CreateTable(&Event{}))
	require.NoError(t, db.EnsureTable(&Event{}), "the model's own table matches")
	require.NoError(t, db.AutoMigrate(&Event{}))

	mismatches := []string{
		`table partition key is "Tenant" (S) in the table, "tenant_id" (N) in the model`,
		`table sort key is "At" (N) in the table, "At" (S) in the model`,
		`index "by-kind" sort key is "Score" (N) in the table, "Score" (S) in the model`,
		`index "by-label" is a local secondary index in the table, a global one in the model`,
		`index "by-owner" partition key is "Owner" (S) in the table, "Owner" (N) in the model`,
	}
	for name, run := range map[string]func() error{
		"AutoMigrate": func() error { return db.AutoMigrate(&EventWrongKeys{}) },
		"EnsureTable": func() error { return db.EnsureTable(&EventWrongKeys{}) },
	} {
		err := run()
		require.ErrorIs(t, err, core.ErrValidation, name)
		for _, m := range mismatches {
			assert.Contains(t, err.Error(), m, name)
		}
	}

	err := db.EnsureTable(&EventNoSort{})
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), `table sort key is "At" (N) in the table, none in the model`)

	// EnsureTable also needs the model's indexes (AutoMigrate adds them:
	// TestAutoMigrateAddsIndexes).
	err = db.EnsureTable(&EventV2{})
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), `the table has no global secondary index "by-region"`)

	// Nothing was changed by the refusals: the table still serves Event.
	d, err := db.DescribeTable(&Event{})
	require.NoError(t, err)
	gsis, lsis := indexNames(d)
	assert.Equal(t, []string{"by-kind", "by-owner"}, gsis)
	assert.Equal(t, []string{"by-label"}, lsis)
	require.NoError(t, db.Model(&Event{Tenant: "t", At: 1, Kind: "k", Owner: "o", Label: "l"}).Create())
}

func TestEnsureTableConcurrently(t *testing.T) {
	t.Parallel()
	db, _, _ := newBareDB(t)
	t.Cleanup(func() { _ = db.DeleteTable(&Event{}) })
	// All see the table missing and try to create it: one does, the others
	// get ResourceInUseException, wait for the table and check it.
	const callers = 32
	errs := make(chan error, callers)
	for range callers {
		go func() { errs <- db.EnsureTable(&Event{}) }()
	}
	for range callers {
		require.NoError(t, <-errs)
	}
	require.NoError(t, db.Model(&Event{Tenant: "t", At: 1, Kind: "k", Owner: "o", Label: "l"}).Create())
	got, err := dynamorm.Get(db, Event{Tenant: "t", At: 1})
	require.NoError(t, err)
	assert.Equal(t, "k", got.Kind)

	// Concurrent callers with a model that does not match: every one fails.
	for range callers {
		go func() { errs <- db.EnsureTable(&EventWrongKeys{}) }()
	}
	for range callers {
		require.ErrorIs(t, <-errs, core.ErrValidation)
	}
}
