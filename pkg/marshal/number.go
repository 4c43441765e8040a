package marshal

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Number is a DynamoDB number (N) kept as its exact decimal text. DynamoDB
// numbers carry up to 38 significant digits, more than int64 or float64 can
// hold, so values decoded into an `any` destination arrive as Number rather
// than float64, and nothing is lost until the caller picks a Go type. A
// Number field or value is stored as N.
type Number string

// String returns the decimal text of n.
func (n Number) String() string { return string(n) }

// Int64 returns n as an int64. It fails when n is not an integer or does not
// fit. Integral forms such as "1.0" or "12E3" are accepted.
func (n Number) Int64() (int64, error) {
	i, status := parseInt(string(n), 64)
	if status != numOK {
		return 0, numberError(string(n), status, "int64")
	}
	return i, nil
}

// Uint64 returns n as a uint64. It fails when n is negative, not an integer,
// or does not fit.
func (n Number) Uint64() (uint64, error) {
	u, status := parseUint(string(n), 64)
	if status != numOK {
		return 0, numberError(string(n), status, "uint64")
	}
	return u, nil
}

// Float64 returns the float64 nearest to n. It fails when n is not a number
// or its magnitude is beyond float64.
func (n Number) Float64() (float64, error) {
	f, status := parseFloat(string(n), 64)
	if status != numOK {
		return 0, numberError(string(n), status, "float64")
	}
	return f, nil
}

type numStatus uint8

const (
	numOK         numStatus = iota
	numSyntax               // not a decimal number
	numNotInteger           // a fraction where an integer is needed
	numNegative             // a negative number for an unsigned type
	numOverflow             // out of the range of the Go type
)

func numberError(s string, status numStatus, typ string) error {
	switch status {
	case numNotInteger:
		return fmt.Errorf("number %s is not an integer, so it cannot be stored in %s", s, typ)
	case numNegative:
		return fmt.Errorf("number %s is negative, so it cannot be stored in %s", s, typ)
	case numOverflow:
		return fmt.Errorf("number %s overflows %s", s, typ)
	}
	return fmt.Errorf("invalid number %q for %s", s, typ)
}

// parseInt parses s as a signed integer of the given bit size, without a
// float64 detour: plain integers take strconv's fast path, and other
// integral spellings ("1.50E2") are rewritten to plain digits first.
func parseInt(s string, bits int) (int64, numStatus) {
	i, err := strconv.ParseInt(s, 10, bits)
	if err == nil {
		return i, numOK
	}
	if err.(*strconv.NumError).Err == strconv.ErrRange {
		return 0, numOverflow
	}
	digits, status := integerText(s)
	if status != numOK {
		return 0, status
	}
	if i, err = strconv.ParseInt(digits, 10, bits); err != nil {
		return 0, numOverflow
	}
	return i, numOK
}

// parseUint is parseInt for unsigned integers.
func parseUint(s string, bits int) (uint64, numStatus) {
	u, err := strconv.ParseUint(s, 10, bits)
	if err == nil {
		return u, numOK
	}
	if err.(*strconv.NumError).Err == strconv.ErrRange {
		return 0, numOverflow
	}
	digits, status := integerText(s)
	if status != numOK {
		return 0, status
	}
	if strings.HasPrefix(digits, "-") {
		if digits == "-0" {
			return 0, numOK
		}
		return 0, numNegative
	}
	if u, err = strconv.ParseUint(digits, 10, bits); err != nil {
		return 0, numOverflow
	}
	return u, numOK
}

func parseFloat(s string, bits int) (float64, numStatus) {
	if !validNumber(s) {
		return 0, numSyntax
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return 0, numOverflow
	}
	return f, numOK
}

// integerText rewrites a decimal number in any DynamoDB spelling (sign,
// fraction, exponent) to plain integer digits with an optional '-', or
// reports that it is not an integer.
func integerText(s string) (string, numStatus) {
	if !validNumber(s) {
		return "", numSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return "", numOverflow // an exponent beyond int: far out of any range
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	if digits == "" {
		return "0", numOK
	}
	// Trailing zeros absorb a negative exponent.
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits = digits[:len(digits)-1]
		exp++
	}
	if exp < 0 {
		return "", numNotInteger
	}
	if len(digits)+exp > 40 { // beyond any 64-bit integer; do not build it
		return "", numOverflow
	}
	digits += strings.Repeat("0", exp)
	if neg {
		digits = "-" + digits
	}
	return digits, numOK
}

// validNumber reports whether s is a decimal number: an optional sign,
// digits with at most one '.', at least one digit, and an optional exponent.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
	}
	if digits == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatFloat writes f in its shortest exact form: plain decimals for
// ordinary magnitudes and exponent notation for very large or very small
// ones (the rule encoding/json follows), so 1e300 does not become 301 digits.
func formatFloat(f float64, bits int) string {
	if f == 0 {
		return "0" // also for -0, which DynamoDB does not distinguish
	}
	abs := math.Abs(f)
	format := byte('f')
	if bits == 32 {
		if a := float32(abs); a < 1e-6 || a >= 1e21 {
			format = 'e'
		}
	} else if abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	return strconv.FormatFloat(f, format, -1, bits)
}
