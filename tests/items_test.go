package tests

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/oklog/ulid/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// Account exercises every lifecycle field.
type Account struct {
	ID        string    `dynamorm:"pk" json:"id"`
	Owner     string    `json:"owner"`
	Balance   int64     `json:"balance"`
	Status    string    `json:"status"`
	Tags      []string  `dynamorm:"set,omitempty" json:"tags"`
	Note      string    `dynamorm:"omitempty" json:"note"`
	Version   int64     `dynamorm:"version" json:"version"`
	CreatedAt time.Time `dynamorm:"created_at" json:"created_at"`
	UpdatedAt time.Time `dynamorm:"updated_at" json:"updated_at"`
	ExpiresAt time.Time `dynamorm:"ttl,omitempty" json:"expires_at"`
}

// Order has a composite key and a ULID sort key.
type Order struct {
	CustomerID string `dynamorm:"pk"`
	OrderID    string `dynamorm:"sk,ulid"`
	Total      int64
	Created    int64 `dynamorm:"created_at"`
}

func TestCreateAndFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	// Another item first, so that a read which ignored the key would find it.
	require.NoError(t, e.db.Model(&Account{ID: "a0", Owner: "zed"}).Create())
	a := &Account{ID: "a1", Owner: "ann", Balance: 100, Status: "open", Tags: []string{"x", "y"}}
	require.NoError(t, e.db.Model(a).Create())
	ex, err := e.db.Model(&Account{ID: "a1"}).Explain()
	require.NoError(t, err)
	assert.Equal(t, "GetItem", ex.Operation, "the model's key must address the item")

	// Lifecycle fields were set in the Go value ...
	now := e.clock.Now()
	assert.Equal(t, int64(1), a.Version)
	assert.True(t, a.CreatedAt.Equal(now) && a.UpdatedAt.Equal(now), "timestamps %v %v", a.CreatedAt, a.UpdatedAt)

	// ... and in the database, in the documented wire forms.
	raw := e.rawItem(t, "accounts", map[string]types.AttributeValue{"id": s("a1")})
	assert.Equal(t, n("1"), raw["version"])
	assert.Equal(t, s("2024-03-01T12:00:00.000000000Z"), raw["created_at"])
	assert.ElementsMatch(t, []string{"x", "y"}, raw["tags"].(*types.AttributeValueMemberSS).Value)
	assert.NotContains(t, raw, "note", "omitempty field was stored")

	var got Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, a.Owner, got.Owner)
	assert.Equal(t, a.Balance, got.Balance)
	assert.True(t, got.CreatedAt.Equal(a.CreatedAt))
	assert.ElementsMatch(t, a.Tags, got.Tags)

	var viaWhere Account
	require.NoError(t, e.db.Model(&Account{}).Where("ID", "=", "a1").ConsistentRead().First(&viaWhere))
	assert.Equal(t, "ann", viaWhere.Owner)
}

func TestCreateDuplicateFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Owner: "first"}).Create())
	dup := &Account{ID: "a1", Owner: "second"}
	err := e.db.Model(dup).Create()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	var ccf *types.ConditionalCheckFailedException
	assert.True(t, errors.As(err, &ccf), "the SDK error stays wrapped: %v", err)
	assert.Contains(t, err.Error(), "Account")
	// The stored item is untouched and the Go value's lifecycle fields were undone.
	raw := e.rawItem(t, "accounts", map[string]types.AttributeValue{"id": s("a1")})
	assert.Equal(t, s("first"), raw["owner"])
	assert.Zero(t, dup.Version)
	assert.True(t, dup.CreatedAt.IsZero())
}

func TestCreateOrUpdateKeepsCreatedAt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	first := &Account{ID: "a1", Owner: "ann", Note: "hello"}
	require.NoError(t, e.db.Model(first).CreateOrUpdate())
	created := first.CreatedAt
	assert.Equal(t, int64(1), first.Version)

	e.clock.Advance(time.Hour)
	// A second upsert from a value that knows the version replaces the fields
	// but keeps the creation time, also in the Go value.
	second := &Account{ID: "a1", Owner: "bob", Version: 1}
	require.NoError(t, e.db.Model(second).CreateOrUpdate())
	assert.True(t, second.CreatedAt.Equal(created), "created_at %v, want %v", second.CreatedAt, created)
	assert.Equal(t, int64(2), second.Version)

	var got Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, "bob", got.Owner)
	assert.Empty(t, got.Note, "an omitted field must be removed by an upsert")
	assert.True(t, got.CreatedAt.Equal(created))
	assert.True(t, got.UpdatedAt.Equal(created.Add(time.Hour)))
	assert.Equal(t, int64(2), got.Version)

	// A stale upsert fails and changes nothing.
	stale := &Account{ID: "a1", Owner: "eve", Version: 1}
	require.ErrorIs(t, e.db.Model(stale).CreateOrUpdate(), dynamorm.ErrConditionFailed)
	assert.Equal(t, int64(1), stale.Version)
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, "bob", got.Owner)
}

