package expr

import "strings"

// Update collects the actions of an update expression. Actions render in a
// fixed clause order (SET, REMOVE, ADD, DELETE), each clause in the order its
// actions were added, so equal builders give equal expressions.
type Update struct {
	set, remove, add, del []string
}

// Set adds "path = value" where both are already rendered (value may be a
// placeholder or a function such as if_not_exists(path, :v0)).
func (u *Update) Set(path, value string) { u.set = append(u.set, path+" = "+value) }

// Remove adds "REMOVE path".
func (u *Update) Remove(path string) { u.remove = append(u.remove, path) }

// Add adds "ADD path value".
func (u *Update) Add(path, value string) { u.add = append(u.add, path+" "+value) }

// Delete adds "DELETE path value" (remove elements from a set).
func (u *Update) Delete(path, value string) { u.del = append(u.del, path+" "+value) }

// Empty reports whether no action was added.
func (u *Update) Empty() bool {
	return len(u.set)+len(u.remove)+len(u.add)+len(u.del) == 0
}

// String renders the update expression.
func (u *Update) String() string {
	var b strings.Builder
	clause := func(name string, actions []string) {
		if len(actions) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte(' ')
		b.WriteString(strings.Join(actions, ", "))
	}
	clause("SET", u.set)
	clause("REMOVE", u.remove)
	clause("ADD", u.add)
	clause("DELETE", u.del)
	return b.String()
}
