package plan

import (
	"math"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func num(s string) types.AttributeValue { return &types.AttributeValueMemberN{Value: s} }

func TestNumberDeltaIsExact(t *testing.T) {
	for _, c := range []struct{ old, now, want string }{
		{"1", "3", "2"},
		{"3", "1", "-2"},
		{"0.1", "0.3", "0.2"},
		{"1.5", "1.25", "-0.25"},
		{"1E+2", "101", "1"},
		{"9007199254740993", "9007199254740995", "2"},
		{"", "7", "7"},
	} {
		var old types.AttributeValue
		if c.old != "" {
			old = num(c.old)
		}
		d, err := numberDelta(old, num(c.now))
		if err != nil {
			t.Fatalf("%s -> %s: %v", c.old, c.now, err)
		}
		if got := d.(*types.AttributeValueMemberN).Value; got != c.want {
			t.Errorf("%s -> %s: delta %s, want %s", c.old, c.now, got, c.want)
		}
	}
	if d, err := numberDelta(num("1.0"), num("1")); err != nil || d != nil {
		t.Errorf("equal numbers: %v, %v; want no delta", d, err)
	}
	if _, err := numberDelta(&types.AttributeValueMemberS{Value: "x"}, num("1")); err == nil {
		t.Error("a stored string is not a counter's number")
	}
}

func TestSetDeltaMembers(t *testing.T) {
	ss := func(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
	added, removed, ok := setDelta(ss("a", "b"), ss("b", "c"))
	if !ok || len(added.(*types.AttributeValueMemberSS).Value) != 1 || added.(*types.AttributeValueMemberSS).Value[0] != "c" ||
		removed.(*types.AttributeValueMemberSS).Value[0] != "a" {
		t.Fatalf("got %v %v %v", added, removed, ok)
	}
	added, removed, ok = setDelta(&types.AttributeValueMemberNS{Value: []string{"1", "2.0"}}, &types.AttributeValueMemberNS{Value: []string{"2", "1"}})
	if !ok || added != nil || removed != nil {
		t.Errorf("numbers compare numerically: %v %v", added, removed)
	}
	if _, _, ok := setDelta(ss("a"), &types.AttributeValueMemberNS{Value: []string{"1"}}); ok {
		t.Error("sets of different types have no member delta")
	}
}

func TestSameInt(t *testing.T) {
	for _, c := range []struct {
		n    int64
		s    string
		want bool
	}{
		{0, "0", true}, {7, "7", true}, {-5, "-5", true}, {1000003, "1000003", true},
		{math.MaxInt64, "9223372036854775807", true}, {math.MinInt64, "-9223372036854775808", true},
		{12, "012", false}, {12, "1.2e1", false}, {12, "", false}, {120, "12", false}, {12, "120", false},
		{-12, "12", false}, {12, "-12", false}, {0, "-0", false}, {0, "", false},
	} {
		if got := sameInt(c.n, c.s); got != c.want {
			t.Errorf("sameInt(%d, %q) = %v, want %v", c.n, c.s, got, c.want)
		}
	}
	if !sameDigits(math.MaxUint64, "18446744073709551615") || sameDigits(math.MaxUint64, "18446744073709551614") {
		t.Error("20-digit unsigned values")
	}
}
