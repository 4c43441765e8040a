package tests

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

func TestUniqueTransactionWhoseThirdOperationViolatesWritesNothing(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqUser{ID: "u0", Email: "taken@example.com"}).Create())
	before := e.count.writes.Load()
	a := &uqUser{ID: "u1", Email: "a@example.com"}
	b := &uqUser{ID: "u2", Email: "b@example.com"}
	c := &uqUser{ID: "u3", Email: "Taken@example.com"}
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		for _, u := range []*uqUser{a, b, c} {
			if err := tx.Create(u); err != nil {
				return err
			}
		}
		return nil
	})
	require.Error(t, err)
	assert.Equal(t, int64(1), e.count.writes.Load()-before, "one TransactWriteItems")
	assert.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	assert.ErrorIs(t, err, dynamorm.ErrTransactionFailed)
	var uv *dynamorm.UniqueViolationError
	require.True(t, errors.As(err, &uv))
	assert.Equal(t, `"Taken@example.com"`, uv.Value)
	var te *dynamorm.TransactionError
	require.True(t, errors.As(err, &te))
	require.Len(t, te.Failures, 1)
	// Items and guards alternate: a, its guard, b, its guard, c, its guard.
	assert.Equal(t, 5, te.Failures[0].Index)
	assert.Equal(t, "ReserveUnique", te.Failures[0].Op)
	assert.Equal(t, 2, e.itemCount(t, "uq_users"), "only u0 and its guard")
	var ce *dynamorm.ConflictError
	assert.False(t, errors.As(err, &ce), "a violation is no conflict: retrying cannot help")
	for _, u := range []*uqUser{a, b, c} {
		assert.Equal(t, 0, u.Version, "Go values restored")
	}

	// Without the violation the same transaction writes all three and their guards.
	c.Email = "c@example.com"
	require.NoError(t, e.db.Transaction(func(tx *dynamorm.Tx) error {
		for _, u := range []*uqUser{a, b, c} {
			if err := tx.Create(u); err != nil {
				return err
			}
		}
		return nil
	}))
	assert.Equal(t, 8, e.itemCount(t, "uq_users"))

	// The fluent builder: an update changing a value and a delete, atomically.
	a.Email = "b@example.com"
	err = e.db.Transact().Update(a, []string{"Email"}).Delete(&uqUser{ID: "u3"}).Execute()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	assert.Len(t, e.guards(t, "uq_users"), 4, "nothing released")
	a.Email = "c@example.com"
	require.NoError(t, e.db.Transact().Delete(&uqUser{ID: "u3"}).Update(a, []string{"Email"}).Execute(),
		"u3 releases c@ and u1 takes it in one transaction")
	got := e.guardValues(t, "uq_users", "ID")
	assert.Equal(t, []string{"UNIQUE#uqUser#Email#b@example.com", "UNIQUE#uqUser#Email#c@example.com", "UNIQUE#uqUser#Email#taken@example.com"}, got)
}

// Two items given one value in one transaction: refused before sending,
// as a unique violation (the transaction could never succeed).
func TestUniqueTransactionGivingOneValueTwice(t *testing.T) {
	e := uqEnv(t)
	before := e.count.writes.Load()
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(&uqUser{ID: "u1", Email: "twice@example.com"}); err != nil {
			return err
		}
		return tx.Create(&uqUser{ID: "u2", Email: "Twice@example.com"})
	})
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), `operations 1 and 3 both give uqUser Email (Email) the value "Twice@example.com"`)
	assert.Equal(t, before, e.count.writes.Load(), "nothing sent")
	assert.Equal(t, 0, e.itemCount(t, "uq_users"))
}

