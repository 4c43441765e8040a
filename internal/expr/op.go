package expr

import (
	"fmt"
	"strings"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// Op is a comparison or function operator.
type Op int

// The operators. SizeEq..SizeGe compare size(attribute) with a number.
const (
	Eq Op = iota + 1
	Ne
	Lt
	Le
	Gt
	Ge
	Between
	In
	BeginsWith
	Contains
	NotContains
	Exists
	NotExists
	AttributeType
	SizeEq
	SizeNe
	SizeLt
	SizeLe
	SizeGt
	SizeGe
)

var opNames = map[string]Op{
	"=": Eq, "==": Eq, "EQ": Eq,
	"!=": Ne, "<>": Ne, "NE": Ne,
	"<": Lt, "LT": Lt,
	"<=": Le, "LE": Le,
	">": Gt, "GT": Gt,
	">=": Ge, "GE": Ge,
	"BETWEEN":     Between,
	"IN":          In,
	"BEGINS_WITH": BeginsWith, "BEGINSWITH": BeginsWith,
	"CONTAINS":     Contains,
	"NOT_CONTAINS": NotContains, "NOTCONTAINS": NotContains,
	"EXISTS": Exists, "ATTRIBUTE_EXISTS": Exists,
	"NOT_EXISTS": NotExists, "NOTEXISTS": NotExists, "ATTRIBUTE_NOT_EXISTS": NotExists,
	"ATTRIBUTE_TYPE": AttributeType,
	"SIZE=":          SizeEq, "SIZE ==": SizeEq, "SIZE =": SizeEq, "SIZE_EQ": SizeEq, "SIZE": SizeEq,
	"SIZE!=": SizeNe, "SIZE <>": SizeNe, "SIZE<>": SizeNe, "SIZE !=": SizeNe, "SIZE_NE": SizeNe,
	"SIZE<": SizeLt, "SIZE <": SizeLt, "SIZE_LT": SizeLt,
	"SIZE<=": SizeLe, "SIZE <=": SizeLe, "SIZE_LE": SizeLe,
	"SIZE>": SizeGt, "SIZE >": SizeGt, "SIZE_GT": SizeGt,
	"SIZE>=": SizeGe, "SIZE >=": SizeGe, "SIZE_GE": SizeGe,
}

// ParseOp parses an operator, case-insensitively. Unknown operators are an
// error wrapping errs.ErrValidation that lists the known ones.
func ParseOp(s string) (Op, error) {
	if op, ok := opNames[strings.ToUpper(strings.TrimSpace(s))]; ok {
		return op, nil
	}
	return 0, fmt.Errorf("%w: unknown operator %q (use =, !=, <, <=, >, >=, BETWEEN, IN, BEGINS_WITH, CONTAINS, NOT_CONTAINS, EXISTS, NOT_EXISTS, ATTRIBUTE_TYPE, SIZE=, SIZE<, ...)", errs.ErrValidation, s)
}

// Arity is the number of values the operator takes: 0, 1, 2 (BETWEEN) or
// -1 for one or more (IN).
func (op Op) Arity() int {
	switch op {
	case Exists, NotExists:
		return 0
	case Between:
		return 2
	case In:
		return -1
	}
	return 1
}

// KeyCondition reports whether op can appear in a key condition on a sort
// key (the partition key only takes Eq).
func (op Op) KeyCondition() bool {
	switch op {
	case Eq, Lt, Le, Gt, Ge, Between, BeginsWith:
		return true
	}
	return false
}

// String returns the operator's canonical spelling.
func (op Op) String() string {
	switch op {
	case Eq:
		return "="
	case Ne:
		return "<>"
	case Lt:
		return "<"
	case Le:
		return "<="
	case Gt:
		return ">"
	case Ge:
		return ">="
	case Between:
		return "BETWEEN"
	case In:
		return "IN"
	case BeginsWith:
		return "BEGINS_WITH"
	case Contains:
		return "CONTAINS"
	case NotContains:
		return "NOT_CONTAINS"
	case Exists:
		return "EXISTS"
	case NotExists:
		return "NOT_EXISTS"
	case AttributeType:
		return "ATTRIBUTE_TYPE"
	case SizeEq, SizeNe, SizeLt, SizeLe, SizeGt, SizeGe:
		return "SIZE" + (op - SizeEq + Eq).String()
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// comparator returns the comparison symbol of a plain or SIZE comparison.
func (op Op) comparator() (string, bool) {
	switch op {
	case Eq, Ne, Lt, Le, Gt, Ge:
		return op.String(), true
	case SizeEq, SizeNe, SizeLt, SizeLe, SizeGt, SizeGe:
		return (op - SizeEq + Eq).String(), true
	}
	return "", false
}
