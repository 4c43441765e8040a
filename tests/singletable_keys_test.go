package tests

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stTotals are order totals whose text forms sort differently from their
// values: negatives, fractions, different magnitudes.
var stTotals = []float64{100, -1.5, 0, 2, -100, 0.25, 1e6, -12.5, 10, -0.25, 1, 1.5, -1}

func seedOrders(t *testing.T, e *env) []stOrder {
	t.Helper()
	var out []stOrder
	for i, total := range stTotals {
		o := stOrder{CustomerID: "c1", ID: fmt.Sprintf("o%02d", i), Region: "eu", Status: "open", Total: total,
			// times that sort differently as local-time text: across a
			// year boundary, with and without fractions of a second
			PlacedAt: time.Date(2023+i%2, time.Month(12-i%12), 1+i, i, 0, 0, i*1000, time.UTC)}
		require.NoError(t, e.db.Model(&o).Create())
		out = append(out, o)
	}
	return out
}

// TestEntityCompositeKeysSortAsTheirValues: Query order follows the
// components' values, for numbers (negative, fractional) and times.
func TestEntityCompositeKeysSortAsTheirValues(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	orders := seedOrders(t, e)

	var byTotal []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "open").OrderBy("Total", "ASC").All(&byTotal))
	totals := make([]float64, len(byTotal))
	for i, o := range byTotal {
		totals[i] = o.Total
	}
	want := slices.Clone(stTotals)
	sort.Float64s(want)
	require.Equal(t, want, totals)
	ex, err := e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "open").OrderBy("Total", "DESC").Explain()
	require.NoError(t, err)
	require.Equal(t, "gsi2", ex.Index)
	require.False(t, ex.ScanIndexForward, "ordering by the first component of gsi2sk is the index's order")

	var byTime []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1").OrderBy("PlacedAt", "DESC").All(&byTime))
	require.Len(t, byTime, len(orders))
	for i := 1; i < len(byTime); i++ {
		require.True(t, byTime[i-1].PlacedAt.After(byTime[i].PlacedAt), "%v before %v", byTime[i-1].PlacedAt, byTime[i].PlacedAt)
	}
}

// TestEntityComponentWhereForms: every comparison on a component becomes
// a key condition that returns exactly the matching items.
func TestEntityComponentWhereForms(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	orders := seedOrders(t, e)
	mid := orders[4].PlacedAt
	lo, hi := orders[2].PlacedAt, orders[7].PlacedAt
	if lo.After(hi) {
		lo, hi = hi, lo
	}
	type tc struct {
		field, op string
		value     any
		keep      func(o stOrder) bool
	}
	cases := []tc{
		{"Total", ">", -1.0, func(o stOrder) bool { return o.Total > -1 }},
		{"Total", ">=", -1.0, func(o stOrder) bool { return o.Total >= -1 }},
		{"Total", "<", 0.25, func(o stOrder) bool { return o.Total < 0.25 }},
		{"Total", "<=", 0.25, func(o stOrder) bool { return o.Total <= 0.25 }},
		{"Total", "BETWEEN", []any{-12.5, 1.5}, func(o stOrder) bool { return o.Total >= -12.5 && o.Total <= 1.5 }},
		{"PlacedAt", ">", mid, func(o stOrder) bool { return o.PlacedAt.After(mid) }},
		{"PlacedAt", ">=", mid, func(o stOrder) bool { return !o.PlacedAt.Before(mid) }},
		{"PlacedAt", "<", mid, func(o stOrder) bool { return o.PlacedAt.Before(mid) }},
		{"PlacedAt", "<=", mid, func(o stOrder) bool { return !o.PlacedAt.After(mid) }},
		{"PlacedAt", "BETWEEN", []any{lo, hi}, func(o stOrder) bool { return !o.PlacedAt.Before(lo) && !o.PlacedAt.After(hi) }},
	}
	for _, c := range cases {
		name := c.field + " " + c.op
		base := e.db.Model(&stOrder{}).Where("CustomerID", "=", "c1")
		index := ""
		if c.field == "Total" {
			base, index = e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "open"), "gsi2"
		}
		q := base.Where(c.field, c.op, c.value)
		ex, err := q.Explain()
		require.NoError(t, err, name)
		require.Equal(t, "Query", ex.Operation, name)
		require.Equal(t, index, ex.Index, name)
		require.NotContains(t, ex.Filter, c.field, "%s: the condition is a key condition (%s)", name, ex.KeyCondition)
		var got []stOrder
		require.NoError(t, q.All(&got), name)
		var wantIDs, gotIDs []string
		for _, o := range orders {
			if c.keep(o) {
				wantIDs = append(wantIDs, o.ID)
			}
		}
		for _, o := range got {
			gotIDs = append(gotIDs, o.ID)
		}
		sort.Strings(gotIDs)
		require.Equal(t, wantIDs, gotIDs, name)
	}
}

// TestEntityLastComponentWhereForms: conditions on the last component of a
// sort key after equalities on the others, numbers and strings.
func TestEntityLastComponentWhereForms(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	for n := -2; n <= 12; n++ {
		require.NoError(t, e.db.Model(&stLine{CustomerID: "c1", PlacedAt: stT0, OrderID: "o#1", N: n, SKU: "s"}).Create())
		require.NoError(t, e.db.Model(&stLine{CustomerID: "c1", PlacedAt: stT0, OrderID: "o#10", N: n, SKU: "s"}).Create())
	}
	lines := func(t *testing.T, op string, v any) []int {
		var got []stLine
		q := e.db.Model(&stLine{}).Where("CustomerID", "=", "c1").Where("PlacedAt", "=", stT0).Where("OrderID", "=", "o#1").Where("N", op, v)
		require.NoError(t, q.All(&got))
		out := make([]int, len(got))
		for i, l := range got {
			require.Equal(t, "o#1", l.OrderID, "a line of another order")
			out[i] = l.N
		}
		return out
	}
	require.Equal(t, []int{-2, -1, 0, 1, 2}, lines(t, "<", 3))
	require.Equal(t, []int{-2, -1, 0, 1, 2, 3}, lines(t, "<=", 3))
	require.Equal(t, []int{10, 11, 12}, lines(t, ">", 9))
	require.Equal(t, []int{9, 10, 11, 12}, lines(t, ">=", 9))
	require.Equal(t, []int{-1, 0, 1, 2}, lines(t, "BETWEEN", []any{-1, 2}))
	require.Equal(t, []int{7}, lines(t, "=", 7))

	var got []stLine
	require.NoError(t, e.db.Model(&stLine{}).Where("CustomerID", "=", "c1").Where("PlacedAt", "=", stT0).Where("OrderID", "BEGINS_WITH", "o#1").All(&got))
	require.Len(t, got, 30, "begins_with o#1 matches both orders")
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		require.True(t, a.OrderID < b.OrderID || a.OrderID == b.OrderID && a.N < b.N, "sorted by (OrderID, N): %v then %v", a, b)
	}
	ex, err := e.db.Model(&stLine{}).Where("CustomerID", "=", "c1").Where("PlacedAt", "=", stT0).Where("OrderID", "=", "o#1").Where("N", "=", 7).Explain()
	require.NoError(t, err)
	require.Equal(t, "GetItem", ex.Operation, "equality on every component is the item's key")
	require.Equal(t, s("ORDER#2024-05-01T09:00:00.000000000Z#o$c1#LINE#P5017"), ex.Key["sk"])
	require.Equal(t, s("CUSTOMER#c1"), ex.Key["pk"])
}
