package tests

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// editCursor decodes an unencrypted cursor's payload, lets edit change it
// and encodes it again, as a client could.
func editCursor(t *testing.T, cursor string, edit func(p map[string]any)) string {
	t.Helper()
	version, body, ok := strings.Cut(cursor, ".")
	require.True(t, ok)
	raw, err := base64.RawURLEncoding.DecodeString(body)
	require.NoError(t, err)
	var p map[string]any
	require.NoError(t, json.Unmarshal(raw, &p))
	edit(p)
	raw, err = json.Marshal(p)
	require.NoError(t, err)
	return version + "." + base64.RawURLEncoding.EncodeToString(raw)
}

// Issue 10 item 12: the fingerprint covers every condition, and a tampered
// or malformed cursor is ErrInvalidCursor before sending.
func TestCursorsCoverEveryConditionAndRefuseTampering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(9))
	q := func(op, ts string) core.Query {
		return e.db.Model(&Payment{}).Where("ID", "=", "p0").Where("Timestamp", op, ts).Limit(1)
	}
	var page []Payment
	res, err := q("<>", "a").AllPaginated(&page)
	require.NoError(t, err)
	require.True(t, res.HasMore)
	cursor := res.NextCursor

	reads := e.count.reads.Load()
	// A cursor of SK <> "a" does not resume SK <> "zzz".
	_, err = q("<>", "zzz").Cursor(cursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	_, err = q("NOT_CONTAINS", "a").Cursor(cursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)

	setKey := func(attr string, v map[string]string) func(p map[string]any) {
		return func(p map[string]any) { p["k"].(map[string]any)[attr] = v }
	}
	for name, bad := range map[string]string{
		"key of another type":    editCursor(t, cursor, setKey("timestamp", map[string]string{"N": "5"})),
		"number that is not one": editCursor(t, cursor, setKey("timestamp", map[string]string{"N": "five"})),
		"another partition":      editCursor(t, cursor, setKey("id", map[string]string{"S": "p1"})),
		"an extra key attribute": editCursor(t, cursor, setKey("memo", map[string]string{"S": "x"})),
		"two types in one value": editCursor(t, cursor, setKey("id", map[string]string{"S": "p0", "N": "1"})),
		"missing key attribute":  editCursor(t, cursor, func(p map[string]any) { delete(p["k"].(map[string]any), "timestamp") }),
		"no key":                 editCursor(t, cursor, func(p map[string]any) { delete(p, "k") }),
		"garbage":                "v1.!!!",
		"another version":        "v9." + strings.SplitN(cursor, ".", 2)[1],
		"extra part":             cursor + ".x",
		"encrypted, but no key":  "v2." + strings.SplitN(cursor, ".", 2)[1],
		"empty":                  "v1.",
	} {
		_, err := q("<>", "a").Cursor(bad).AllPaginated(&page)
		require.ErrorIs(t, err, dynamorm.ErrInvalidCursor, name)
		var all []Payment
		for _, err := range dynamorm.Items[Payment](q("<>", "a").Cursor(bad)) {
			require.ErrorIs(t, err, dynamorm.ErrInvalidCursor, name)
		}
		_ = all
	}
	assert.Equal(t, reads, e.count.reads.Load(), "a bad cursor was sent")

	// The genuine cursor still resumes its own query.
	_, err = q("<>", "a").Cursor(cursor).AllPaginated(&page)
	require.NoError(t, err)
	require.Len(t, page, 1)
}

// Issue 10 item 12: with CursorKey, cursors are encrypted, not only signed:
// nothing of the table, index or key can be read from them.
func TestCursorsAreEncryptedWithCursorKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(9))
	cfg := sessionFor(e.count, e)
	cfg.CursorKey = []byte("secret")
	db, err := dynamorm.New(cfg)
	require.NoError(t, err)
	q := db.Model(&Payment{}).Index("customer-index").Where("CustomerID", "=", "c1").Limit(1)
	var page []Payment
	res, err := q.AllPaginated(&page)
	require.NoError(t, err)
	require.True(t, res.HasMore)
	_, body, ok := strings.Cut(res.NextCursor, ".")
	require.True(t, ok)
	raw, err := base64.RawURLEncoding.DecodeString(body)
	require.NoError(t, err)
	assert.Error(t, json.Unmarshal(raw, new(map[string]any)), "the payload is readable JSON")
	for _, secret := range []string{"payments", "customer-index", "customer_id", page[0].Timestamp, `"k":`} {
		assert.NotContains(t, string(raw), secret)
	}
	// Two cursors of the same position differ (a fresh nonce each time).
	res2, err := q.AllPaginated(&page)
	require.NoError(t, err)
	assert.NotEqual(t, res.NextCursor, res2.NextCursor)
	// Both resume the query; every item is read once across the pages.
	seen := map[string]bool{page[0].ID + page[0].Timestamp: true}
	cursor := res.NextCursor
	for cursor != "" {
		r, err := q.Cursor(cursor).AllPaginated(&page)
		require.NoError(t, err)
		for _, p := range page {
			assert.False(t, seen[p.ID+p.Timestamp])
			seen[p.ID+p.Timestamp] = true
		}
		cursor = r.NextCursor
	}
	assert.Len(t, seen, 4)
	// An unencrypted cursor of the same query is refused by this DB.
	plain, err := e.db.Model(&Payment{}).Index("customer-index").Where("CustomerID", "=", "c1").Limit(1).AllPaginated(&page)
	require.NoError(t, err)
	_, err = q.Cursor(plain.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
}
