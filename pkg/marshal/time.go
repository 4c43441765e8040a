package marshal

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TimeLayout is the form time.Time values are stored in by default: UTC,
// always nine fraction digits, so that every stored time has the same width
// and sorting the strings sorts the instants. Years must be within
// 0000-9999; use the unixtime option for others.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// timeOf reads a time.Time without boxing it when v is addressable.
func timeOf(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *v.Addr().Interface().(*time.Time)
	}
	return v.Interface().(time.Time)
}

func setTime(v reflect.Value, t time.Time) {
	*v.Addr().Interface().(*time.Time) = t // decoding targets are addressable
}

// formatTime writes t in TimeLayout.
func formatTime(t time.Time) (string, error) {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return "", fmt.Errorf("time %s is outside years 0000-9999, which the sortable text form cannot hold; use the unixtime option", t.Format(time.RFC3339Nano))
	}
	hour, minute, sec := t.Clock()
	b := []byte(TimeLayout) // the separators are in place; digits go over the layout's
	putDigits(b[0:4], year)
	putDigits(b[5:7], int(month))
	putDigits(b[8:10], day)
	putDigits(b[11:13], hour)
	putDigits(b[14:16], minute)
	putDigits(b[17:19], sec)
	putDigits(b[20:29], t.Nanosecond())
	return string(b), nil
}

// putDigits writes n, zero-padded, over all of b.
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// parseTime reads a stored time: any RFC 3339 text (TimeLayout is one), or
// Unix seconds with an optional fraction.
func parseTime(av types.AttributeValue, t reflect.Type) (time.Time, bool, error) {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		tm, err := timeText(a.Value)
		return tm, true, err
	case *types.AttributeValueMemberN:
		tm, err := unixTime(a.Value)
		return tm, true, err
	case *types.AttributeValueMemberNULL:
		return time.Time{}, true, nil
	}
	return time.Time{}, false, mismatch(av, t)
}

func timeText(s string) (time.Time, error) {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return tm, nil
}

// unixTime parses Unix seconds, which may carry a fraction, into a UTC time.
func unixTime(s string) (time.Time, error) {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && strings.ContainsAny(frac, "eE") {
		intPart, hasFrac = s, false // exponent forms: integers only
	}
	sec, status := parseInt(intPart, 64)
	if status != numOK {
		return time.Time{}, fmt.Errorf("number %s is not Unix seconds (%v)", s, numberError(intPart, status, "int64"))
	}
	var nsec int64
	if hasFrac {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		n, err := strconv.ParseUint(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("number %s is not Unix seconds", s)
		}
		nsec = int64(n)
		if strings.HasPrefix(intPart, "-") {
			nsec = -nsec
		}
	}
	return time.Unix(sec, nsec).UTC(), nil
}

func fillTime(c *codec) {
	c.scalar = 'S'
	c.text = func(v reflect.Value) (string, error) { return formatTime(timeOf(v)) }
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		s, err := formatTime(timeOf(v))
		if err != nil {
			return nil, err
		}
		return e.str(s), nil
	}
	c.dec = decodeTime
	c.fromText = func(s string, v reflect.Value) error {
		tm, err := timeText(s)
		if err != nil {
			return err
		}
		setTime(v, tm)
		return nil
	}
}

func decodeTime(av types.AttributeValue, v reflect.Value, _ int) error {
	tm, _, err := parseTime(av, timeType)
	if err != nil {
		return err
	}
	setTime(v, tm)
	return nil
}

// unixTimeCodec stores time.Time as N, whole Unix seconds; fractions of a
// second are dropped. It decodes N and, as well, RFC 3339 text.
func unixTimeCodec() *codec {
	c := &codec{typ: timeType, scalar: 'N', empty: emptyFunc(timeType)}
	c.text = func(v reflect.Value) (string, error) {
		return strconv.FormatInt(timeOf(v).Unix(), 10), nil
	}
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		return e.num(strconv.FormatInt(timeOf(v).Unix(), 10)), nil
	}
	c.dec = decodeTime
	c.fromNum = func(s string, v reflect.Value) error {
		tm, err := unixTime(s)
		if err != nil {
			return err
		}
		setTime(v, tm)
		return nil
	}
	return c
}