func TestUniqueTransactionLimitsCountGuards(t *testing.T) {
	e := uqEnv(t)
	before := e.count.writes.Load()
	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		for i := 0; i < 51; i++ {
			if err := tx.Create(&uqUser{ID: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("%d@example.com", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "102 operations")
	assert.Equal(t, before, e.count.writes.Load(), "refused before sending")
}

func TestUniqueCompositeConstraint(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqUser{ID: "u1", Email: "a@x", Org: "acme", Code: "7"}).Create())
	// The same code in another org, and another code in the same org: fine.
	require.NoError(t, e.db.Model(&uqUser{ID: "u2", Email: "b@x", Org: "umbrella", Code: "7"}).Create())
	require.NoError(t, e.db.Model(&uqUser{ID: "u3", Email: "c@x", Org: "acme", Code: "8"}).Create())
	// One field without a value: the constraint reserves nothing.
	require.NoError(t, e.db.Model(&uqUser{ID: "u4", Email: "d@x", Org: "acme"}).Create())
	require.NoError(t, e.db.Model(&uqUser{ID: "u5", Email: "e@x", Org: "acme"}).Create())
	err := e.db.Model(&uqUser{ID: "u6", Email: "f@x", Org: "acme", Code: "7"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	var uv *dynamorm.UniqueViolationError
	require.True(t, errors.As(err, &uv))
	assert.Equal(t, "org_code", uv.Constraint)
	assert.Equal(t, []string{"Org", "Code"}, uv.Fields)
	assert.Equal(t, `"acme", "7"`, uv.Value)
	// Changing one field of the pair moves the guard; the other comes from the item.
	u4 := &uqUser{ID: "u4", Version: 1, Code: "7"}
	err = e.db.Model(u4).Update("Code")
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation, "acme/7 is u1's")
	u4.Code = "9"
	require.NoError(t, e.db.Model(u4).Update("Code"))
	assert.Contains(t, e.guardValues(t, "uq_users", "ID"), "UNIQUE#uqUser#org_code#acme#9")
	// Lookup by the whole constraint.
	var got uqUser
	require.NoError(t, e.db.Model(&uqUser{}).Where("Org", "=", "acme").Where("Code", "=", "9").First(&got))
	assert.Equal(t, "u4", got.ID)
}

func TestUniqueEntity(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqTeam{ID: "t1", Name: "Red"}).Create())
	m1 := &uqMember{Team: "t1", ID: "m1", Email: "Ann@Example.com"}
	require.NoError(t, e.db.Model(m1).Create())
	g := e.rawItem(t, "uqshop", map[string]types.AttributeValue{"pk": s("UNIQUE#member#Email#ann@example.com"), "sk": s("UNIQUE")})
	require.NotNil(t, g, "the guard has the entity's derived key form")
	assert.Equal(t, s("_unique"), g["_type"])
	assert.Equal(t, map[string]types.AttributeValue{"pk": s("TEAM#t1"), "sk": s("MEMBER#m1")}, g["_owner_key"].(*types.AttributeValueMemberM).Value)
	err := e.db.Model(&uqMember{Team: "t2", ID: "m2", Email: "ann@example.com"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	assert.Contains(t, err.Error(), `uqMember{pk="TEAM#t1", sk="MEMBER#m1"}`)

	// Reads of either entity, and the team's collection, never see guards.
	var members []uqMember
	require.NoError(t, e.db.Model(&uqMember{}).Scan(&members))
	assert.Len(t, members, 1)
	var teams []uqTeam
	require.NoError(t, e.db.Model(&uqTeam{}).Scan(&teams))
	assert.Len(t, teams, 1)
	var coll struct {
		Team    uqTeam
		Members []uqMember
	}
	require.NoError(t, e.db.Model(&uqTeam{ID: "t1"}).Collection(&coll))
	assert.Len(t, coll.Members, 1)

	// Lookup, change and delete.
	got, err := dynamorm.FindByConsistent[uqMember](e.db, "Email", "ANN@example.com")
	require.NoError(t, err)
	assert.Equal(t, "m1", got.ID)
	m1.Email = "bob@example.com"
	require.NoError(t, e.db.Model(m1).Update("Email"))
	_, err = dynamorm.FindByConsistent[uqMember](e.db, "Email", "ann@example.com")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	// MoveItem (a delete and a create in one transaction) hands the value
	// over from the old key to the new one.
	moved := &uqMember{Team: "t2", ID: "m1", Email: "bob@example.com"}
	require.NoError(t, e.db.MoveItem(&uqMember{Team: "t1", ID: "m1"}, moved))
	got, err = dynamorm.FindByConsistent[uqMember](e.db, "Email", "bob@example.com")
	require.NoError(t, err)
	assert.Equal(t, "t2", got.Team)
	assert.Equal(t, 3, e.itemCount(t, "uqshop"), "the team, the moved member, its guard")
	require.NoError(t, e.db.Model(&uqMember{Team: "t2", ID: "m1"}).Delete())
	assert.Equal(t, 1, e.itemCount(t, "uqshop"), "the team alone")
}

func TestUniqueLookups(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqUser{ID: "u1", Email: "Ann@example.com", Name: "Ann"}).Create())

	q := e.db.Model(&uqUser{}).Where("Email", "=", "ann@EXAMPLE.com")
	plan, err := q.Explain()
	require.NoError(t, err)
	assert.Equal(t, "GetItem", plan.Operation)
	assert.Equal(t, map[string]types.AttributeValue{"ID": s(annGuard)}, plan.Key)
	assert.Contains(t, plan.String(), "then: GetItem of the item the guard of unique Email names")

	reads := e.count.reads.Load()
	var u uqUser
	require.NoError(t, q.ConsistentRead().First(&u))
	assert.Equal(t, "u1", u.ID)
	assert.Equal(t, "Ann@example.com", u.Email, "the item keeps its own spelling")
	assert.Equal(t, int64(2), e.count.reads.Load()-reads, "the guard, then its owner")

	got, err := dynamorm.FindByConsistent[uqUser](e.db, "Email", "ANN@example.com")
	require.NoError(t, err)
	assert.Equal(t, "Ann", got.Name)
	p, err := dynamorm.FindByConsistent[*uqUser](e.db, "Email", "ann@example.com")
	require.NoError(t, err, "a pointer type")
	assert.Equal(t, "u1", p.ID)
	_, err = dynamorm.FindByConsistent[uqUser](e.db, "Email", "nobody@example.com")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
	var all []uqUser
	require.NoError(t, e.db.Model(&uqUser{}).Where("Email", "=", "ann@example.com").ConsistentRead().All(&all))
	assert.Len(t, all, 1)

	// Not unique on its own, or not unique: refused before sending.
	reads = e.count.reads.Load()
	_, err = dynamorm.FindBy[uqUser](e.db, "Name", "Ann")
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	_, err = dynamorm.FindBy[uqUser](e.db, "Org", "acme")
	require.ErrorIs(t, err, dynamorm.ErrValidation)
	assert.Contains(t, err.Error(), "org_code (Org, Code)")
	assert.Equal(t, reads, e.count.reads.Load())

	// A guard whose owner no longer holds the value (written by another
	// writer) finds nothing: the owner is checked.
	_, err = e.raw.UpdateItem(t.Context(), updateEmailRaw(e.prefix+"uq_users", "u1", "zed@example.com"))
	require.NoError(t, err)
	_, err = dynamorm.FindByConsistent[uqUser](e.db, "Email", "ann@example.com")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound)
}

