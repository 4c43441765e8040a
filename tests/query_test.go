package tests

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Payment is the reference README's model.
type Payment struct {
	ID         string   `dynamorm:"pk" json:"id"`
	Timestamp  string   `dynamorm:"sk" json:"timestamp"`
	CustomerID string   `dynamorm:"index:customer-index,pk" json:"customer_id"`
	Status     string   `dynamorm:"index:customer-index,sk" json:"status"`
	Amount     int64    `dynamorm:"lsi:by-amount" json:"amount"`
	Tags       []string `dynamorm:"set,omitempty" json:"tags"`
	Memo       string   `dynamorm:"omitempty" json:"memo"`
}

// Odd has attribute names that are reserved words or need placeholders.
type Odd struct {
	PK     string `dynamorm:"pk,attr:GSI1PK"`
	SK     int    `dynamorm:"sk,attr:data-1"`
	Status string `dynamorm:"attr:status"`
	Size   int    `dynamorm:"attr:size"`
	Name   string `dynamorm:"attr:name.with.dots"`
}

// seed creates items concurrently with Create.
func seed[T any](t *testing.T, e *env, items []T) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(items))
	sem := make(chan struct{}, 8)
	for i := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func(p *T) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := e.db.Model(p).Create(); err != nil {
				errs <- err
			}
		}(&items[i])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func payments(n int) []Payment {
	out := make([]Payment, n)
	for i := range out {
		out[i] = Payment{
			ID:         "p" + fmt.Sprint(i%3),
			Timestamp:  fmt.Sprintf("2024-01-%02d", i+1),
			CustomerID: "c" + fmt.Sprint(i%2),
			Status:     []string{"open", "paid", "void"}[i%3],
			Amount:     int64(i * 10),
		}
		if i%4 == 0 {
			out[i].Tags = []string{"vip", "t" + fmt.Sprint(i)}
		}
		if i%5 == 0 {
			out[i].Memo = "memo " + fmt.Sprint(i)
		}
	}
	return out
}

func stamps(ps []Payment) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Timestamp
	}
	return out
}

func TestOperatorsOnKeysAndFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(24)
	seed(t, e, all)
	expect := func(pred func(Payment) bool) []string {
		var out []string
		for _, p := range all {
			if pred(p) {
				out = append(out, p.Timestamp)
			}
		}
		sort.Strings(out)
		return out
	}
	base := func() core.Query { return e.db.Model(&Payment{}).Where("ID", "=", "p0") }
	cases := []struct {
		name string
		q    core.Query
		want []string
	}{
		{"sk =", base().Where("Timestamp", "=", "2024-01-04"), []string{"2024-01-04"}},
		{"sk <", base().Where("Timestamp", "<", "2024-01-07"), expect(func(p Payment) bool { return p.ID == "p0" && p.Timestamp < "2024-01-07" })},
		{"sk <=", base().Where("Timestamp", "<=", "2024-01-07"), expect(func(p Payment) bool { return p.ID == "p0" && p.Timestamp <= "2024-01-07" })},
		{"sk >", base().Where("Timestamp", ">", "2024-01-13"), expect(func(p Payment) bool { return p.ID == "p0" && p.Timestamp > "2024-01-13" })},
		{"sk >=", base().Where("Timestamp", ">=", "2024-01-13"), expect(func(p Payment) bool { return p.ID == "p0" && p.Timestamp >= "2024-01-13" })},
		{"sk between", base().Where("Timestamp", "between", []string{"2024-01-04", "2024-01-10"}), expect(func(p Payment) bool {
			return p.ID == "p0" && p.Timestamp >= "2024-01-04" && p.Timestamp <= "2024-01-10"
		})},
		{"sk begins_with", base().Where("Timestamp", "BEGINS_WITH", "2024-01-1"), expect(func(p Payment) bool { return p.ID == "p0" && strings.HasPrefix(p.Timestamp, "2024-01-1") })},
		{"sk != (filter)", base().Where("Timestamp", "<>", "2024-01-01"), expect(func(p Payment) bool { return p.ID == "p0" && p.Timestamp != "2024-01-01" })},
		{"sk IN (filter)", base().Where("Timestamp", "in", []string{"2024-01-01", "2024-01-04", "2024-01-05"}), []string{"2024-01-01", "2024-01-04"}},
		{"filter =", base().Filter("Status", "=", "open"), expect(func(p Payment) bool { return p.ID == "p0" && p.Status == "open" })},
		{"filter !=", base().Filter("Amount", "!=", 0), expect(func(p Payment) bool { return p.ID == "p0" && p.Amount != 0 })},
		{"filter < number", base().Filter("Amount", "<", 90), expect(func(p Payment) bool { return p.ID == "p0" && p.Amount < 90 })},
		{"filter >= number", base().Filter("Amount", ">=", 90), expect(func(p Payment) bool { return p.ID == "p0" && p.Amount >= 90 })},
		{"filter between numbers", base().Filter("Amount", "BETWEEN", [2]int{30, 120}), expect(func(p Payment) bool { return p.ID == "p0" && p.Amount >= 30 && p.Amount <= 120 })},
		{"filter IN numbers", base().Filter("Amount", "IN", []int64{0, 30, 31}), expect(func(p Payment) bool { return p.ID == "p0" && (p.Amount == 0 || p.Amount == 30) })},
		{"filter contains set", base().Filter("Tags", "CONTAINS", "vip"), expect(func(p Payment) bool { return p.ID == "p0" && len(p.Tags) > 0 })},
		{"filter not_contains", base().Filter("Memo", "NOT_CONTAINS", "1"), expect(func(p Payment) bool { return p.ID == "p0" && !strings.Contains(p.Memo, "1") })},
		{"filter exists", base().Filter("Memo", "EXISTS", nil), expect(func(p Payment) bool { return p.ID == "p0" && p.Memo != "" })},
		{"filter not_exists", base().Filter("Tags", "NOT_EXISTS", nil), expect(func(p Payment) bool { return p.ID == "p0" && len(p.Tags) == 0 })},
		{"filter attribute_type", base().Filter("Tags", "ATTRIBUTE_TYPE", "SS"), expect(func(p Payment) bool { return p.ID == "p0" && len(p.Tags) > 0 })},
		{"filter size", base().Filter("Tags", "SIZE>=", 2), expect(func(p Payment) bool { return p.ID == "p0" && len(p.Tags) >= 2 })},
		{"filter begins_with", base().Filter("Status", "begins_with", "op"), expect(func(p Payment) bool { return p.ID == "p0" && p.Status == "open" })},
	}
	for _, c := range cases {
		var got []Payment
		require.NoError(t, c.q.All(&got), c.name)
		gs := stamps(got)
		sort.Strings(gs)
		assert.Equal(t, c.want, gs, c.name)
	}
}

func TestFilterGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(24)
	seed(t, e, all)
	// Status = open AND (Amount < 50 OR Amount > 200), on a scan.
	var got []Payment
	err := e.db.Model(&Payment{}).
		Filter("Status", "=", "open").
		FilterGroup(func(q core.Query) {
			q.Filter("Amount", "<", 50).OrFilter("Amount", ">", 200)
		}).All(&got)
	require.NoError(t, err)
	var want []string
	for _, p := range all {
		if p.Status == "open" && (p.Amount < 50 || p.Amount > 200) {
			want = append(want, p.Timestamp)
		}
	}
	gs := stamps(got)
	sort.Strings(gs)
	assert.Equal(t, want, gs)

	// (Status = void) OR (CustomerID = c0 AND Amount >= 200)
	got = nil
	err = e.db.Model(&Payment{}).
		Filter("Status", "=", "void").
		OrFilterGroup(func(q core.Query) {
			q.Filter("CustomerID", "=", "c0")
			q.Filter("Amount", ">=", 200)
		}).All(&got)
	require.NoError(t, err)
	want = nil
	for _, p := range all {
		if p.Status == "void" || (p.CustomerID == "c0" && p.Amount >= 200) {
			want = append(want, p.Timestamp)
		}
	}
	gs = stamps(got)
	sort.Strings(gs)
	assert.Equal(t, want, gs)
}

