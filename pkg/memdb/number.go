package memdb

import (
	"math/big"
	"strings"
)

// decimal is an exact DynamoDB number: value = 0.digits × 10^exp, negative if neg.
// digits has no leading or trailing zeros; zero is the empty digits string.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

const (
	maxDigits = 38
	maxExp    = 126  // magnitude < 10^126
	minExp    = -129 // magnitude >= 10^-130
)

var errNotNumber = validationf("A value provided cannot be converted into a number")

// parseNumber parses and range-checks a DynamoDB number string.
func parseNumber(s string) (decimal, *apiError) {
	d, ok := parseDecimal(s)
	if !ok {
		return decimal{}, errNotNumber
	}
	return d, d.check()
}

func (d decimal) check() *apiError {
	if d.digits == "" {
		return nil
	}
	if len(d.digits) > maxDigits {
		return validationf("Attempting to store more than 38 significant digits in a Number")
	}
	if d.exp > maxExp {
		return validationf("Number overflow. Attempting to store a number with magnitude larger than supported range")
	}
	if d.exp < minExp {
		return validationf("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	}
	return nil
}

func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	var mant strings.Builder
	intDigits, fracDigits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		mant.WriteByte(s[i])
		i++
		intDigits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			mant.WriteByte(s[i])
			i++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return d, false
	}
	e := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i >= len(s) {
			return d, false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e < 100000 {
				e = e*10 + int(s[i]-'0')
			}
			i++
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return d, false
	}
	m := mant.String()
	exp := intDigits + e
	j := 0
	for j < len(m) && m[j] == '0' {
		j++
		exp--
	}
	m = strings.TrimRight(m[j:], "0")
	if m == "" {
		return decimal{}, true
	}
	d.digits, d.exp = m, exp
	return d, true
}

// String is DynamoDB's canonical form: plain notation, no exponent, no redundant zeros.
func (d decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	switch {
	case d.exp <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.exp))
		b.WriteString(d.digits)
	case d.exp >= len(d.digits):
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp-len(d.digits)))
	default:
		b.WriteString(d.digits[:d.exp])
		b.WriteByte('.')
		b.WriteString(d.digits[d.exp:])
	}
	return b.String()
}

func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// cmpDecimal orders numbers numerically.
func cmpDecimal(a, b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := 0
	switch {
	case a.exp != b.exp:
		if a.exp < b.exp {
			c = -1
		} else {
			c = 1
		}
	default:
		c = strings.Compare(a.digits, b.digits)
	}
	if sa < 0 {
		c = -c
	}
	return c
}

func (d decimal) big() (*big.Int, int) {
	n, _ := new(big.Int).SetString(d.digits, 10)
	if d.neg {
		n.Neg(n)
	}
	return n, d.exp - len(d.digits)
}

// addDecimal returns a+b, exact, checked against DynamoDB's limits.
func addDecimal(a, b decimal) (decimal, *apiError) {
	if a.digits == "" {
		return b, nil
	}
	if b.digits == "" {
		return a, nil
	}
	x, sx := a.big()
	y, sy := b.big()
	scale := min(sx, sy)
	ten := big.NewInt(10)
	if sx > scale {
		x.Mul(x, new(big.Int).Exp(ten, big.NewInt(int64(sx-scale)), nil))
	}
	if sy > scale {
		y.Mul(y, new(big.Int).Exp(ten, big.NewInt(int64(sy-scale)), nil))
	}
	x.Add(x, y)
	var r decimal
	if x.Sign() == 0 {
		return r, nil
	}
	r.neg = x.Sign() < 0
	s := new(big.Int).Abs(x).String()
	r.exp = len(s) + scale
	r.digits = strings.TrimRight(s, "0")
	return r, r.check()
}

func negDecimal(d decimal) decimal {
	if d.digits != "" {
		d.neg = !d.neg
	}
	return d
}
