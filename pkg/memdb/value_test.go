package memdb

import (
	"strings"
	"testing"
)

func TestItemSize(t *testing.T) {
	str := func(s string) *value { return &value{t: tS, s: s} }
	num := func(s string) *value { d, _ := parseNumber(s); return numValue(d) }
	for _, c := range []struct {
		it   item
		want int
	}{
		{item{"a": str("hello")}, 6},
		{item{"name": str("")}, 4},
		{item{"n": num("12345")}, 1 + 4},    // 3 base-100 digits + 1
		{item{"n": num("1")}, 1 + 2},        // 1 digit + 1
		{item{"b": {t: tBOOL, b: true}}, 2}, // 1 byte
		{item{"z": {t: tNULL, b: true}}, 2}, // 1 byte
		{item{"l": {t: tL, l: []*value{str("ab")}}}, 1 + 3 + 1 + 2},
		{item{"m": {t: tM, m: map[string]*value{"k": str("ab")}}}, 1 + 3 + 1 + 1 + 2},
		{item{"s": {t: tSS, set: []string{"a", "bc"}}}, 1 + 3},
		{item{"é": str("日本")}, 2 + 6},
	} {
		if got := itemSize(c.it); got != c.want {
			t.Errorf("%v: size %d, want %d", c.it, got, c.want)
		}
	}
}

func TestSetRules(t *testing.T) {
	if _, err := makeSet(tSS, nil); err == nil {
		t.Error("empty string set accepted")
	}
	if _, err := makeSet(tNS, []string{"1", "1.0"}); err == nil {
		t.Error("numerically duplicate number set accepted")
	}
	v, err := makeSet(tNS, []string{"10", "9", "-1"})
	if err != nil || strings.Join(v.set, ",") != "-1,9,10" {
		t.Errorf("number set order: %v %v", v, err)
	}
	if !v.setHas("9") || v.setHas("8") {
		t.Error("setHas")
	}
}

func TestKeyOrderingBinaryUnsigned(t *testing.T) {
	a, b := &value{t: tB, s: "\x7f"}, &value{t: tB, s: "\x80"}
	if compareScalar(a, b) >= 0 {
		t.Error("binary must compare unsigned")
	}
}

func TestJSONStringEscaping(t *testing.T) {
	got := string(appendString(nil, "a\"b\\c\n\x01é"))
	if want := `"a\"b\\c\n\u0001é"`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}
