package marshal

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// What DynamoDB refuses, refused before sending. Every refusal here wraps
// core.ErrValidation and is located like any codec error
// ("dynamorm: encode Order.Lines[2].Name: ...").

// MaxNesting is DynamoDB's limit on nesting, counting the item as level 1:
// a top-level attribute may hold maps and lists 31 deep. An item that
// nests deeper is refused before it is sent, and a Go value that contains
// itself (a cyclic pointer, a map or slice inside an `any` that holds the
// map or slice) is refused as a cycle instead of recursing forever.
const MaxNesting = 32

// Key size limits: DynamoDB refuses partition key values over 2048 bytes
// and sort key values over 1024 bytes (UTF-8 for strings), for the table's
// keys and for the keys of its secondary indexes alike.
const (
	MaxPartitionKeyBytes = 2048
	MaxSortKeyBytes      = 1024
)

const (
	// maxContainers is how many maps and lists may enclose a value: the
	// item is level 1, so a container entered with maxContainers around it
	// would be level MaxNesting+1.
	maxContainers = MaxNesting - 1
	// maxHops bounds pointer and interface dereferences on one path. Real
	// values come nowhere near it; a chain of pointers with no map or list
	// between them that is this long can only be a cycle.
	maxHops = 256
)

// nestingError is the cause of a refusal for nesting: too deep, or cyclic.
// On its way up from where the limit was hit, the pointer, map and slice
// levels note their address (seen), so that the entry point can tell a
// cycle from a value that is merely deep, and name where it closes.
type nestingError struct {
	hops bool // the pointer hop limit was hit, not the container limit
	seen []seenAt
	msg  string // set by finish
}

// seenAt is an address met on the failing path and the length of the path
// below it when it was noted, which locates it in the final path.
type seenAt struct {
	addr  uintptr
	typ   reflect.Type
	below int
}

func (e *nestingError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	if e.hops {
		return fmt.Sprintf("more than %d pointers in a row: the value refers to itself", maxHops)
	}
	return fmt.Sprintf("nested deeper than DynamoDB's %d levels (the item is level 1)", MaxNesting)
}

func (e *nestingError) Unwrap() error { return core.ErrValidation }

// noteAddr records, on a nesting error coming up through a pointer, map or
// slice whose data is at addr, that address. Other errors pass unchanged;
// successful calls never get here.
func noteAddr(err error, v reflect.Value) error {
	pe, ok := err.(*pathError)
	var ne *nestingError
	below := 0
	if ok {
		ne, _ = pe.err.(*nestingError)
		below = len(pe.path)
	} else {
		ne, _ = err.(*nestingError)
	}
	if ne != nil && v.Pointer() != 0 {
		ne.seen = append(ne.seen, seenAt{addr: v.Pointer(), typ: v.Type(), below: below})
	}
	return err
}

// finish names the cycle, when the addresses noted show one, in the
// error's message and cuts the path at the place where it closes. full is
// the root and path of the error.
func (e *nestingError) finish(root, path string) string {
	// seen runs from the innermost level outwards. The outermost address
	// met again, at its next visit inwards, is where the cycle closes.
	for j := len(e.seen) - 1; j > 0; j-- {
		outer := e.seen[j]
		for i := j - 1; i >= 0; i-- {
			if inner := e.seen[i]; inner.addr == outer.addr && inner.typ == outer.typ {
				at := path[:len(path)-inner.below]
				back := path[:len(path)-outer.below]
				e.msg = fmt.Sprintf("the value is cyclic: this is %s%s again, and a value that contains itself cannot be stored", root, back)
				return at
			}
		}
	}
	return path
}

// enter counts a map or list level on e, refusing one beyond MaxNesting.
func (e *encState) enter() error {
	if e.depth >= maxContainers {
		return &nestingError{}
	}
	e.depth++
	return nil
}

// hop counts a pointer or interface dereference on e.
func (e *encState) hop() error {
	if e.hops >= maxHops {
		return &nestingError{hops: true}
	}
	e.hops++
	return nil
}

