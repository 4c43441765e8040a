package memdb

import (
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// vtype is one of DynamoDB's ten attribute types.
type vtype uint8

const (
	tS vtype = iota + 1
	tN
	tB
	tBOOL
	tNULL
	tSS
	tNS
	tBS
	tL
	tM
)

var typeNames = [...]string{"", "S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}

func (t vtype) String() string { return typeNames[t] }

// typeFromName maps "S", "N", ... to a vtype (0 if unknown).
func typeFromName(s string) vtype {
	for i, n := range typeNames {
		if i > 0 && n == s {
			return vtype(i)
		}
	}
	return 0
}

// value is an immutable attribute value. Numbers keep their canonical string in s
// and parsed form in n; binaries keep raw bytes in s; sets keep sorted members.
type value struct {
	t   vtype
	s   string
	n   decimal
	b   bool
	set []string
	l   []*value
	m   map[string]*value
}

// item is a stored or returned item: attribute name -> value.
type item map[string]*value

// wireValue is the JSON shape of an AttributeValue on the wire.
type wireValue struct {
	S    *string
	N    *string
	B    *[]byte
	BOOL *bool
	NULL *bool
	SS   *[]string
	NS   *[]string
	BS   *[][]byte
	L    *[]wireValue
	M    *map[string]wireValue
}

type wireItem = map[string]wireValue

// DynamoDB's nesting limits, in levels of lists and maps: a value in a
// request holds at most 32, an attribute of an item at most 31.
const (
	maxValueNesting = 32
	maxItemNesting  = 31
)

var errNesting = validationf("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")

// nesting counts the levels of lists and maps in v.
func nesting(v *value) int {
	deepest := 0
	switch v.t {
	case tL:
		for _, e := range v.l {
			deepest = max(deepest, nesting(e))
		}
	case tM:
		for _, e := range v.m {
			deepest = max(deepest, nesting(e))
		}
	default:
		return 0
	}
	return deepest + 1
}

func convItem(w wireItem) (item, *apiError) {
	if w == nil {
		return nil, nil
	}
	it := make(item, len(w))
	for k, wv := range w {
		v, err := convValue(&wv)
		if err != nil {
			return nil, err
		}
		if (v.t == tL || v.t == tM) && nesting(v) > maxItemNesting {
			return nil, errNesting
		}
		it[k] = v
	}
	return it, nil
}

func convValue(w *wireValue) (*value, *apiError) {
	n := 0
	var v *value
	var err *apiError
	if w.S != nil {
		n++
		v = &value{t: tS, s: *w.S}
	}
	if w.N != nil {
		n++
		d, e := parseNumber(*w.N)
		err = e
		v = &value{t: tN, s: d.String(), n: d}
	}
	if w.B != nil {
		n++
		v = &value{t: tB, s: string(*w.B)}
	}
	if w.BOOL != nil {
		n++
		v = &value{t: tBOOL, b: *w.BOOL}
	}
	if w.NULL != nil {
		n++
		if !*w.NULL {
			err = invalidParam("Null attribute value types must have the value of true")
		}
		v = &value{t: tNULL, b: true}
	}
	if w.SS != nil {
		n++
		v, err = makeSet(tSS, *w.SS)
	}
	if w.NS != nil {
		n++
		v, err = makeSet(tNS, *w.NS)
	}
	if w.BS != nil {
		n++
		ss := make([]string, len(*w.BS))
		for i, b := range *w.BS {
			ss[i] = string(b)
		}
		v, err = makeSet(tBS, ss)
	}
	if w.L != nil {
		n++
		l := make([]*value, len(*w.L))
		for i := range *w.L {
			e, er := convValue(&(*w.L)[i])
			if er != nil && err == nil {
				err = er
			}
			l[i] = e
		}
		v = &value{t: tL, l: l}
	}
	if w.M != nil {
		n++
		m := make(map[string]*value, len(*w.M))
		for k, wv := range *w.M {
			e, er := convValue(&wv)
			if er != nil && err == nil {
				err = er
			}
			m[k] = e
		}
		v = &value{t: tM, m: m}
	}
	switch {
	case err == nil && n == 1 && (v.t == tL || v.t == tM) && nesting(v) > maxValueNesting:
		return nil, errNesting
	case n == 0:
		return nil, validationf("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	case n > 1:
		return nil, validationf("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	case err != nil:
		return nil, err
	}
	return v, nil
}

func makeSet(t vtype, members []string) (*value, *apiError) {
	if len(members) == 0 {
		switch t {
		case tSS:
			return nil, invalidParam("An string set  may not be empty")
		case tNS:
			return nil, invalidParam("An number set  may not be empty")
		default:
			return nil, invalidParam("Binary sets should not be empty")
		}
	}
	out := make([]string, len(members))
	for i, m := range members {
		if t == tNS {
			d, err := parseNumber(m)
			if err != nil {
				return nil, err
			}
			m = d.String()
		}
		out[i] = m
	}
	sortSet(t, out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			shown := members
			if t == tBS {
				shown = make([]string, len(members))
				for j, m := range members {
					shown[j] = "java.nio.HeapByteBuffer[pos=0 lim=" + itoa(len(m)) + " cap=" + itoa(len(m)) + "]"
				}
			}
			if t != tSS {
				return nil, validationf("Input collection contains duplicates")
			}
			return nil, invalidParam("Input collection [%s] contains duplicates", strings.Join(shown, ", "))
		}
	}
	return &value{t: t, set: out}, nil
}

func sortSet(t vtype, s []string) {
	if t == tNS {
		sort.Slice(s, func(i, j int) bool { return cmpNumStr(s[i], s[j]) < 0 })
		return
	}
	sort.Strings(s)
}

func cmpNumStr(a, b string) int {
	x, _ := parseDecimal(a)
	y, _ := parseDecimal(b)
	return cmpDecimal(x, y)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		p--
		b[p] = '-'
	}
	return string(b[p:])
}

// ---- encoding ----

func (v *value) MarshalJSON() ([]byte, error) { return appendValue(nil, v), nil }

func (it item) MarshalJSON() ([]byte, error) { return appendItem(nil, it), nil }

func appendItem(b []byte, it item) []byte {
	var small [16]string // most items: their names sorted without allocating
	keys := small[:0]
	for k := range it {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, it[k])
	}
	return append(b, '}')
}

func appendValue(b []byte, v *value) []byte {
	b = append(b, `{"`...)
	b = append(b, typeNames[v.t]...)
	b = append(b, `":`...)
	switch v.t {
	case tS, tN:
		b = appendString(b, v.s)
	case tB:
		b = appendB64(b, v.s)
	case tBOOL, tNULL:
		if v.b {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
	case tSS, tNS, tBS:
		b = append(b, '[')
		for i, m := range v.set {
			if i > 0 {
				b = append(b, ',')
			}
			if v.t == tBS {
				b = appendB64(b, m)
			} else {
				b = appendString(b, m)
			}
		}
		b = append(b, ']')
	case tL:
		b = append(b, '[')
		for i, e := range v.l {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		b = append(b, ']')
	case tM:
		b = appendItem(b, v.m)
	}
	return append(b, '}')
}

func appendB64(b []byte, s string) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, []byte(s))
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ---- size ----

// size is the value's size in bytes by DynamoDB's rules.
func (v *value) size() int {
	switch v.t {
	case tS, tB:
		return len(v.s)
	case tN:
		return numberSize(v.n)
	case tBOOL, tNULL:
		return 1
	case tSS, tBS:
		n := 0
		for _, m := range v.set {
			n += len(m)
		}
		return n
	case tNS:
		n := 0
		for _, m := range v.set {
			d, _ := parseDecimal(m)
			n += numberSize(d)
		}
		return n
	case tL:
		n := 3
		for _, e := range v.l {
			n += 1 + e.size()
		}
		return n
	case tM:
		n := 3
		for k, e := range v.m {
			n += 1 + len(k) + e.size()
		}
		return n
	}
	return 0
}

// numberSize: one byte per two significant digits (aligned on the decimal point) plus one.
func numberSize(d decimal) int {
	if d.digits == "" {
		return 1
	}
	n := len(d.digits)
	if d.exp%2 != 0 {
		n++
	}
	n = (n+1)/2 + 1
	if d.neg {
		n++
	}
	return n
}

func itemSize(it item) int {
	n := 0
	for k, v := range it {
		n += len(k) + v.size()
	}
	return n
}

// ---- comparison ----

// compareScalar orders two values of the same scalar type (S, N or B).
func compareScalar(a, b *value) int {
	if a.t == tN {
		return cmpDecimal(a.n, b.n)
	}
	return strings.Compare(a.s, b.s)
}

func equalValues(a, b *value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.t != b.t {
		return false
	}
	switch a.t {
	case tS, tB, tN:
		return a.s == b.s
	case tBOOL, tNULL:
		return a.b == b.b
	case tSS, tNS, tBS:
		if len(a.set) != len(b.set) {
			return false
		}
		for i := range a.set {
			if a.set[i] != b.set[i] {
				return false
			}
		}
		return true
	case tL:
		if len(a.l) != len(b.l) {
			return false
		}
		for i := range a.l {
			if !equalValues(a.l[i], b.l[i]) {
				return false
			}
		}
		return true
	case tM:
		if len(a.m) != len(b.m) {
			return false
		}
		for k, x := range a.m {
			if !equalValues(x, b.m[k]) {
				return false
			}
		}
		return true
	}
	return false
}

// keyString encodes a scalar key value for map lookups.
func (v *value) keyString() string { return string(rune('0'+v.t)) + v.s }

func (v *value) setHas(m string) bool {
	i := sv(v, m)
	return i < len(v.set) && v.set[i] == m
}

func sv(v *value, m string) int {
	if v.t == tNS {
		return sort.Search(len(v.set), func(i int) bool { return cmpNumStr(v.set[i], m) >= 0 })
	}
	return sort.SearchStrings(v.set, m)
}

func numValue(d decimal) *value { return &value{t: tN, s: d.String(), n: d} }

func copyItem(it item) item {
	out := make(item, len(it))
	for k, v := range it {
		out[k] = v
	}
	return out
}
