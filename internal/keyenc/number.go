package keyenc

import (
	"fmt"
	"strconv"
	"strings"
)

// exponentBias makes every exponent DynamoDB allows (about -130 to +126)
// a three-digit number.
const exponentBias = 500

// AppendNumber appends the sortable form of decimal number n (as DynamoDB
// spells numbers: an optional sign, digits, an optional fraction and
// exponent).
func AppendNumber(dst []byte, n string) ([]byte, error) {
	neg, digits, exp, err := normalize(n)
	if err != nil {
		return nil, err
	}
	if digits == "" {
		return append(dst, 'N'), nil
	}
	e := exp + exponentBias
	if e < 0 || e > 999 {
		return nil, fmt.Errorf("number %s is out of DynamoDB's range", n)
	}
	if !neg {
		dst = append(dst, 'P')
		dst = appendPadded(dst, e)
		return append(dst, digits...), nil
	}
	dst = append(dst, 'M')
	dst = appendPadded(dst, 999-e)
	for i := 0; i < len(digits); i++ {
		dst = append(dst, '9'-digits[i]+'0')
	}
	return append(dst, '~'), nil
}

func appendPadded(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
}

// normalize reads n as sign, significant digits (no leading or trailing
// zeros; empty for zero) and exponent e, so that |n| = 0.digits × 10^e.
func normalize(n string) (neg bool, digits string, exp int, err error) {
	s := strings.TrimSpace(n)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		if exp, err = strconv.Atoi(expPart); err != nil {
			return false, "", 0, fmt.Errorf("bad number %q", n)
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || strings.Trim(intPart+frac, "0123456789") != "" {
		return false, "", 0, fmt.Errorf("bad number %q", n)
	}
	all := intPart + frac
	exp += len(intPart)
	lead := len(all) - len(strings.TrimLeft(all, "0"))
	all, exp = all[lead:], exp-lead
	all = strings.TrimRight(all, "0")
	if all == "" {
		return false, "", 0, nil
	}
	return neg, all, exp, nil
}

// ParseNumber reverses AppendNumber, returning the number in DynamoDB's
// spelling (digits with a decimal point where needed, or an exponent).
func ParseNumber(enc string) (string, error) {
	if enc == "N" {
		return "0", nil
	}
	bad := fmt.Errorf("keyenc: %q is not an encoded number", enc)
	if len(enc) < 5 || (enc[0] != 'P' && enc[0] != 'M') {
		return "", bad
	}
	e, err := strconv.Atoi(enc[1:4])
	if err != nil {
		return "", bad
	}
	digits := enc[4:]
	neg := enc[0] == 'M'
	if neg {
		if !strings.HasSuffix(digits, "~") {
			return "", bad
		}
		digits = digits[:len(digits)-1]
		b := []byte(digits)
		for i := range b {
			b[i] = '9' - b[i] + '0'
		}
		digits, e = string(b), 999-e
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", bad
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + "0." + digits + "e" + strconv.Itoa(e-exponentBias), nil
}