// Save (change tracking) keeps guards too: the value read says which
// guard to release, so a change of the address is one transaction and no
// read; a Save that does not change it writes no guard.
func TestUniqueSave(t *testing.T) {
	e := uqEnv(t)
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m1", Email: "ann@example.com"}).Create())
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m2", Email: "bob@example.com"}).Create())
	var m uqMember
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m1"}).ConsistentRead().First(&m))

	reads, writes := e.count.reads.Load(), e.count.writes.Load()
	m.Email = "carol@example.com"
	require.NoError(t, e.db.Model(&m).Save())
	assert.Equal(t, reads, e.count.reads.Load(), "no read: the tracked value knows the old address")
	assert.Equal(t, writes+1, e.count.writes.Load(), "one transaction")
	assert.Equal(t, []string{"UNIQUE#member#Email#bob@example.com", "UNIQUE#member#Email#carol@example.com"}, e.guardValues(t, "uqshop", "pk"))

	m.Name = "Carol"
	writes = e.count.writes.Load()
	require.NoError(t, e.db.Model(&m).Save(), "a change of another field")
	assert.Equal(t, writes+1, e.count.writes.Load())
	assert.Len(t, e.guards(t, "uqshop"), 2)

	m.Email = "BOB@example.com"
	err := e.db.Model(&m).Save()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation)
	var stored uqMember
	require.NoError(t, e.db.Model(&uqMember{Team: "t1", ID: "m1"}).ConsistentRead().First(&stored))
	assert.Equal(t, "carol@example.com", stored.Email)
	assert.Equal(t, "Carol", stored.Name)

	// A Save of a value never read creates it, with its guard.
	require.NoError(t, e.db.Model(&uqMember{Team: "t2", ID: "m3", Email: "dan@example.com"}).Save())
	got, err := dynamorm.FindByConsistent[uqMember](e.db, "Email", "dan@example.com")
	require.NoError(t, err)
	assert.Equal(t, "m3", got.ID)
}
