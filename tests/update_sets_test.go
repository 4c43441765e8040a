package tests

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

type SetBag struct {
	ID      string              `dynamorm:"pk"`
	Codes   []int               `dynamorm:"set,omitempty"`
	Tags    []string            `dynamorm:"set,omitempty"`
	Flags   map[string]struct{} `dynamorm:"set,omitempty"`
	Counter int
	Notes   []string
	Box     *SetBox `dynamorm:"omitempty"`
}

type SetBox struct {
	Codes []int `dynamorm:"set,omitempty"`
	Label string
}

// A scalar added to or deleted from a `set` field is a one-element set of
// the field's type (Add("Codes", 5) used to store N:5 into the NS field,
// after which the item could not be decoded); a value of another type is
// refused before sending.
func TestUpdateBuilderSetOperandsFollowTheField(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &SetBag{})
	require.NoError(t, e.db.Model(&SetBag{ID: "b", Codes: []int{1}, Tags: []string{"a"}, Box: &SetBox{Codes: []int{1}}}).Create())
	upd := func() core.UpdateBuilder { return e.db.Model(&SetBag{ID: "b"}).UpdateBuilder() }
	key := map[string]types.AttributeValue{"ID": s("b")}

	require.NoError(t, upd().Add("Codes", 5).Add("Tags", "b").Add("Flags", "x").Add("Box.Codes", 9).Execute())
	raw := e.rawItem(t, "set_bags", key)
	require.IsType(t, &types.AttributeValueMemberNS{}, raw["Codes"])
	assert.ElementsMatch(t, []string{"1", "5"}, raw["Codes"].(*types.AttributeValueMemberNS).Value)
	assert.ElementsMatch(t, []string{"a", "b"}, raw["Tags"].(*types.AttributeValueMemberSS).Value)
	assert.Equal(t, []string{"x"}, raw["Flags"].(*types.AttributeValueMemberSS).Value)

	require.NoError(t, upd().Delete("Codes", 1).Delete("Tags", "a").Add("Counter", 2).Execute())
	var got SetBag
	require.NoError(t, e.db.Model(&SetBag{ID: "b"}).ConsistentRead().First(&got), "the item decodes")
	assert.Equal(t, []int{5}, got.Codes)
	assert.Equal(t, []string{"b"}, got.Tags)
	assert.Equal(t, map[string]struct{}{"x": {}}, got.Flags)
	assert.Equal(t, 2, got.Counter)
	assert.ElementsMatch(t, []int{1, 9}, got.Box.Codes, "a set field of a nested struct too")

	before := e.rawItem(t, "set_bags", key)
	sent := e.count.writes.Load()
	for name, u := range map[string]core.UpdateBuilder{
		"string into a number set":  upd().Add("Codes", "abc"),
		"number into a string set":  upd().Add("Tags", 5),
		"strings into a number set": upd().Delete("Codes", []string{"1"}),
		"string onto a number":      upd().Add("Counter", "x"),
		"delete from a number":      upd().Delete("Counter", 1),
		"add to a list":             upd().Add("Notes", []string{"n"}),
		"delete from a list":        upd().Delete("Notes", "n"),
		"string into a nested set":  upd().Add("Box.Codes", "x"),
		"add to a nested string":    upd().Add("Box.Label", 1),
	} {
		err := u.Execute()
		assert.ErrorIs(t, err, dynamorm.ErrValidation, name)
	}
	assert.Equal(t, sent, e.count.writes.Load(), "nothing was sent")
	assert.Equal(t, before, e.rawItem(t, "set_bags", key))
}
