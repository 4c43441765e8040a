package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Counter has a numeric partition key, for which 0 is a key value.
type Counter struct {
	ID int64  `dynamorm:"pk" json:"id"`
	N  int64  `json:"n"`
	By string `json:"by"`
}

// Issue 10 item 1: a read returns no item whose key differs from a key
// field the caller set; Get addresses exactly the full primary key given.
func TestReadsNeverReturnAnotherItemsKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{}, &Counter{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Owner: "ann", Status: "open"}).Create())
	require.NoError(t, e.db.Model(&Account{ID: "a2", Owner: "bob", Status: "closed"}).Create())
	require.NoError(t, e.db.Model(&Counter{ID: 7, N: 70}).Create())

	reads := e.count.reads.Load()
	// An empty string key is an error before sending, never a Scan.
	_, err := dynamorm.Get(e.db, Account{ID: ""})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "ID")
	// First on a model value with no key field set points to Get/Where/Scan.
	var a Account
	err = e.db.Model(&Account{}).First(&a)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "dynamorm.Get")
	assert.Empty(t, a.ID)
	// Under the Go-ORM convention a zero numeric key is not set on a model value.
	var c Counter
	require.ErrorIs(t, e.db.Model(&Counter{}).First(&c), dynamorm.ErrValidation)
	assert.Equal(t, reads, e.count.reads.Load(), "rejected reads sent requests")

	// Get takes numeric 0 as the key it is: no item 0 yet, so not found
	// (today it scanned and returned item 7).
	_, err = dynamorm.Get(e.db, Counter{ID: 0})
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	require.NoError(t, e.db.Model(&Counter{ID: 0, N: 5, By: "zero"}).Create())
	got, err := dynamorm.Get(e.db, Counter{ID: 0})
	require.NoError(t, err)
	assert.Equal(t, Counter{ID: 0, N: 5, By: "zero"}, got)
	got, err = dynamorm.Get(e.db, Counter{ID: 7})
	require.NoError(t, err)
	assert.Equal(t, int64(70), got.N)

	// A key set on the model value constrains Where reads too: a1 is not
	// closed, so nothing matches (today the Where scanned and returned a2).
	err = e.db.Model(&Account{ID: "a1"}).Where("Status", "=", "closed").First(&a)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	var list []Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).Where("Owner", "BEGINS_WITH", "").All(&list))
	require.Len(t, list, 1)
	assert.Equal(t, "a1", list[0].ID)
	require.NoError(t, e.db.Model(&Account{ID: "a2"}).Where("Status", "=", "closed").First(&a))
	assert.Equal(t, "bob", a.Owner)

	// Listing everything stays All/Items/Count/Scan on a model with no key.
	require.NoError(t, e.db.Model(&Account{}).All(&list))
	assert.Len(t, list, 2)
	n, err := e.db.Model(&Account{}).Count()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	var counters []Counter
	require.NoError(t, e.db.Model(&Counter{}).Scan(&counters))
	assert.Len(t, counters, 2)
}

// Issue 10 item 2: Count equals len(All) when sort-key conditions are
// evaluated on the returned items (<>, IN, a second range).
func TestCountEqualsLenAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	items := make([]Payment, 6)
	for i := range items {
		items[i] = Payment{ID: "p", Timestamp: fmt.Sprintf("t%d", i), CustomerID: "c", Status: "open", Amount: int64(i)}
	}
	seed(t, e, items)
	base := func() core.Query { return e.db.Model(&Payment{}).Where("ID", "=", "p") }
	cases := map[string]struct {
		q    core.Query
		want int
	}{
		"<>":           {base().Where("Timestamp", "<>", "t2"), 5},
		"IN":           {base().Where("Timestamp", "IN", []string{"t1", "t3", "t9"}), 2},
		"second range": {base().Where("Timestamp", ">", "t0").Where("Timestamp", "<", "t4"), 3},
		"NOT_CONTAINS": {base().Where("Timestamp", "NOT_CONTAINS", "5"), 5},
		"with filter":  {base().Where("Timestamp", "<>", "t1").Filter("Amount", ">=", 3), 3},
	}
	for name, c := range cases {
		var all []Payment
		require.NoError(t, c.q.All(&all), name)
		n, err := c.q.Count()
		require.NoError(t, err, name)
		assert.Len(t, all, c.want, name)
		assert.Equal(t, int64(len(all)), n, "%s: Count must equal len(All)", name)
	}
}

