// Package keyenc encodes the components of single-table keys: the values of
// the fields a composite key (CUSTOMER#{CustomerID}, ORDER#{PlacedAt}#{ID})
// is made of, as one string that sorts as the components do, parses back
// into them, and never lets one component's content be read as a separator.
//
// A composite key is segments joined by '#'. A segment is a literal of the
// template or the encoding of one component value:
//
//   - S: the string's bytes, each byte 0x00-0x24 ('$' and everything below,
//     which includes '#') written as '$' followed by the byte plus 0x40
//     ("a#b" is "a$cb", "$" is "$d"). Every encoded byte is above '#', so a
//     value never contains the separator, '#' sorts below every encoded
//     byte (a tuple's order is its components' order), and the encoding
//     preserves the bytewise order DynamoDB sorts strings by.
//   - N: a sortable decimal: 'N' for zero; 'P' then the decimal exponent
//     plus 500 in three digits then the significant digits for positive
//     numbers; 'M' then 999 minus (exponent plus 500) in three digits then
//     the nines' complement of the digits then '~' for negative numbers.
//     So -10 < -1.5 < -1 < 0 < 0.25 < 1 < 2 < 10 < 1e20 as strings too.
//   - B: lower-case hexadecimal, which sorts as the bytes do.
//
// The time types dynamorm stores as S (a fixed-width UTC form) therefore
// sort chronologically, and those stored as Unix seconds (N) numerically.
package keyenc

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Separator joins the segments of a composite key.
const Separator = '#'

// escape is the byte that starts an escaped byte; the bytes up to it are
// escaped, so that it and the separator never occur unescaped.
const escape = '$'

// Reserved reports whether a template literal may not contain c: the
// separator, the escape byte, and the braces of placeholders.
func Reserved(c rune) bool { return c == Separator || c == escape || c == '{' || c == '}' }

// Append appends the encoding of component value av (S, N or B) to dst.
func Append(dst []byte, av types.AttributeValue) ([]byte, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return AppendString(dst, v.Value), nil
	case *types.AttributeValueMemberN:
		return AppendNumber(dst, v.Value)
	case *types.AttributeValueMemberB:
		return hex.AppendEncode(dst, v.Value), nil
	case nil:
		return nil, fmt.Errorf("no value")
	}
	return nil, fmt.Errorf("a key component must be a string, number or binary value, not %T", av)
}

// AppendString appends the escaped form of s.
func AppendString(dst []byte, s string) []byte {
	start := 0 // s[start:i] is copied as it is
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= escape {
			dst = append(append(dst, s[start:i]...), escape, c+0x40)
			start = i + 1
		}
	}
	return append(dst, s[start:]...)
}

// ParseString reverses AppendString.
func ParseString(enc string) (string, error) {
	if strings.IndexByte(enc, escape) < 0 {
		return enc, nil
	}
	var sb strings.Builder
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c != escape {
			sb.WriteByte(c)
			continue
		}
		if i+1 == len(enc) || enc[i+1] < 0x40 || enc[i+1] > escape+0x40 {
			return "", fmt.Errorf("keyenc: bad escape at byte %d of %q", i, enc)
		}
		sb.WriteByte(enc[i+1] - 0x40)
		i++
	}
	return sb.String(), nil
}

// ParseBinary reverses the encoding of a B component.
func ParseBinary(enc string) ([]byte, error) { return hex.DecodeString(enc) }

// Split cuts a composite key into its segments (still encoded).
func Split(key string) []string { return strings.Split(key, string(Separator)) }