func TestCreateOrUpdateWithoutCreatedAt(t *testing.T) {
	t.Parallel()
	type Setting struct {
		Key   string `dynamorm:"pk"`
		Value string
	}
	e := newEnv(t, &Setting{})
	require.NoError(t, e.db.Model(&Setting{Key: "k", Value: "1"}).CreateOrUpdate())
	require.NoError(t, e.db.Model(&Setting{Key: "k", Value: "2"}).CreateOrUpdate())
	var got Setting
	require.NoError(t, e.db.Model(&Setting{Key: "k"}).First(&got))
	assert.Equal(t, "2", got.Value)
	assert.Equal(t, 1, e.itemCount(t, "settings"))
}

func TestUpdateOnlyNamedFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	a := &Account{ID: "a1", Owner: "ann", Balance: 100, Status: "open"}
	require.NoError(t, e.db.Model(a).Create())
	created := a.CreatedAt

	e.clock.Advance(time.Minute)
	a.Balance = 50
	a.Owner = "changed-but-not-named"
	require.NoError(t, e.db.Model(a).Update("Balance"))
	assert.Equal(t, int64(2), a.Version)

	var got Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, int64(50), got.Balance)
	assert.Equal(t, "ann", got.Owner, "an unnamed field was written")
	assert.Equal(t, int64(2), got.Version)
	assert.True(t, got.CreatedAt.Equal(created), "created_at changed")
	assert.True(t, got.UpdatedAt.Equal(created.Add(time.Minute)), "updated_at not bumped")

	// By attribute name, too.
	a.Status = "closed"
	require.NoError(t, e.db.Model(a).Update("status"))
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, "closed", got.Status)
	assert.Equal(t, int64(3), got.Version)
}

func TestUpdateAllFieldsAndRemovals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	a := &Account{ID: "a1", Owner: "ann", Note: "n", Tags: []string{"t"}}
	require.NoError(t, e.db.Model(a).Create())
	a.Owner, a.Note, a.Tags = "bob", "", nil
	require.NoError(t, e.db.Model(a).Update())
	raw := e.rawItem(t, "accounts", map[string]types.AttributeValue{"id": s("a1")})
	assert.Equal(t, s("bob"), raw["owner"])
	assert.NotContains(t, raw, "note", "emptied omitempty field should be removed")
	assert.NotContains(t, raw, "tags", "emptied set should be removed")
	assert.Equal(t, s("2024-03-01T12:00:00.000000000Z"), raw["created_at"])
}

func TestUpdateMissingItemIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	ghost := &Account{ID: "ghost", Owner: "x"}
	err := e.db.Model(ghost).Update("Owner")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.NotErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.Zero(t, ghost.Version, "Go value must be unchanged")
	assert.Equal(t, 0, e.itemCount(t, "accounts"), "Update must never create")
}

func TestOptimisticLocking(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Balance: 10}).Create())
	var copy1, copy2 Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&copy1))
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&copy2))

	copy1.Balance = 20
	require.NoError(t, e.db.Model(&copy1).Update("Balance"))
	copy2.Balance = 30
	err := e.db.Model(&copy2).Update("Balance")
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	assert.NotErrorIs(t, err, dynamorm.ErrItemNotFound)
	assert.Equal(t, int64(1), copy2.Version, "the stale copy's version must not move")

	require.ErrorIs(t, e.db.Model(&copy2).Delete(), dynamorm.ErrConditionFailed)
	var got Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, int64(20), got.Balance)
	assert.Equal(t, int64(2), got.Version)

	require.NoError(t, e.db.Model(&got).Delete())
	require.ErrorIs(t, e.db.Model(&Account{ID: "a1"}).First(&got), dynamorm.ErrItemNotFound)
}

