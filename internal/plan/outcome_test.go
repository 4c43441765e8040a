package plan

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestLeaves(t *testing.T) {
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	item := map[string]types.AttributeValue{"id": s("a"), "v": n("2")}
	put := &Write{Kind: WritePut, Item: item}
	if !put.Leaves(map[string]types.AttributeValue{"id": s("a"), "v": n("2")}) || put.Leaves(nil) ||
		put.Leaves(map[string]types.AttributeValue{"id": s("a"), "v": n("3")}) {
		t.Error("put: Leaves must hold for exactly its item")
	}
	del := &Write{Kind: WriteDelete}
	if !del.Leaves(nil) || del.Leaves(item) {
		t.Error("delete: Leaves must hold for no item only")
	}
	names := map[string]string{"#0": "id", "#1": "v", "#2": "note", "#3": "gone", "#4": "created"}
	values := map[string]types.AttributeValue{":0": n("1"), ":1": n("2"), ":2": s("x"), ":3": s("t")}
	up := &Write{Kind: WriteUpdate, Names: names, Values: values,
		Update: "SET #1 = :1, #2 = :2, #4 = if_not_exists(#4, :3) REMOVE #3"}
	stored := map[string]types.AttributeValue{"id": s("a"), "v": n("2"), "note": s("x"), "created": s("earlier")}
	if !up.Leaves(stored) {
		t.Error("update: the stored item holds what the update set")
	}
	stored["gone"] = s("still here")
	if up.Leaves(stored) {
		t.Error("update: a removed attribute is present")
	}
	delete(stored, "gone")
	stored["note"] = s("other")
	if up.Leaves(stored) || up.Leaves(nil) {
		t.Error("update: a set attribute differs, or the item is gone")
	}
	stored["note"] = s("x")
	for _, expr := range []string{"SET #1 = :1 ADD #2 :0", "SET #1 = #1 + :0", "SET #1 = list_append(#1, :0)", "SET #0.#1 = :1"} {
		if (&Write{Kind: WriteUpdate, Names: names, Values: values, Update: expr}).Leaves(stored) {
			t.Errorf("update %q: its effect cannot be told, so it never matches", expr)
		}
	}
	if !(&Write{Kind: WriteUpdate, Names: names, Values: values, Update: "REMOVE #3"}).Leaves(stored) {
		t.Error("a REMOVE-only update leaves the removed attribute absent")
	}
}
