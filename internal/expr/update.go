package expr

import "strings"

// Update collects the actions of an update expression. Actions render in a
// fixed clause order (SET, REMOVE, ADD, DELETE), each clause in the order its
// actions were added, so equal builders give equal expressions.
type Update struct {
	set, remove, add, del []action
}

// action is "path = value" (SET), "path value" (ADD, DELETE) or "path"
// (REMOVE); the parts are joined only when the expression is rendered.
type action struct{ path, value string }

func (u *Update) push(list *[]action, path, value string) {
	if *list == nil {
		*list = make([]action, 0, 4)
	}
	*list = append(*list, action{path, value})
}

// Set adds "path = value" where both are already rendered (value may be a
// placeholder or a function such as if_not_exists(path, :v0)).
func (u *Update) Set(path, value string) { u.push(&u.set, path, value) }

// Remove adds "REMOVE path".
func (u *Update) Remove(path string) { u.push(&u.remove, path, "") }

// Add adds "ADD path value".
func (u *Update) Add(path, value string) { u.push(&u.add, path, value) }

// Delete adds "DELETE path value" (remove elements from a set).
func (u *Update) Delete(path, value string) { u.push(&u.del, path, value) }

// Empty reports whether no action was added.
func (u *Update) Empty() bool {
	return len(u.set)+len(u.remove)+len(u.add)+len(u.del) == 0
}

var clauses = [...]struct{ name, sep string }{{"SET", " = "}, {"REMOVE", ""}, {"ADD", " "}, {"DELETE", " "}}

// String renders the update expression.
func (u *Update) String() string {
	lists := [...][]action{u.set, u.remove, u.add, u.del}
	size := 0
	for i, actions := range lists {
		if len(actions) > 0 {
			size += len(clauses[i].name) + 2
		}
		for _, a := range actions {
			size += len(a.path) + len(clauses[i].sep) + len(a.value) + 2
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i, actions := range lists {
		if len(actions) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(clauses[i].name)
		b.WriteByte(' ')
		for j, a := range actions {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.path)
			if a.value != "" {
				b.WriteString(clauses[i].sep)
				b.WriteString(a.value)
			}
		}
	}
	return b.String()
}
