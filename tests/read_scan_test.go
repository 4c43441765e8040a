package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// Issue 10 item 18: with ForbidImplicitScans, a read the planner would turn
// into a Scan fails before sending, naming the plan and the index that would
// serve it; explicit scans stay allowed.
func TestForbidImplicitScans(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(6))
	cfg := sessionFor(e.count, e)
	cfg.ForbidImplicitScans = true
	db, err := dynamorm.New(cfg)
	require.NoError(t, err)

	reads := e.count.reads.Load()
	var out []Payment
	err = db.Model(&Payment{}).Where("Memo", "=", "memo 0").All(&out)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "Scan on "+e.prefix+"payments")
	assert.Contains(t, err.Error(), "index:by-memo,pk")
	err = db.Model(&Payment{}).Where("Status", "=", "open").ConsistentRead().All(&out)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	_, err = db.Model(&Payment{}).Where("Amount", ">", 10).Count()
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), `Where("ID", "=", ...)`)
	_, err = db.Model(&Payment{}).Index("customer-index").Where("Status", "=", "open").AllPaginated(&out)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), `index "customer-index" would serve it with Where("CustomerID"`)
	var p Payment
	require.ErrorIs(t, db.Model(&Payment{}).Filter("Amount", ">", 0).First(&p), dynamorm.ErrValidation)
	for _, err := range dynamorm.Items[Payment](db.Model(&Payment{})) {
		require.ErrorIs(t, err, dynamorm.ErrValidation)
	}
	assert.Equal(t, reads, e.count.reads.Load(), "a forbidden scan was sent")

	// Explain still shows the plan; explicit scans and queries run.
	ex, err := db.Model(&Payment{}).Where("Memo", "=", "memo 0").Explain()
	require.NoError(t, err)
	assert.Equal(t, "Scan", ex.Operation)
	require.NoError(t, db.Model(&Payment{}).Where("Memo", "=", "memo 0").Scan(&out))
	require.Len(t, out, 1)
	require.NoError(t, db.Model(&Payment{}).ScanAllSegments(&out, 2))
	assert.Len(t, out, 6)
	require.NoError(t, db.Model(&Payment{}).Where("CustomerID", "=", "c1").All(&out))
	assert.Len(t, out, 3)

	// The default DB keeps scanning for non-key conditions.
	require.NoError(t, e.db.Model(&Payment{}).Where("Memo", "=", "memo 0").All(&out))
	assert.Len(t, out, 1)
}

// Issue 10 item 18: Where(pk, "IN", ...) on a hash-only table is a
// BatchGet: each item once, in the order of the values, with Limit, Offset,
// OrderBy, Select and Count applied; allowed under ForbidImplicitScans.
func TestWhereInOnHashKeyIsBatchGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	for i, id := range []string{"a1", "a2", "a3", "a4"} {
		require.NoError(t, e.db.Model(&Account{ID: id, Owner: "o" + id, Balance: int64(10 * i)}).Create())
	}
	cfg := sessionFor(e.count, e)
	cfg.ForbidImplicitScans = true
	db, err := dynamorm.New(cfg)
	require.NoError(t, err)
	q := db.Model(&Account{}).Where("ID", "IN", []string{"a3", "missing", "a1", "a3", "a4"})
	ex, err := q.Explain()
	require.NoError(t, err)
	assert.Equal(t, "BatchGet", ex.Operation)
	assert.Len(t, ex.Keys, 5)
	reads := e.count.reads.Load()

	var out []Account
	require.NoError(t, q.All(&out))
	assert.Equal(t, []string{"a3", "a1", "a4"}, ids(out))
	assert.Equal(t, "oa3", out[0].Owner)
	n, err := q.Count()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	require.NoError(t, q.OrderBy("Balance", "DESC").Offset(1).Limit(1).All(&out))
	assert.Equal(t, []string{"a3"}, ids(out))
	var a Account
	require.NoError(t, q.Select("Owner").First(&a))
	assert.Equal(t, Account{ID: "a3", Owner: "oa3"}, a)
	var got []Account
	for acc, err := range dynamorm.Items[Account](q) {
		require.NoError(t, err)
		got = append(got, acc)
	}
	assert.Equal(t, []string{"a3", "a1", "a4"}, ids(got))
	assert.Equal(t, reads+5, e.count.reads.Load(), "one BatchGetItem per read, no Query or Scan")

	// AllPaginated needs a cursor, which a BatchGet cannot give: it
	// scans, which ForbidImplicitScans refuses; the default DB pages.
	_, err = q.Limit(1).AllPaginated(&out)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	res, err := e.db.Model(&Account{}).Where("ID", "IN", []string{"a1", "a2"}).Limit(5).AllPaginated(&out)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Count)
}

func ids(accounts []Account) []string {
	out := make([]string, len(accounts))
	for i, a := range accounts {
		out[i] = a.ID
	}
	return out
}
