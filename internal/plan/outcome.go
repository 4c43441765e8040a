package plan

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
)

// Leaves reports whether stored — the item as DynamoDB holds it, nil when
// there is none — is in the state w leaves it: a put's exact item, no item
// after a delete, an update's set and removed attributes. The executor uses
// it when a retry's condition failed against what may be the write's own
// first attempt. An update whose effect cannot be told from its expression
// (ADD, DELETE, list appends, paths inside documents) never matches.
func (w *Write) Leaves(stored map[string]types.AttributeValue) bool {
	switch w.Kind {
	case WritePut:
		return stored != nil && attr.EqualItems(stored, w.Item)
	case WriteDelete:
		return stored == nil
	case WriteUpdate:
		return stored != nil && w.updateLeaves(stored)
	}
	return false
}

// updateLeaves reads w's update expression (as internal/expr renders it:
// "SET #a = :v, ... REMOVE #b, ...") and checks each attribute it sets to a
// value or removes. SET #a = if_not_exists(...) may leave either value and
// is not checked.
func (w *Write) updateLeaves(stored map[string]types.AttributeValue) bool {
	set, remove, ok := strings.Cut(w.Update, " REMOVE ")
	if !ok {
		set, remove = w.Update, ""
	}
	if strings.HasPrefix(set, "REMOVE ") {
		set, remove = "", strings.TrimPrefix(set, "REMOVE ")
	}
	if strings.Contains(w.Update, " ADD ") || strings.Contains(w.Update, " DELETE ") ||
		strings.HasPrefix(w.Update, "ADD ") || strings.HasPrefix(w.Update, "DELETE ") {
		return false
	}
	for _, a := range topLevel(strings.TrimPrefix(set, "SET ")) {
		path, value, _ := strings.Cut(a, " = ")
		name, plain := w.Names[path]
		switch {
		case strings.HasPrefix(value, "if_not_exists("+path+","):
		case !plain || !strings.HasPrefix(value, ":") || strings.ContainsAny(value, " ()"):
			return false
		case !attr.Equal(stored[name], w.Values[value]):
			return false
		}
	}
	for _, path := range topLevel(remove) {
		name, plain := w.Names[path]
		if !plain {
			return false
		}
		if _, ok := stored[name]; ok {
			return false
		}
	}
	return true
}

// topLevel splits a clause's actions at the commas outside parentheses.
func topLevel(clause string) []string {
	if clause == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(clause); i++ {
		switch clause[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(clause[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(clause[start:]))
}
