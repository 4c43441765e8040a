package tests

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// TypedBlob items are ~8 KB, so a partition of a few hundred spans several
// 1 MB DynamoDB pages.
type TypedBlob struct {
	Group string `dynamorm:"pk"`
	Seq   int    `dynamorm:"sk"`
	Data  string
	Even  bool
}

func typedBlobs(n int) []TypedBlob {
	pad := strings.Repeat("d", 8*1024)
	items := make([]TypedBlob, n)
	for i := range items {
		items[i] = TypedBlob{Group: "g", Seq: i, Data: pad, Even: i%2 == 0}
	}
	return items
}

func seqs(items []TypedBlob) []int {
	out := make([]int, len(items))
	for i, b := range items {
		out[i] = b.Seq
	}
	return out
}

// collectItems ranges over dynamorm.Items to the end.
func collectItems[T any](t *testing.T, q core.Query) []T {
	t.Helper()
	var out []T
	for item, err := range dynamorm.Items[T](q) {
		require.NoError(t, err)
		out = append(out, item)
	}
	return out
}

// collectPages ranges over dynamorm.Pages to the end and flattens the pages.
func collectPages[T any](t *testing.T, q core.Query) (items []T, pages int) {
	t.Helper()
	for page, err := range dynamorm.Pages[T](q) {
		require.NoError(t, err)
		require.NotEmpty(t, page, "Pages yields no empty page")
		items = append(items, page...)
		pages++
	}
	return items, pages
}

func TestTypedHelpersReturnWhatAllReturns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	seed(t, e, payments(30))
	m := func() core.Query { return e.db.Model(&Payment{}) }
	cases := map[string]core.Query{
		"query on pk":            m().Where("ID", "=", "p1"),
		"sort key range":         m().Where("ID", "=", "p0").Where("Timestamp", ">", "2024-01-10"),
		"filter":                 m().Where("ID", "=", "p2").Filter("Amount", ">", 100),
		"post-filter on sk":      m().Where("ID", "=", "p0").Where("Timestamp", "<>", "2024-01-04"),
		"index, DESC":            m().Index("customer-index").Where("CustomerID", "=", "c1").OrderBy("Status", "DESC"),
		"auto index":             m().Where("CustomerID", "=", "c0"),
		"scan with filter":       m().Filter("Status", "=", "paid"),
		"limit":                  m().Where("ID", "=", "p1").Limit(4),
		"offset and limit":       m().Where("ID", "=", "p1").Offset(2).Limit(3),
		"offset past the end":    m().Where("ID", "=", "p1").Offset(50),
		"filter, offset, limit":  m().Where("ID", "=", "p0").Filter("Amount", ">", 20).Offset(1).Limit(3),
		"projection":             m().Where("ID", "=", "p1").Select("ID", "Timestamp", "Amount"),
		"sorted in memory":       m().Where("ID", "=", "p2").OrderBy("Amount", "DESC").Limit(5),
		"full key (GetItem)":     m().Where("ID", "=", "p1").Where("Timestamp", "=", "2024-01-02"),
		"full key, no such item": m().Where("ID", "=", "p1").Where("Timestamp", "=", "1999-01-01"),
		"nothing matches":        m().Where("ID", "=", "nobody"),
		"with retry":             m().Where("ID", "=", "p1").WithRetry(1, 0),
	}
	for name, q := range cases {
		var want []Payment
		require.NoError(t, q.All(&want), name)

		got, err := dynamorm.All[Payment](q)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)

		if len(want) == 0 {
			want = nil // the iterators yield nothing; All returns an empty slice
		}
		assert.Equal(t, want, collectItems[Payment](t, q), name)
		paged, _ := collectPages[Payment](t, q)
		assert.Equal(t, want, paged, name)

		ptrs := collectItems[*Payment](t, q)
		require.Len(t, ptrs, len(want), name)
		for i := range ptrs {
			assert.Equal(t, want[i], *ptrs[i], name)
		}

		first, err := dynamorm.First[Payment](q)
		if len(want) == 0 {
			assert.ErrorIs(t, err, dynamorm.ErrItemNotFound, name)
			continue
		}
		require.NoError(t, err, name)
		var wantFirst Payment
		require.NoError(t, q.First(&wantFirst), name)
		assert.Equal(t, wantFirst, first, name)
	}
}

func TestTypedFirstAndGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Payment{})
	all := payments(6)
	seed(t, e, all)

	got, err := dynamorm.Get(e.db, Payment{ID: all[4].ID, Timestamp: all[4].Timestamp, Status: "ignored"})
	require.NoError(t, err)
	assert.ElementsMatch(t, all[4].Tags, got.Tags) // a set: any order
	got.Tags = all[4].Tags
	assert.Equal(t, all[4], got)

	p, err := dynamorm.Get(e.db, &Payment{ID: all[2].ID, Timestamp: all[2].Timestamp})
	require.NoError(t, err)
	assert.Equal(t, all[2], *p)

	_, err = dynamorm.Get(e.db, Payment{ID: "p0", Timestamp: "1999-01-01"})
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	var nilPayment *Payment
	_, err = dynamorm.Get(e.db, nilPayment)
	assert.ErrorIs(t, err, dynamorm.ErrValidation)

	newest, err := dynamorm.First[*Payment](e.db.Model(&Payment{}).Where("ID", "=", "p0").OrderBy("Timestamp", "DESC"))
	require.NoError(t, err)
	assert.Equal(t, "2024-01-04", newest.Timestamp)

	_, err = dynamorm.First[Payment](e.db.Model(&Payment{}).Where("ID", "=", "nobody"))
	assert.ErrorIs(t, err, dynamorm.ErrItemNotFound)
}

func TestItemsPagesLazily(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &TypedBlob{})
	seed(t, e, typedBlobs(300)) // ~2.4 MB: three 1 MB pages
	q := e.db.Model(&TypedBlob{}).Where("Group", "=", "g")

	e.count.reads.Store(0)
	var all []TypedBlob
	require.NoError(t, q.All(&all))
	require.Len(t, all, 300)
	requests := e.count.reads.Load()
	require.GreaterOrEqual(t, requests, int64(3), "the partition must span several pages for this test")

	// Breaking after the first item: one request, not three.
	e.count.reads.Store(0)
	n := 0
	for b, err := range dynamorm.Items[TypedBlob](q) {
		require.NoError(t, err)
		assert.Equal(t, 0, b.Seq)
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, int64(1), e.count.reads.Load(), "Items sent more than the first page's request")

	// Breaking in the second page: two requests.
	e.count.reads.Store(0)
	var firstPage int
	for page, err := range dynamorm.Pages[TypedBlob](q) {
		require.NoError(t, err)
		firstPage = len(page)
		break
	}
	require.Less(t, firstPage, 300)
	assert.Equal(t, int64(1), e.count.reads.Load())
	e.count.reads.Store(0)
	for b, err := range dynamorm.Items[TypedBlob](q) {
		require.NoError(t, err)
		if b.Seq == firstPage {
			break
		}
	}
	assert.Equal(t, int64(2), e.count.reads.Load())

	// To the end: the same requests and items as All, one element per page.
	e.count.reads.Store(0)
	assert.Equal(t, seqs(all), seqs(collectItems[TypedBlob](t, q)))
	assert.Equal(t, requests, e.count.reads.Load())
	e.count.reads.Store(0)
	paged, pages := collectPages[TypedBlob](t, q)
	assert.Equal(t, seqs(all), seqs(paged))
	assert.Equal(t, requests, int64(pages))
	assert.Equal(t, requests, e.count.reads.Load())

	// The iterator can be ranged over again: each range runs the query.
	assert.Len(t, collectItems[TypedBlob](t, q), 300)

	// Consumed capacity is recorded on the query as pages are read.
	fresh := e.db.Model(&TypedBlob{}).Where("Group", "=", "g")
	for _, err := range dynamorm.Items[TypedBlob](fresh) {
		require.NoError(t, err)
		break
	}
	assert.Equal(t, 1, fresh.ConsumedCapacity().Requests)
	assert.Positive(t, fresh.ConsumedCapacity().ReadUnits)

	// A scan pages lazily too.
	e.count.reads.Store(0)
	for _, err := range dynamorm.Items[TypedBlob](e.db.Model(&TypedBlob{}).Filter("Even", "=", true)) {
		require.NoError(t, err)
		break
	}
	assert.Equal(t, int64(1), e.count.reads.Load())
}

