package difftest

import (
	"encoding/json"
	"strings"

	"github.com/dynamorm/dynamorm/tests/conformance"
)

// quirk is a known difference between DynamoDB Local and DynamoDB (which memdb
// follows): a step whose results match it is not a divergence.
type quirk struct {
	reason string
	match  func(step string, local, memdb conformance.Result) bool
	// endsCase: the backends now hold different items, so the rest of the
	// case is not compared.
	endsCase bool
}

// quirks lists DynamoDB Local's known differences, each with its reason.
var quirks = []quirk{
	{reason: "DynamoDB Local omits the attribute, types and index from an index key type mismatch; memdb words it as DynamoDB does",
		match: func(step string, local, memdb conformance.Result) bool {
			const m = "One or more parameter values were invalid: Type mismatch for Index Key"
			return errMessage(local) == m && strings.HasPrefix(errMessage(memdb), m+" ")
		}},
	{reason: "DynamoDB Local lets UpdateItem store an index key of the wrong type; DynamoDB (and memdb) reject it", endsCase: true,
		match: func(step string, local, memdb conformance.Result) bool {
			return (strings.HasPrefix(step, "UpdateItem ") || strings.HasPrefix(step, "TransactWriteItems ")) && local.Error == nil &&
				strings.Contains(canon(memdb.Error), "Type mismatch for Index Key")
		}},
	{reason: "DynamoDB Local names the wrong second path when update paths overlap (\"path one: [b], path two: [g1]\" for SET b, g1 DELETE b.x)", match: func(step string, local, memdb conformance.Result) bool {
		const prefix = "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
		l, m := errMessage(local), errMessage(memdb)
		return strings.HasPrefix(l, prefix) && strings.HasPrefix(m, prefix)
	}},
	{reason: "DynamoDB Local returns ConsumedCapacity unasked when DeleteItem finds no item", match: func(step string, local, memdb conformance.Result) bool {
		if !strings.HasPrefix(step, "DeleteItem ") || local.Error != nil || memdb.Error != nil {
			return false
		}
		l, _ := local.Output.(map[string]any)
		if _, ok := l["ConsumedCapacity"]; !ok {
			return false
		}
		trimmed := map[string]any{}
		for k, v := range l {
			if k != "ConsumedCapacity" {
				trimmed[k] = v
			}
		}
		return canon(trimmed) == canon(memdb.Output)
	}},
}

// allowed returns the quirk that explains a difference, or nil.
func allowed(step string, local, memdb conformance.Result) *quirk {
	for i := range quirks {
		if quirks[i].match(step, local, memdb) {
			return &quirks[i]
		}
	}
	return nil
}

func errMessage(r conformance.Result) string {
	m, _ := r.Error.(map[string]any)
	s, _ := m["message"].(string)
	return s
}

// canon is v as JSON with sorted keys.
func canon(v any) string {
	b, _ := json.Marshal(v)
	var x any
	json.Unmarshal(b, &x)
	b, _ = json.Marshal(x)
	return string(b)
}