func TestAutomaticIndexSelection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(12))
	for _, q := range []core.Query{
		e.db.Model(&Payment{}).Where("Status", "=", "open").Where("CustomerID", "=", "c0"),
		e.db.Model(&Payment{}).Where("CustomerID", "=", "c0").Where("Status", "=", "open"),
	} {
		ex, err := q.Explain()
		require.NoError(t, err)
		assert.Equal(t, "Query", ex.Operation)
		assert.Equal(t, "customer-index", ex.Index)
		var got []Payment
		require.NoError(t, q.All(&got))
		require.NotEmpty(t, got)
		for _, p := range got {
			assert.Equal(t, "c0", p.CustomerID)
			assert.Equal(t, "open", p.Status)
		}
	}
	ex, err := e.db.Model(&Payment{}).Where("Memo", "=", "x").Explain()
	require.NoError(t, err)
	assert.Equal(t, "Scan", ex.Operation)
	ex, err = e.db.Model(&Payment{}).Where("ID", "=", "p1").Where("Timestamp", "=", "2024-01-02").Explain()
	require.NoError(t, err)
	assert.Equal(t, "GetItem", ex.Operation)
	assert.Contains(t, ex.String(), "GetItem on "+e.prefix+"payments")
}

func TestReferenceQueryPattern(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(30)
	seed(t, e, all)
	// Index(...).Where(...).OrderBy("Timestamp","DESC").Limit(10): Timestamp
	// is not the index's sort key, so results are sorted in memory.
	var got []Payment
	err := e.db.Model(&Payment{}).Index("customer-index").Where("CustomerID", "=", "c1").
		OrderBy("Timestamp", "DESC").Limit(10).All(&got)
	require.NoError(t, err)
	var want []string
	for _, p := range all {
		if p.CustomerID == "c1" {
			want = append(want, p.Timestamp)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(want)))
	assert.Equal(t, want[:10], stamps(got))

	// The same with ConsistentRead: a clear error on a GSI, nothing sent.
	before := e.count.reads.Load()
	err = e.db.Model(&Payment{}).Index("customer-index").Where("CustomerID", "=", "c1").
		OrderBy("Timestamp", "DESC").Limit(10).ConsistentRead().All(&got)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "ConsistentRead")
	assert.Contains(t, err.Error(), "customer-index")
	assert.Equal(t, before, e.count.reads.Load())

	// On the table (and its LSI) ConsistentRead works, ordered by the sort key.
	got = nil
	require.NoError(t, e.db.Model(&Payment{}).Where("ID", "=", "p2").OrderBy("Timestamp", "DESC").Limit(3).ConsistentRead().All(&got))
	want = nil
	for _, p := range all {
		if p.ID == "p2" {
			want = append(want, p.Timestamp)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(want)))
	assert.Equal(t, want[:3], stamps(got))
	got = nil
	require.NoError(t, e.db.Model(&Payment{}).Index("by-amount").Where("ID", "=", "p2").Where("Amount", ">", 100).ConsistentRead().All(&got))
	for _, p := range got {
		assert.Greater(t, p.Amount, int64(100))
	}
	assert.NotEmpty(t, got)
}

