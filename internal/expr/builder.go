// Package expr builds DynamoDB expressions: key conditions, filters,
// conditions, updates and projections. One Builder serves a whole request,
// so every expression of the request draws its placeholders from one
// allocator and they never collide. Names always go through #placeholders
// and values through :placeholders; nothing a caller passes is spliced into
// an expression.
package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// Builder allocates placeholders for one request.
type Builder struct {
	names  map[string]string // placeholder -> attribute name
	short  [4]string         // the first attribute names, in placeholder order
	attrs  []string          // the attribute names after short, in placeholder order
	byName map[string]string // attribute name -> placeholder, once there are many names
	values map[string]types.AttributeValue
}

// scanNames is how many names are looked up by scanning short and attrs; a
// request with more names indexes them in byName.
const scanNames = 16

// Name returns the placeholder of an attribute name, allocating it on first use.
func (b *Builder) Name(attr string) string {
	if ph, ok := b.placeholderOf(attr); ok {
		return ph
	}
	n := len(b.names)
	if b.names == nil {
		b.names = make(map[string]string, 4)
	}
	ph := placeholder(&namePlaceholders, "#n", n)
	b.names[ph] = attr
	if n < len(b.short) {
		b.short[n] = attr
	} else {
		b.attrs = append(b.attrs, attr)
	}
	switch {
	case b.byName != nil:
		b.byName[attr] = ph
	case n+1 > scanNames:
		b.byName = make(map[string]string, 2*(n+1))
		for ph, a := range b.names {
			b.byName[a] = ph
		}
	}
	return ph
}

// placeholderOf is the placeholder attr already has.
func (b *Builder) placeholderOf(attr string) (string, bool) {
	if b.byName != nil {
		ph, ok := b.byName[attr]
		return ph, ok
	}
	for i, a := range b.short[:min(len(b.names), len(b.short))] {
		if a == attr {
			return namePlaceholders[i], true
		}
	}
	for i, a := range b.attrs {
		if a == attr {
			return namePlaceholders[len(b.short)+i], true
		}
	}
	return "", false
}

// Path renders a document path: each element is an attribute name, or a
// list index written "[N]" that applies to the element before it.
func (b *Builder) Path(parts ...string) string {
	var s strings.Builder
	for i, p := range parts {
		if strings.HasPrefix(p, "[") {
			s.WriteString(p)
			continue
		}
		if i > 0 {
			s.WriteByte('.')
		}
		s.WriteString(b.Name(p))
	}
	return s.String()
}

// Value returns a new placeholder for av.
func (b *Builder) Value(av types.AttributeValue) string {
	if b.values == nil {
		b.values = make(map[string]types.AttributeValue, 4)
	}
	ph := placeholder(&valuePlaceholders, ":v", len(b.values))
	b.values[ph] = av
	return ph
}

// The first placeholders of each kind, made once so that the common request
// allocates no placeholder strings.
var namePlaceholders, valuePlaceholders = placeholders("#n"), placeholders(":v")