func TestULIDAndTTL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Order{}, &Account{})
	o := &Order{CustomerID: "c1", Total: 5}
	require.NoError(t, e.db.Model(o).Create())
	_, err := ulid.ParseStrict(o.OrderID)
	require.NoError(t, err, "OrderID %q is not a ULID", o.OrderID)
	assert.Equal(t, e.clock.Now().Unix(), o.Created)
	var got Order
	require.NoError(t, e.db.Model(&Order{CustomerID: "c1", OrderID: o.OrderID}).First(&got))
	assert.Equal(t, *o, got)

	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, e.db.Model(&Account{ID: "t1", ExpiresAt: exp}).Create())
	raw := e.rawItem(t, "accounts", map[string]types.AttributeValue{"id": s("t1")})
	assert.Equal(t, n("1893553445"), raw["expires_at"], "ttl must be stored as Unix seconds")
	var acc Account
	require.NoError(t, e.db.Model(&Account{ID: "t1"}).First(&acc))
	assert.True(t, acc.ExpiresAt.Equal(exp))
}

func TestWriteConditions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Balance: 100, Status: "open"}).Create())

	a := &Account{ID: "a1", Balance: 0, Version: 1}
	err := e.db.Model(a).WithCondition("Balance", ">=", 500).Update("Balance")
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	a.Version = 1
	require.NoError(t, e.db.Model(a).WithCondition("Status", "=", "open").Update("Balance"))

	b := &Account{ID: "a1", Status: "frozen", Version: 2}
	err = e.db.Model(b).WithConditionExpression("#Balance > :min", map[string]any{":min": 10}).Update("Status")
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	b.Version = 2
	require.NoError(t, e.db.Model(b).WithConditionExpression("#Balance < :max", map[string]any{"max": 10}).Update("Status"))

	var got Account
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).First(&got))
	assert.Equal(t, int64(0), got.Balance)
	assert.Equal(t, "frozen", got.Status)

	require.ErrorIs(t, e.db.Model(&Account{ID: "nope"}).IfExists().Delete(), dynamorm.ErrConditionFailed)
	require.NoError(t, e.db.Model(&Account{ID: "new"}).IfNotExists().CreateOrUpdate())
	require.ErrorIs(t, e.db.Model(&Account{ID: "new"}).IfNotExists().CreateOrUpdate(), dynamorm.ErrConditionFailed)
}

func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{}, &Order{})
	big := strings.Repeat("x", dynamorm.MaxItemSize)
	cases := []struct {
		name string
		run  func() error
		want []string
		is   error
	}{
		{"nil model", func() error { return e.db.Model(nil).Create() }, []string{"nil"}, dynamorm.ErrInvalidModel},
		{"non-pointer model", func() error { return e.db.Model(Account{ID: "x"}).Create() }, []string{"pointer"}, dynamorm.ErrInvalidModel},
		{"invalid model", func() error { return e.db.Model(&struct{ A int }{}).Create() }, []string{"partition key"}, dynamorm.ErrInvalidModel},
		{"missing partition key", func() error { return e.db.Model(&Account{Owner: "x"}).Create() }, []string{"partition key ID is empty"}, dynamorm.ErrValidation},
		{"missing sort key on delete", func() error { return e.db.Model(&Order{CustomerID: "c"}).Delete() }, []string{"sort key OrderID"}, dynamorm.ErrValidation},
		{"oversize item", func() error { return e.db.Model(&Account{ID: "big", Note: big}).Create() }, []string{"bytes", "400 KB"}, dynamorm.ErrValidation},
		{"unknown field in Update", func() error { return e.db.Model(&Account{ID: "a"}).Update("Nope") }, []string{"Nope", "Account"}, dynamorm.ErrValidation},
		{"key field in Update", func() error { return e.db.Model(&Account{ID: "a"}).Update("ID") }, []string{"primary key"}, dynamorm.ErrValidation},
		{"unknown field in WithCondition", func() error {
			return e.db.Model(&Account{ID: "a"}).WithCondition("Nope", "=", 1).Create()
		}, []string{"Nope"}, dynamorm.ErrValidation},
		{"unknown operator", func() error {
			return e.db.Model(&Account{ID: "a"}).WithCondition("Balance", "LIKE", 1).Create()
		}, []string{"LIKE"}, dynamorm.ErrValidation},
		{"unknown expression value", func() error {
			return e.db.Model(&Account{ID: "a"}).WithConditionExpression("#Balance > :x", nil).Create()
		}, []string{":x"}, dynamorm.ErrValidation},
	}
	for _, c := range cases {
		err := c.run()
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, c.is, c.name)
		for _, w := range c.want {
			assert.Contains(t, err.Error(), w, c.name)
		}
	}
	assert.Zero(t, e.count.writes.Load(), "a write request was sent for bad input")
	assert.Zero(t, e.itemCount(t, "accounts"))
}