func TestLimitWithFilterAndOffset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(60)
	seed(t, e, all)
	var got []Payment
	// The filter drops the first p0 items; Limit must still return 5 matches.
	require.NoError(t, e.db.Model(&Payment{}).Where("ID", "=", "p0").Filter("Amount", ">", 100).Limit(5).All(&got))
	require.Len(t, got, 5)
	var want []string
	for _, p := range all {
		if p.ID == "p0" && p.Amount > 100 {
			want = append(want, p.Timestamp)
		}
	}
	sort.Strings(want)
	assert.Equal(t, want[:5], stamps(got))
	got = nil
	require.NoError(t, e.db.Model(&Payment{}).Where("ID", "=", "p0").Filter("Amount", ">", 100).Offset(2).Limit(3).All(&got))
	assert.Equal(t, want[2:5], stamps(got))
	var first Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("ID", "=", "p0").Filter("Amount", ">", 100).First(&first))
	assert.Equal(t, want[0], first.Timestamp)
	require.ErrorIs(t, e.db.Model(&Payment{}).Where("ID", "=", "p0").Filter("Amount", ">", 1e9).First(&first), dynamorm.ErrItemNotFound)
}

func TestCursorRoundTripAcrossLargePages(t *testing.T) {
	t.Parallel()
	type Blob struct {
		Group string `dynamorm:"pk"`
		Seq   int    `dynamorm:"sk"`
		Data  string
		Even  bool
	}
	e := newEnv(t, &Blob{})
	const count = 400 // 400 items of ~8 KB: several 1 MB DynamoDB pages
	items := make([]Blob, count)
	pad := strings.Repeat("d", 8*1024)
	for i := range items {
		items[i] = Blob{Group: "g", Seq: i, Data: pad, Even: i%2 == 0}
	}
	seed(t, e, items)

	seen := map[int]int{}
	cursor := ""
	pages := 0
	for {
		var page []Blob
		q := e.db.Model(&Blob{}).Where("Group", "=", "g").Filter("Even", "=", true).Limit(70)
		if cursor != "" {
			q = q.Cursor(cursor)
		}
		res, err := q.AllPaginated(&page)
		require.NoError(t, err)
		pages++
		assert.Equal(t, len(page), res.Count)
		for _, b := range page {
			seen[b.Seq]++
		}
		if !res.HasMore {
			assert.Empty(t, res.NextCursor)
			break
		}
		require.NotEmpty(t, res.NextCursor)
		assert.Len(t, page, 70)
		cursor = res.NextCursor
	}
	assert.Len(t, seen, count/2)
	for seq, times := range seen {
		assert.Equal(t, 1, times, "item %d returned %d times", seq, times)
		assert.Zero(t, seq%2)
	}
	assert.GreaterOrEqual(t, pages, 3)

	// A cursor from another query is rejected.
	var page []Blob
	res, err := e.db.Model(&Blob{}).Where("Group", "=", "g").Limit(10).AllPaginated(&page)
	require.NoError(t, err)
	_, err = e.db.Model(&Blob{}).Where("Group", "=", "g").Filter("Even", "=", false).Cursor(res.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	_, err = e.db.Model(&Payment{}).Where("ID", "=", "g").Cursor(res.NextCursor).AllPaginated(&[]Payment{})
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	require.ErrorIs(t, e.db.Model(&Blob{}).SetCursor("garbage"), dynamorm.ErrInvalidCursor)

	n, err := e.db.Model(&Blob{}).Where("Group", "=", "g").Count()
	require.NoError(t, err)
	assert.Equal(t, int64(count), n)
	n, err = e.db.Model(&Blob{}).Filter("Even", "=", true).Count()
	require.NoError(t, err)
	assert.Equal(t, int64(count/2), n)
}

func TestUnusualAttributeNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Odd{})
	seed(t, e, []Odd{{PK: "a", SK: 1, Status: "x", Size: 3, Name: "n1"}, {PK: "a", SK: 2, Status: "y", Size: 4, Name: "n2"}})
	var got []Odd
	require.NoError(t, e.db.Model(&Odd{}).Where("GSI1PK", "=", "a").Where("data-1", ">", 1).Filter("status", "=", "y").Filter("size", ">=", 4).Filter("name.with.dots", "=", "n2").All(&got))
	require.Len(t, got, 1)
	assert.Equal(t, Odd{PK: "a", SK: 2, Status: "y", Size: 4, Name: "n2"}, got[0])
	var one Odd
	require.NoError(t, e.db.Model(&Odd{PK: "a", SK: 1}).First(&one))
	assert.Equal(t, "n1", one.Name)
	one.Status = "z"
	require.NoError(t, e.db.Model(&one).WithCondition("size", "=", 3).Update("Status"))
	require.NoError(t, e.db.Model(&Odd{}).Where("PK", "=", "a").Where("SK", "=", 1).First(&one))
	assert.Equal(t, "z", one.Status)
}