// Issue 10 item 6: ConsistentRead never becomes a consistent full-table
// Scan because the best index is a GSI.
func TestConsistentReadOnGSIConditions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(6))
	reads := e.count.reads.Load()
	var out []Payment
	err := e.db.Model(&Payment{}).Where("CustomerID", "=", "c0").ConsistentRead().All(&out)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "customer-index")
	assert.Equal(t, reads, e.count.reads.Load(), "sent a request")

	// With the table's partition key as well, the table is queried consistently.
	q := e.db.Model(&Payment{}).Where("CustomerID", "=", "c0").Where("ID", "=", "p0").ConsistentRead()
	ex, err := q.Explain()
	require.NoError(t, err)
	assert.Equal(t, "Query", ex.Operation)
	assert.Equal(t, "", ex.Index)
	assert.True(t, ex.ConsistentRead)
	require.NoError(t, q.All(&out))
	require.NotEmpty(t, out)
	for _, p := range out {
		assert.Equal(t, "p0", p.ID)
		assert.Equal(t, "c0", p.CustomerID)
	}
	// Without ConsistentRead the GSI serves the same conditions.
	ex, err = e.db.Model(&Payment{}).Where("CustomerID", "=", "c0").Explain()
	require.NoError(t, err)
	assert.Equal(t, "customer-index", ex.Index)
}

// Issue 10 item 10: Close stops reads on queries built before it.
func TestCloseStopsQueriesBuiltBefore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Owner: "ann"}).Create())
	one := e.db.Model(&Account{ID: "a1"})
	list := e.db.Model(&Account{}).Where("Owner", "=", "ann")
	keys := e.db.Model(&Account{}).Where("ID", "IN", []string{"a1"})
	var a Account
	require.NoError(t, one.First(&a))
	require.NoError(t, e.db.Close())
	reads := e.count.reads.Load()

	require.Error(t, one.First(&a))
	var all []Account
	require.Error(t, list.All(&all))
	require.Error(t, keys.All(&all))
	_, err := list.Count()
	require.Error(t, err)
	n := 0
	for _, err := range dynamorm.Items[Account](list) {
		require.Error(t, err)
		n++
	}
	assert.Equal(t, 1, n)
	_, err = list.AllPaginated(&all)
	require.Error(t, err)
	require.Error(t, list.ScanAllSegments(&all, 2))
	_, err = dynamorm.Get(e.db, Account{ID: "a1"})
	require.Error(t, err)
	assert.Equal(t, reads, e.count.reads.Load(), "a closed DB sent reads")
}

// Issue 10 item 8: a non-filter call inside a filter group is an error the
// terminal returns, never silently dropped (nor sent, for a terminal).
func TestFilterGroupRefusesNonFilterCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Owner: "ann", Balance: 5}).Create())
	require.NoError(t, e.db.Model(&Account{ID: "a2", Owner: "bob", Balance: 9}).Create())
	reads, writes := e.count.reads.Load(), e.count.writes.Load()
	calls := map[string]func(g core.Query){
		"Limit":       func(g core.Query) { g.Limit(1) },
		"Index":       func(g core.Query) { g.Index("x") },
		"IfNotExists": func(g core.Query) { g.IfNotExists() },
		"OrderBy":     func(g core.Query) { g.OrderBy("Owner", "DESC") },
		"First": func(g core.Query) {
			var a Account
			assert.Error(t, g.First(&a))
		},
		"Create": func(g core.Query) { assert.Error(t, g.Create()) },
		"nested": func(g core.Query) { g.OrFilterGroup(func(h core.Query) { h.Select("Owner") }) },
	}
	for name, call := range calls {
		var out []Account
		err := e.db.Model(&Account{}).FilterGroup(func(g core.Query) {
			g.Filter("Balance", ">", 1)
			call(g)
			g.Filter("Owner", "=", "ann")
		}).All(&out)
		require.ErrorIs(t, err, dynamorm.ErrValidation, name)
		assert.Contains(t, err.Error(), "FilterGroup", name)
		assert.Empty(t, out, name)
	}
	assert.Equal(t, reads, e.count.reads.Load())
	assert.Equal(t, writes, e.count.writes.Load())

	// Filters, Where and nested groups still work inside a group.
	var out []Account
	require.NoError(t, e.db.Model(&Account{}).FilterGroup(func(g core.Query) {
		g.Where("Balance", ">", 6).OrFilterGroup(func(h core.Query) { h.Filter("Owner", "=", "nobody") })
	}).All(&out))
	require.Len(t, out, 1)
	assert.Equal(t, "a2", out[0].ID)
}