func placeholders(prefix string) (out [32]string) {
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func placeholder(made *[32]string, prefix string, i int) string {
	if i < len(made) {
		return made[i]
	}
	return prefix + strconv.Itoa(i)
}

// Names returns the ExpressionAttributeNames of the request, nil when empty.
func (b *Builder) Names() map[string]string {
	if len(b.names) == 0 {
		return nil
	}
	return b.names
}

// Values returns the ExpressionAttributeValues of the request, nil when empty.
func (b *Builder) Values() map[string]types.AttributeValue {
	if len(b.values) == 0 {
		return nil
	}
	return b.values
}

// Cond is one condition on an attribute path.
type Cond struct {
	Path   []string // attribute name, or a document path (see Builder.Path)
	Op     Op
	Values []types.AttributeValue
}

// Condition renders c. The number of values must fit the operator.
func (b *Builder) Condition(c Cond) (string, error) {
	if err := checkArity(c); err != nil {
		return "", err
	}
	path := b.Path(c.Path...)
	if cmp, ok := c.Op.comparator(); ok {
		if c.Op >= SizeEq {
			return "size(" + path + ") " + cmp + " " + b.Value(c.Values[0]), nil
		}
		return path + " " + cmp + " " + b.Value(c.Values[0]), nil
	}
	switch c.Op {
	case Between:
		return path + " BETWEEN " + b.Value(c.Values[0]) + " AND " + b.Value(c.Values[1]), nil
	case In:
		phs := make([]string, len(c.Values))
		for i, v := range c.Values {
			phs[i] = b.Value(v)
		}
		return path + " IN (" + strings.Join(phs, ", ") + ")", nil
	case BeginsWith:
		return "begins_with(" + path + ", " + b.Value(c.Values[0]) + ")", nil
	case Contains:
		return "contains(" + path + ", " + b.Value(c.Values[0]) + ")", nil
	case NotContains:
		return "NOT contains(" + path + ", " + b.Value(c.Values[0]) + ")", nil
	case Exists:
		return "attribute_exists(" + path + ")", nil
	case NotExists:
		return "attribute_not_exists(" + path + ")", nil
	case AttributeType:
		return "attribute_type(" + path + ", " + b.Value(c.Values[0]) + ")", nil
	}
	return "", fmt.Errorf("%w: operator %v is not supported here", errs.ErrValidation, c.Op)
}

func checkArity(c Cond) error {
	n := len(c.Values)
	switch want := c.Op.Arity(); {
	case want == -1 && n == 0:
		return fmt.Errorf("%w: %s on %s needs at least one value", errs.ErrValidation, c.Op, strings.Join(c.Path, "."))
	case want == -1 && n > 100:
		return fmt.Errorf("%w: %s on %s has %d values; DynamoDB allows at most 100", errs.ErrValidation, c.Op, strings.Join(c.Path, "."), n)
	case want >= 0 && n != want:
		return fmt.Errorf("%w: %s on %s takes %d value(s), got %d", errs.ErrValidation, c.Op, strings.Join(c.Path, "."), want, n)
	}
	return nil
}

// Node is a condition tree: a leaf condition, or a group of children. Each
// child after the first is joined to what precedes it by AND, or by OR when
// its Or flag is set; DynamoDB gives AND precedence over OR.
type Node struct {
	Or       bool
	Cond     *Cond
	Children []Node
}

// Render renders the tree; an empty group renders as "".
func (b *Builder) Render(n Node) (string, error) {
	if n.Cond != nil {
		return b.Condition(*n.Cond)
	}
	var s strings.Builder
	for _, child := range n.Children {
		part, err := b.Render(child)
		if err != nil {
			return "", err
		}
		if part == "" {
			continue
		}
		if s.Len() > 0 {
			if child.Or {
				s.WriteString(" OR ")
			} else {
				s.WriteString(" AND ")
			}
		}
		if child.Cond == nil && len(child.Children) > 1 {
			part = paren(part)
		}
		s.WriteString(part)
	}
	return s.String(), nil
}

// And joins non-empty expressions with AND, parenthesising each when there
// is more than one (an expression already in parentheses is not wrapped
// again: DynamoDB rejects redundant parentheses).
func And(parts ...string) string {
	count, size, last := 0, 0, ""
	for _, p := range parts {
		if p != "" {
			count, size, last = count+1, size+len(p), p
		}
	}
	if count <= 1 {
		return last
	}
	var s strings.Builder
	s.Grow(size + 2*count + len(" AND ")*(count-1))
	for _, p := range parts {
		if p == "" {
			continue
		}
		if s.Len() > 0 {
			s.WriteString(" AND ")
		}
		if enclosed(p) {
			s.WriteString(p)
			continue
		}
		s.WriteByte('(')
		s.WriteString(p)
		s.WriteByte(')')
	}
	return s.String()
}

// paren returns p in parentheses, unless one pair already encloses all of
// it: DynamoDB rejects "((a OR b))" as redundant parentheses.
func paren(p string) string {
	if enclosed(p) {
		return p
	}
	return "(" + p + ")"
}

// enclosed reports whether p's first character opens a parenthesis that
// its last character closes, as in "(a OR b)" but not "(a) OR (b)".
// Expressions hold no string literals (values are placeholders), so every
// parenthesis is structural.
func enclosed(p string) bool {
	if len(p) < 2 || p[0] != '(' || p[len(p)-1] != ')' {
		return false
	}
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(p)-1
			}
		}
	}
	return false
}

// Projection renders a ProjectionExpression of attribute paths (each an
// attribute name or a document path, see Path).
func (b *Builder) Projection(paths [][]string) string {
	phs := make([]string, len(paths))
	for i, p := range paths {
		phs[i] = b.Path(p...)
	}
	return strings.Join(phs, ", ")
}

// Rewrite renders a caller's raw expression: each #name token is replaced
// by the placeholder of resolve(name) (resolve maps field names to attribute
// names), and each :name token by a placeholder for values[name]. A :name
// without a value is an error; so is a value the expression never uses.
func (b *Builder) Rewrite(raw string, resolve func(string) string, values map[string]types.AttributeValue) (string, error) {
	var out strings.Builder
	used := make(map[string]bool, len(values))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '#' && c != ':' {
			out.WriteByte(c)
			i++
			continue
		}
		j := i + 1
		for j < len(raw) && isIdent(raw[j]) {
			j++
		}
		token := raw[i+1 : j]
		if token == "" {
			return "", fmt.Errorf("%w: expression %q: %c at offset %d is not followed by a name", errs.ErrValidation, raw, c, i)
		}
		if c == '#' {
			out.WriteString(b.Name(resolve(token)))
		} else {
			av, ok := values[token]
			if !ok {
				return "", fmt.Errorf("%w: expression %q uses :%s but no value was given for it", errs.ErrValidation, raw, token)
			}
			used[token] = true
			out.WriteString(b.Value(av))
		}
		i = j
	}
	for name := range values {
		if !used[name] {
			return "", fmt.Errorf("%w: expression %q does not use the value given as :%s", errs.ErrValidation, raw, name)
		}
	}
	return out.String(), nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