func TestItemsHonoursLimitOffsetFilterAndCursor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &TypedBlob{})
	seed(t, e, typedBlobs(300))
	q := e.db.Model(&TypedBlob{}).Where("Group", "=", "g")

	// Limit: exactly n items, from one request of Limit n.
	e.count.reads.Store(0)
	got := collectItems[TypedBlob](t, q.Limit(5))
	assert.Equal(t, []int{0, 1, 2, 3, 4}, seqs(got))
	assert.Equal(t, int64(1), e.count.reads.Load())

	// Offset and Limit, with a filter that drops half the items, across
	// pages (Limit 200 of the even items needs every page).
	filtered := q.Filter("Even", "=", true)
	// Seq <> 5 is on the sort key, so it is evaluated on each item read
	// (a post-filter) rather than by DynamoDB.
	postFiltered := q.Where("Seq", "<>", 5)
	for _, fq := range []core.Query{filtered.Offset(3).Limit(4), filtered.Offset(10).Limit(200), filtered.Offset(149), filtered,
		postFiltered.Offset(3).Limit(4), postFiltered.Offset(140).Limit(100), postFiltered} {
		var want []TypedBlob
		require.NoError(t, fq.All(&want))
		assert.Equal(t, seqs(want), seqs(collectItems[TypedBlob](t, fq)))
		paged, _ := collectPages[TypedBlob](t, fq)
		assert.Equal(t, seqs(want), seqs(paged))
	}

	// A cursor from AllPaginated: Items continues where the page ended.
	var page []TypedBlob
	res, err := filtered.Limit(40).AllPaginated(&page)
	require.NoError(t, err)
	require.True(t, res.HasMore)
	rest := collectItems[TypedBlob](t, filtered.Cursor(res.NextCursor))
	var all []TypedBlob
	require.NoError(t, filtered.All(&all))
	assert.Equal(t, seqs(all), append(seqs(page), seqs(rest)...))

	// Items on a cursor from another query yields the cursor error.
	for _, err := range dynamorm.Items[TypedBlob](q.Filter("Even", "=", false).Cursor(res.NextCursor)) {
		assert.ErrorIs(t, err, dynamorm.ErrInvalidCursor)
	}
}

// failingClient fails every Query after the first ok ones.
type failingClient struct {
	core.DynamoDBAPI
	ok      int64
	queries atomic.Int64
}

var errInjected = errors.New("injected failure")

func (c *failingClient) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if c.queries.Add(1) > c.ok {
		return nil, errInjected
	}
	return c.DynamoDBAPI.Query(ctx, in, o...)
}

func TestItemsYieldsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &TypedBlob{})
	seed(t, e, typedBlobs(300))

	// expect ranges to the end and returns the items and the errors seen.
	expect := func(seq func(func(TypedBlob, error) bool)) (items int, errs []error) {
		for b, err := range seq {
			if err != nil {
				assert.Zero(t, b)
				errs = append(errs, err)
				continue
			}
			items++
		}
		return items, errs
	}

	// Bad input: an error before any request.
	e.count.reads.Store(0)
	n, errs := expect(dynamorm.Items[TypedBlob](e.db.Model(&TypedBlob{}).Where("NoSuchField", "=", 1)))
	assert.Zero(t, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], dynamorm.ErrValidation)
	assert.Zero(t, e.count.reads.Load())

	// A request failing on the second page: the first page's items, then
	// the error, once, and nothing after it.
	fc := &failingClient{DynamoDBAPI: e.raw, ok: 1}
	db, err := dynamorm.New(sessionFor(fc, e))
	require.NoError(t, err)
	n, errs = expect(dynamorm.Items[TypedBlob](db.Model(&TypedBlob{}).Where("Group", "=", "g")))
	assert.Positive(t, n)
	assert.Less(t, n, 300)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], errInjected)
	assert.Equal(t, int64(2), fc.queries.Load())

	// A cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, errs = expect(dynamorm.Items[TypedBlob](e.db.Model(&TypedBlob{}).Where("Group", "=", "g").WithContext(ctx)))
	assert.Zero(t, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)

	// An item that does not decode into T.
	type Mismatch struct {
		Group string `dynamorm:"pk"`
		Seq   int    `dynamorm:"sk"`
		Data  int    // stored as a string
	}
	var count int
	var decodeErr error
	for m, err := range dynamorm.Items[Mismatch](e.db.Model(&TypedBlob{}).Where("Group", "=", "g")) {
		count++
		decodeErr = err
		assert.Zero(t, m)
	}
	assert.Equal(t, 1, count)
	require.Error(t, decodeErr)
	assert.Contains(t, decodeErr.Error(), "item 0")
	_, allErr := dynamorm.All[Mismatch](e.db.Model(&TypedBlob{}).Where("Group", "=", "g"))
	assert.Error(t, allErr)

	// T that is not a struct.
	for _, err := range dynamorm.Items[string](e.db.Model(&TypedBlob{}).Where("Group", "=", "g")) {
		assert.ErrorIs(t, err, dynamorm.ErrValidation)
	}
}