func TestParallelScanAndSelect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(90)
	seed(t, e, all)
	var got []Payment
	require.NoError(t, e.db.Model(&Payment{}).ScanAllSegments(&got, 4))
	seen := map[string]int{}
	for _, p := range got {
		seen[p.ID+p.Timestamp]++
	}
	assert.Len(t, seen, len(all))
	for k, v := range seen {
		assert.Equal(t, 1, v, k)
	}
	total := 0
	for seg := int32(0); seg < 3; seg++ {
		var part []Payment
		require.NoError(t, e.db.Model(&Payment{}).ParallelScan(seg, 3).Scan(&part))
		total += len(part)
	}
	assert.Equal(t, len(all), total)

	var slim []Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("ID", "=", "p1").Select("Amount").All(&slim))
	require.NotEmpty(t, slim)
	for _, p := range slim {
		assert.Empty(t, p.Status, "unselected field was read")
		assert.NotEmpty(t, p.Timestamp, "keys are always read")
	}
}

func TestBuildersBranchSafely(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(12))
	base := e.db.Model(&Payment{}).Where("ID", "=", "p0")
	low := base.Filter("Amount", "<", 40)
	high := base.Filter("Amount", ">=", 40)
	var a, b, c []Payment
	require.NoError(t, low.All(&a))
	require.NoError(t, high.All(&b))
	require.NoError(t, base.All(&c))
	for _, p := range a {
		assert.Less(t, p.Amount, int64(40))
	}
	for _, p := range b {
		assert.GreaterOrEqual(t, p.Amount, int64(40))
	}
	assert.NotEmpty(t, a)
	assert.NotEmpty(t, b)
	assert.Equal(t, len(c), len(a)+len(b))
	assert.Greater(t, low.ConsumedCapacity().ReadUnits, 0.0)
}

// TestBuilderOptionsBranchSafely checks that the settings a query derived
// from another one adds (limit, order, projection, filter group, cursor,
// write conditions) never reach the query it was derived from or its
// siblings, also when the base already has settings of its own.
func TestBuilderOptionsBranchSafely(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(12))
	base := e.db.Model(&Payment{}).Where("ID", "=", "p0").Limit(3)
	desc := base.OrderBy("Timestamp", "DESC")
	memo := base.Select("ID", "Timestamp")
	group := base.FilterGroup(func(q core.Query) { q.Filter("Amount", ">=", 60) })
	var all, fromDesc, fromMemo, fromGroup []Payment
	require.NoError(t, base.All(&all))
	require.NoError(t, desc.All(&fromDesc))
	require.NoError(t, memo.All(&fromMemo))
	require.NoError(t, group.All(&fromGroup))
	assert.Equal(t, []string{"2024-01-01", "2024-01-04", "2024-01-07"}, stamps(all))
	assert.Equal(t, []string{"2024-01-10", "2024-01-07", "2024-01-04"}, stamps(fromDesc))
	assert.Equal(t, stamps(all), stamps(fromMemo))
	for _, p := range fromMemo {
		assert.Zero(t, p.Amount, "Select read only the keys")
	}
	assert.Equal(t, []string{"2024-01-07", "2024-01-10"}, stamps(fromGroup))
	assert.NotZero(t, all[1].Amount, "the base reads every attribute")

	// A cursor set on a copy, by Cursor or SetCursor, stays on it.
	page := base.Limit(1)
	var first []Payment
	res, err := page.AllPaginated(&first)
	require.NoError(t, err)
	require.NotEmpty(t, res.NextCursor)
	resumed := page.Cursor(res.NextCursor)
	var second, again []Payment
	_, err = resumed.AllPaginated(&second)
	require.NoError(t, err)
	_, err = page.AllPaginated(&again)
	require.NoError(t, err)
	assert.Equal(t, []string{"2024-01-04"}, stamps(second))
	assert.Equal(t, stamps(first), stamps(again))
	set := page.Limit(1)
	require.NoError(t, set.SetCursor(res.NextCursor))
	var fromSet, fromPage []Payment
	_, err = set.AllPaginated(&fromSet)
	require.NoError(t, err)
	_, err = page.AllPaginated(&fromPage)
	require.NoError(t, err)
	assert.Equal(t, stamps(second), stamps(fromSet))
	assert.Equal(t, stamps(first), stamps(fromPage), "SetCursor changes only the query it is called on")

	// A write condition added to a copy is not on the original.
	p := Payment{ID: "p0", Timestamp: "2024-01-01", Memo: "changed"}
	w := e.db.Model(&p)
	require.ErrorIs(t, w.IfNotExists().Update("Memo"), core.ErrConditionFailed)
	require.NoError(t, w.Update("Memo"))
	var got Payment
	require.NoError(t, e.db.Model(&Payment{ID: "p0", Timestamp: "2024-01-01"}).First(&got))
	assert.Equal(t, "changed", got.Memo)
}

func TestQueryBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	var out []Payment
	for name, err := range map[string]error{
		"unknown field":    e.db.Model(&Payment{}).Where("Nope", "=", 1).All(&out),
		"unknown operator": e.db.Model(&Payment{}).Where("ID", "~", 1).All(&out),
		"between one":      e.db.Model(&Payment{}).Where("Amount", "BETWEEN", 1).All(&out),
		"unknown index":    e.db.Model(&Payment{}).Index("nope").Where("ID", "=", 1).All(&out),
		"bad order":        e.db.Model(&Payment{}).OrderBy("Timestamp", "UP").All(&out),
		"not a slice":      e.db.Model(&Payment{}).All(out),
		"paginate memsort": func() error {
			_, err := e.db.Model(&Payment{}).Where("ID", "=", "p").OrderBy("Memo", "ASC").AllPaginated(&out)
			return err
		}(),
	} {
		assert.Error(t, err, name)
	}
	assert.Zero(t, e.count.reads.Load())
}

func TestSignedCursors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(9))
	cfg := sessionFor(e.count, e)
	cfg.CursorKey = []byte("secret-1")
	signed, err := dynamorm.New(cfg)
	require.NoError(t, err)
	cfg.CursorKey = []byte("secret-2")
	otherKey, err := dynamorm.New(cfg)
	require.NoError(t, err)

	q := func(db *dynamorm.DB) core.Query { return db.Model(&Payment{}).Where("ID", "=", "p0").Limit(1) }
	var page []Payment
	res, err := q(signed).AllPaginated(&page)
	require.NoError(t, err)
	require.True(t, res.HasMore)
	first := page[0].Timestamp

	// The signed cursor continues the query on a DB with the same key.
	require.NoError(t, signed.Model(&Payment{}).SetCursor(res.NextCursor))
	_, err = q(signed).Cursor(res.NextCursor).AllPaginated(&page)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Greater(t, page[0].Timestamp, first)

	// Another key, an unsigned cursor, or an altered one are all rejected.
	_, err = q(otherKey).Cursor(res.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	unsigned, err := q(e.db).AllPaginated(&page)
	require.NoError(t, err)
	_, err = q(signed).Cursor(unsigned.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	parts := strings.Split(res.NextCursor, ".")
	require.Len(t, parts, 2)
	body := []byte(parts[1])
	body[len(body)/2] ^= 1 // still base64url, no longer authentic
	_, err = q(signed).Cursor(parts[0] + "." + string(body)).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
}
