package difftest

import (
	"encoding/json"
	"math/big"
	"regexp"
	"sort"
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

var (
	indexKeyMismatch = regexp.MustCompile(`Type mismatch for Index Key [^"]*"`)
	pathClash        = regexp.MustCompile(`^Invalid UpdateExpression: Two document paths (overlap|conflict) with each other`)
)

// quirks lists DynamoDB Local's known differences, each with its reason.
var quirks = []quirk{
	{reason: "when a request has paths into several key attributes, which one DynamoDB Local names follows its internal order, which memdb models only in part; both refuse the request with the same error",
		match: func(step string, local, memdb conformance.Result) bool {
			const m = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
			return strings.HasPrefix(errMessage(local), m) && strings.HasPrefix(errMessage(memdb), m)
		}},
	{reason: "DynamoDB Local tells TransactWriteItems keys apart by the text of their numbers (\"0\", \"-0\"); DynamoDB (and memdb) compare numbers, so they name one item", endsCase: true,
		match: func(step string, local, memdb conformance.Result) bool {
			return strings.HasPrefix(step, "TransactWriteItems ") &&
				errMessage(memdb) == "Transaction request cannot include multiple operations on one item" &&
				errMessage(local) != errMessage(memdb)
		}},
	{reason: "DynamoDB Local tells BatchGetItem keys apart by the text of their numbers (\"0\", \"-0\", \"0.000\"); DynamoDB (and memdb) compare numbers, so they are duplicates",
		match: func(step string, local, memdb conformance.Result) bool {
			return strings.HasPrefix(step, "BatchGetItem ") && local.Error == nil &&
				errMessage(memdb) == "Provided list of item keys contains duplicates"
		}},
	{reason: "DynamoDB Local returns non-key numbers as the request wrote them (\"00012\", \"0.000\", \"1E+2\"); DynamoDB (and memdb) return them in canonical form",
		match: func(step string, local, memdb conformance.Result) bool {
			return canon(canonNumbers(local)) == canon(canonNumbers(memdb))
		}},
	{reason: "DynamoDB Local words the 38-digit precision limit differently; memdb words it as DynamoDB does",
		match: func(step string, local, memdb conformance.Result) bool {
			return errMessage(local) == "DynamoDB only supports precision up to 38 digits" &&
				errMessage(memdb) == "Attempting to store more than 38 significant digits in a Number"
		}},
	{reason: "an update with several errors (a missing operand, an operand of the wrong type, an invalid path, a path into a key): " +
		"which one DynamoDB Local reports first follows its internal order of actions, which memdb does not model; both refuse the request",
		match: func(step string, local, memdb conformance.Result) bool {
			if !strings.HasPrefix(step, "UpdateItem ") && !strings.HasPrefix(step, "TransactWriteItems ") {
				return false
			}
			return updateError(errMessage(local)) && updateError(errMessage(memdb))
		}},
	{reason: "DynamoDB Local omits the attribute, types and index from an index key type mismatch; memdb words it as DynamoDB does",
		match: func(step string, local, memdb conformance.Result) bool {
			short := indexKeyMismatch.ReplaceAllString(canon(memdb), "Type mismatch for Index Key\"")
			return short != canon(memdb) && short == canon(local)
		}},
	{reason: "DynamoDB Local lets UpdateItem store an index key of the wrong type; DynamoDB (and memdb) reject it", endsCase: true,
		match: func(step string, local, memdb conformance.Result) bool {
			return (strings.HasPrefix(step, "UpdateItem ") || strings.HasPrefix(step, "TransactWriteItems ")) && local.Error == nil &&
				strings.Contains(canon(memdb.Error), "Type mismatch for Index Key")
		}},
	{reason: "DynamoDB Local lets a TransactWriteItems member store an index key of the wrong type (reason None) when another member cancels the " +
		"transaction; DynamoDB (and memdb) give that member a ValidationError reason. Nothing is written on either",
		match: func(step string, local, memdb conformance.Result) bool {
			return strings.HasPrefix(step, "TransactWriteItems ") && onlyIndexKeyReasonsDiffer(local, memdb)
		}},
	{reason: "DynamoDB Local names the wrong second path when update paths overlap (\"path one: [b], path two: [g1]\" for SET b, g1 DELETE b.x), " +
		"and checks clashing pairs (overlap or conflict) in its own order: both refuse the expression", match: func(step string, local, memdb conformance.Result) bool {
		l, m := errMessage(local), errMessage(memdb)
		return pathClash.MatchString(l) && pathClash.MatchString(m)
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

// updateError reports whether msg is one of the errors DynamoDB finds while
// applying an update expression to an item.
func updateError(msg string) bool {
	for _, m := range []string{"The provided expression refers to an attribute that does not exist in the item",
		"An operand in the update expression has an incorrect data type",
		"The document path provided in the update expression is invalid for update",
		// An arithmetic result over 38 digits, when the update also has an
		// invalid path: DynamoDB Local checks every path first.
		"Attempting to store more than 38 significant digits in a Number",
		"DynamoDB only supports precision up to 38 digits", // DynamoDB Local's words for it
		"Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "} {
		if strings.HasPrefix(msg, m) {
			return true
		}
	}
	return false
}

// onlyIndexKeyReasonsDiffer reports whether two cancelled transactions have
// the same reasons but where memdb refuses an index key of the wrong type
// (ValidationError) and DynamoDB Local accepts it (None).
func onlyIndexKeyReasonsDiffer(local, memdb conformance.Result) bool {
	lr, mr := cancellationReasons(local), cancellationReasons(memdb)
	if lr == nil || len(lr) != len(mr) {
		return false
	}
	differs := false
	for i := range lr {
		if canon(lr[i]) == canon(mr[i]) {
			continue
		}
		l, _ := lr[i].(map[string]any)
		m, _ := mr[i].(map[string]any)
		msg, _ := m["Message"].(string)
		if l["Code"] != "None" || m["Code"] != "ValidationError" || !strings.Contains(msg, "Type mismatch for Index Key") {
			return false
		}
		differs = true
	}
	return differs
}

// cancellationReasons are the reasons of a TransactionCanceledException, or nil.
func cancellationReasons(r conformance.Result) []any {
	m, _ := r.Error.(map[string]any)
	if m["type"] != "TransactionCanceledException" {
		return nil
	}
	reasons, _ := m["reasons"].([]any)
	return reasons
}

// canonNumbers returns r with every number in canonical decimal form.
func canonNumbers(r conformance.Result) any {
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				switch k {
				case "N":
					if s, ok := e.(string); ok {
						out[k] = canonNumber(s)
						continue
					}
				case "NS":
					if l, ok := e.([]string); ok {
						ns := make([]string, len(l))
						for i, s := range l {
							ns[i] = canonNumber(s)
						}
						sort.Strings(ns)
						out[k] = ns
						continue
					}
				}
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	return walk(map[string]any{"output": canonJSONValue(r.Output), "error": canonJSONValue(r.Error)})
}

// canonJSONValue turns v into plain JSON data (maps, lists, strings).
func canonJSONValue(v any) any {
	b, _ := json.Marshal(v)
	var x any
	json.Unmarshal(b, &x)
	if m, ok := x.(map[string]any); ok {
		fixSets(m)
	}
	return x
}

// fixSets turns NS lists (decoded as []any) into []string.
func fixSets(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if l, ok := e.([]any); ok && k == "NS" {
				ss := make([]string, len(l))
				for i, s := range l {
					ss[i], _ = s.(string)
				}
				x[k] = ss
				continue
			}
			fixSets(e)
		}
	case []any:
		for _, e := range x {
			fixSets(e)
		}
	}
}

func canonNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	return r.RatString()
}
