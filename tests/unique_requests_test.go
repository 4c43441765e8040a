package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
)

// requests runs fn and returns the reads and the writes it sent.
func (e *env) requests(t *testing.T, fn func() error) (reads, writes int64) {
	t.Helper()
	r, w := e.count.reads.Load(), e.count.writes.Load()
	require.NoError(t, fn())
	return e.count.reads.Load() - r, e.count.writes.Load() - w
}

// The requests each write of a model with unique constraints sends (the
// README's cost table), and the guards each leaves.
func TestUniqueRequestsPerWrite(t *testing.T) {
	e := uqEnv(t)
	guards := func() []string { return e.guardValues(t, "uq_users", "ID") }
	ann := &uqUser{ID: "u1", Email: "ann@example.com"}
	r, w := e.requests(t, ann.create(e))
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Create: one transaction")

	ann.Name = "Ann"
	r, w = e.requests(t, func() error { return e.db.Model(ann).Update() })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Update() keeping the value: one UpdateItem conditioned on it")
	assert.Equal(t, []string{annGuard}, guards())

	ann.Email = "bob@example.com"
	r, w = e.requests(t, func() error { return e.db.Model(ann).Update("Email") })
	assert.Equal(t, [2]int64{0, 2}, [2]int64{r, w}, "Update changing the value of an untracked value: refused, then the transaction")
	assert.Equal(t, []string{bobGuard}, guards())

	r, w = e.requests(t, func() error {
		return e.db.Model(&uqUser{ID: "u1"}).UpdateBuilder().Set("Email", "ann@example.com").Execute()
	})
	assert.Equal(t, [2]int64{0, 2}, [2]int64{r, w}, "UpdateBuilder changing the value")
	assert.Equal(t, []string{annGuard}, guards())

	// CreateOrUpdate of a model with created_at (uqUser): the stored
	// creation time comes back with an UpdateItem, so the value kept is one
	// UpdateItem; a new item or a new value costs a refused one first.
	cur := &uqUser{ID: "u1", Email: "ann@example.com", Version: 4}
	r, w = e.requests(t, func() error { return e.db.Model(cur).CreateOrUpdate() })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "CreateOrUpdate keeping the value")
	carol := &uqUser{ID: "u2", Email: "carol@example.com"}
	r, w = e.requests(t, func() error { return e.db.Model(carol).CreateOrUpdate() })
	assert.Equal(t, [2]int64{0, 2}, [2]int64{r, w}, "CreateOrUpdate creating")
	assert.Equal(t, []string{annGuard, "UNIQUE#uqUser#Email#carol@example.com"}, guards())

	// Delete of a value holding its unique values: one transaction.
	r, w = e.requests(t, func() error { return e.db.Model(carol).Delete() })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Delete of the value: one transaction")
	assert.Equal(t, []string{annGuard}, guards())
	assert.Nil(t, e.rawItem(t, "uq_users", map[string]types.AttributeValue{"ID": s("u2")}))

	// A stale value: its delete is refused, and sent again on the stored
	// values the refusal returned; no guard is orphaned.
	stale := &uqUser{ID: "u1", Email: "old@example.com", Handle: "annie"}
	r, w = e.requests(t, func() error { return e.db.Model(stale).Delete() })
	assert.Equal(t, [2]int64{0, 2}, [2]int64{r, w}, "Delete of a stale value")
	assert.Empty(t, guards())
	assert.Equal(t, 0, e.itemCount(t, "uq_users"))

	// A key alone: the stored values are unknown, read first.
	require.NoError(t, e.db.Model(&uqUser{ID: "u3", Email: "dan@example.com"}).Create())
	r, w = e.requests(t, func() error { return e.db.Model(&uqUser{ID: "u3"}).Delete() })
	assert.Equal(t, [2]int64{1, 1}, [2]int64{r, w}, "Delete by key: GetItem, then the transaction")
	assert.Empty(t, guards())
	// A missing item: deleting it succeeds, in one request.
	r, w = e.requests(t, func() error { return e.db.Model(&uqUser{ID: "u9", Email: "x@example.com"}).Delete() })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Delete of a missing item")
}

func (u *uqUser) create(e *env) func() error { return func() error { return e.db.Model(u).Create() } }

// Values read through dynamorm (an entity) know their old values: a
// change or a delete is one request; an upsert of an entity without
// created_at is one transaction whether it creates or keeps the value.
func TestUniqueRequestsOfTrackedValues(t *testing.T) {
	e := uqEnv(t)
	guards := func() []string { return e.guardValues(t, "uqshop", "pk") }
	r, w := e.requests(t, func() error {
		return e.db.Model(&uqMember{Team: "t1", ID: "m1", Email: "ann@example.com"}).CreateOrUpdate()
	})
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "CreateOrUpdate creating an entity")
	r, w = e.requests(t, func() error {
		return e.db.Model(&uqMember{Team: "t1", ID: "m1", Email: "ann@example.com", Name: "Ann"}).CreateOrUpdate()
	})
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "CreateOrUpdate keeping the value")
	assert.Equal(t, []string{"UNIQUE#member#Email#ann@example.com"}, guards())

	var m uqMember
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m1"}).ConsistentRead().First(&m))
	m.Email = "bob@example.com"
	r, w = e.requests(t, func() error { return e.db.Model(&m).Update("Email") })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Update of a tracked value: the snapshot gives the old value")
	assert.Equal(t, []string{"UNIQUE#member#Email#bob@example.com"}, guards())

	// A stale snapshot: refused, then sent again on the stored value.
	var other uqMember
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m1"}).ConsistentRead().First(&other))
	m.Email = "carol@example.com"
	require.NoError(t, e.db.Model(&m).Update("Email"))
	other.Email = "dan@example.com"
	r, w = e.requests(t, func() error { return e.db.Model(&other).Update("Email") })
	assert.Equal(t, [2]int64{0, 2}, [2]int64{r, w}, "Update of a stale tracked value")
	assert.Equal(t, []string{"UNIQUE#member#Email#dan@example.com"}, guards(), "carol@ released, none orphaned")

	r, w = e.requests(t, func() error { return e.db.Model(&other).Delete() })
	assert.Equal(t, [2]int64{0, 1}, [2]int64{r, w}, "Delete of a tracked value")
	assert.Empty(t, guards())

	// Taken values are still violations, found in the one request.
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m2", Email: "eve@example.com"}).Create())
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m3", Email: "fay@example.com"}).Create())
	var fay uqMember
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m3"}).ConsistentRead().First(&fay))
	fay.Email = "EVE@example.com"
	before := e.count.writes.Load()
	require.ErrorIs(t, e.db.Model(&fay).Update("Email"), dynamorm.ErrUniqueViolation)
	assert.Equal(t, int64(1), e.count.writes.Load()-before)
}