// checkUTF8 refuses s unless it is valid UTF-8: the SDK would silently
// replace the invalid bytes with U+FFFD, so two different Go strings would
// be stored (and, as keys, overwrite each other) as one.
func checkUTF8(s string) error {
	if validUTF8(s) {
		return nil
	}
	return invalidUTF8(s)
}

// validUTF8 is utf8.ValidString with a faster path for the short ASCII
// strings items are full of (IDs, statuses, names): the bytes are ORed
// eight at a time, where ValidString takes several instructions per byte
// on strings this short.
func validUTF8(s string) bool {
	if len(s) > 64 {
		return utf8.ValidString(s)
	}
	t := s
	var acc byte
	for len(t) >= 8 {
		acc |= t[0] | t[1] | t[2] | t[3] | t[4] | t[5] | t[6] | t[7]
		t = t[8:]
	}
	for i := 0; i < len(t); i++ {
		acc |= t[i]
	}
	return acc < utf8.RuneSelf || utf8.ValidString(s)
}

func invalidUTF8(s string) error {
	at := 0
	for at < len(s) {
		r, n := utf8.DecodeRuneInString(s[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	shown := s
	if len(shown) > 64 {
		shown = shown[:64] + "..."
	}
	return &causeError{msg: fmt.Sprintf("string %q is not valid UTF-8 (byte %d); DynamoDB stores UTF-8 only, and the SDK would replace the invalid bytes with U+FFFD", shown, at), sentinel: core.ErrValidation}
}

// keyLimit returns the size limit of field f's values as a key (the
// smallest of its roles), or 0 when it is no key.
func keyLimit(f *model.Field) int {
	limit := 0
	add := func(n int) {
		if limit == 0 || n < limit {
			limit = n
		}
	}
	if f.PK {
		add(MaxPartitionKeyBytes)
	}
	if f.SK {
		add(MaxSortKeyBytes)
	}
	for _, role := range f.Indexes {
		if role.SK || role.Local {
			add(MaxSortKeyBytes)
		} else {
			add(MaxPartitionKeyBytes)
		}
	}
	return limit
}

// CheckKeySize refuses av as a value of key field f (a table or index key)
// when it is over DynamoDB's size limit for f's roles; op and modelName
// locate the error. Encoding an item or a field already checks this; it is
// for key values given directly (Where values, KeyPairs).
func CheckKeySize(op, modelName string, f *model.Field, av types.AttributeValue) error {
	limit := keyLimit(f)
	if limit == 0 {
		return nil
	}
	if err := checkKeySize(av, limit); err != nil {
		return fmt.Errorf("dynamorm: %s %s.%s: %w", op, modelName, f.GoName, err)
	}
	return nil
}

// checkKeySize refuses a key value of more than limit bytes.
func checkKeySize(av types.AttributeValue, limit int) error {
	n := 0
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		n = len(a.Value)
	case *types.AttributeValueMemberB:
		n = len(a.Value)
	}
	if n <= limit {
		return nil
	}
	role := "partition"
	if limit == MaxSortKeyBytes {
		role = "sort"
	}
	return &causeError{msg: fmt.Sprintf("key value of %d bytes is over DynamoDB's %d-byte limit for %s keys", n, limit, role), sentinel: core.ErrValidation}
}

// checkValue checks an attribute value the codec did not build itself (the
// result of a custom Marshaler) as the codec checks its own: nesting below
// depth enclosing containers, UTF-8 strings and attribute names, numbers
// DynamoDB can store.
func checkValue(av types.AttributeValue, depth int) error {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return checkUTF8(a.Value)
	case *types.AttributeValueMemberN:
		return checkNumber(a.Value)
	case *types.AttributeValueMemberSS:
		for i, s := range a.Value {
			if err := checkUTF8(s); err != nil {
				return withPath(err, indexStep(i))
			}
		}
	case *types.AttributeValueMemberNS:
		for i, s := range a.Value {
			if err := checkNumber(s); err != nil {
				return withPath(err, indexStep(i))
			}
		}
	case *types.AttributeValueMemberL:
		if depth >= maxContainers {
			return &nestingError{}
		}
		for i, x := range a.Value {
			if err := checkValue(x, depth+1); err != nil {
				return withPath(err, indexStep(i))
			}
		}
	case *types.AttributeValueMemberM:
		if depth >= maxContainers {
			return &nestingError{}
		}
		for k, x := range a.Value {
			if err := checkUTF8(k); err != nil {
				return err
			}
			if err := checkValue(x, depth+1); err != nil {
				return withPath(err, keyStep(k))
			}
		}
	}
	return nil
}

// checkNumber refuses number text DynamoDB cannot store: not a decimal
// number, more than 38 significant digits, or a magnitude outside
// 1E-130 .. 9.99...E+125 (zero is fine).
func checkNumber(s string) error {
	if !validNumber(s) {
		return &causeError{msg: fmt.Sprintf("invalid number %q", s), sentinel: core.ErrValidation}
	}
	digits, exp := significand(s)
	if digits == 0 {
		return nil // zero
	}
	if digits > 38 {
		return &causeError{msg: fmt.Sprintf("number %s has %d significant digits; DynamoDB keeps at most 38", s, digits), sentinel: core.ErrValidation}
	}
	// The value is 0.digits × 10^(exp+digits); its magnitude is
	// 10^(mag-1) <= |x| < 10^mag.
	mag := exp + digits
	if mag > 126 {
		return &causeError{msg: fmt.Sprintf("number %s is too large for DynamoDB (at most 9.99...E+125)", s), sentinel: core.ErrValidation}
	}
	if mag-1 < -130 {
		return &causeError{msg: fmt.Sprintf("number %s is too small for DynamoDB (at least 1E-130 unless zero)", s), sentinel: core.ErrValidation}
	}
	return nil
}

// significand returns the number of significant digits of the valid
// number s (no leading or trailing zeros; 0 for zero) and the exponent that
// makes them the value (|s| = digits × 10^exp). It allocates nothing: it
// runs on every number a converter or custom marshaler returns.
func significand(s string) (int, int) {
	s = strings.TrimLeft(s, "+-")
	mant, exp := s, 0
	if i := exponentAt(s); i >= 0 {
		mant = s[:i]
		e, ok := smallInt(s[i+1:])
		if !ok {
			e = 1 << 20 // far beyond any limit, either way
			if strings.HasPrefix(s[i+1:], "-") {
				e = -e
			}
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	exp -= len(frac)
	// The digits are intPart then frac; find the first and last non-zero.
	n := len(intPart) + len(frac)
	at := func(i int) byte {
		if i < len(intPart) {
			return intPart[i]
		}
		return frac[i-len(intPart)]
	}
	first := 0
	for first < n && at(first) == '0' {
		first++
	}
	if first == n {
		return 0, 0
	}
	end := n
	for at(end-1) == '0' {
		end--
	}
	return end - first, exp + n - end
}

// exponentAt is the index of the exponent mark of number text s, or -1.
// (A loop: strings.IndexAny costs more than the scan on text this short.)
func exponentAt(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			return i
		}
	}
	return -1
}

// smallInt parses a signed decimal exponent that fits in a few digits.
func smallInt(s string) (int, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// Float limits: the float64 values whose shortest decimal form DynamoDB
// accepts are those with 1E-130 <= |f| < 1E126.
const (
	minFloat = 1e-130
	maxFloat = 1e126
)

func checkFloat(f float64) error {
	abs := f
	if abs < 0 {
		abs = -abs
	}
	if abs >= maxFloat || (abs != 0 && abs < minFloat) {
		return &causeError{msg: fmt.Sprintf("number %g is outside DynamoDB's range (1E-130 to 9.99...E+125 in magnitude, or zero)", f), sentinel: core.ErrValidation}
	}
	return nil
}
