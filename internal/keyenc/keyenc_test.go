package keyenc

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestStringsSortAndParseBack(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\x00\x01 !\"#$%&'ab#zZ~\xc3\xa9")
	var vals []string
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.IntN(6))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		vals = append(vals, string(b))
	}
	for _, v := range vals {
		enc := string(AppendString(nil, v))
		if bytes.IndexByte([]byte(enc), Separator) >= 0 {
			t.Fatalf("encoding of %q contains the separator: %q", v, enc)
		}
		back, err := ParseString(enc)
		if err != nil || back != v {
			t.Fatalf("ParseString(%q) = %q, %v; want %q", enc, back, err, v)
		}
	}
	// Tuples (a, b) joined by the separator sort as the tuples do.
	type pair struct{ a, b string }
	pairs := make([]pair, 0, 1000)
	for i := 0; i+1 < len(vals) && len(pairs) < 1000; i += 2 {
		pairs = append(pairs, pair{vals[i], vals[i+1]})
	}
	key := func(p pair) string {
		return string(AppendString(append(AppendString(nil, p.a), Separator), p.b))
	}
	sort.Slice(pairs, func(i, j int) bool { return key(pairs[i]) < key(pairs[j]) })
	for i := 1; i < len(pairs); i++ {
		x, y := pairs[i-1], pairs[i]
		if x.a > y.a || x.a == y.a && x.b > y.b {
			t.Fatalf("keys sort (%q,%q) before (%q,%q)", x.a, x.b, y.a, y.b)
		}
	}
}

func TestNumbersSortNumericallyAndParseBack(t *testing.T) {
	fixed := []string{"0", "-0", "0.0", "1", "-1", "10", "-10", "1.5", "-1.5", "0.25", "-0.25", "1e20", "-1e20",
		"1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
		"12345678901234567890123456789012345678", "00042", "42.000", "4.2e1"}
	r := rand.New(rand.NewPCG(3, 4))
	nums := append([]string(nil), fixed...)
	for i := 0; i < 3000; i++ {
		n := strconv.FormatFloat((r.Float64()-0.5)*float64(r.IntN(1e6)), 'g', -1, 64)
		nums = append(nums, n)
		nums = append(nums, strconv.Itoa(r.IntN(2000)-1000))
	}
	rat := func(s string) *big.Rat {
		x, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("bad test number %q", s)
		}
		return x
	}
	enc := map[string]string{}
	for _, n := range nums {
		b, err := AppendNumber(nil, n)
		if err != nil {
			t.Fatalf("AppendNumber(%q): %v", n, err)
		}
		enc[n] = string(b)
		back, err := ParseNumber(string(b))
		if err != nil || rat(back).Cmp(rat(n)) != 0 {
			t.Fatalf("ParseNumber(%q) = %q, %v; want %s", b, back, err, n)
		}
	}
	sort.Slice(nums, func(i, j int) bool { return enc[nums[i]]+"#" < enc[nums[j]]+"#" })
	for i := 1; i < len(nums); i++ {
		if rat(nums[i-1]).Cmp(rat(nums[i])) > 0 {
			t.Fatalf("%s sorts before %s (%q, %q)", nums[i-1], nums[i], enc[nums[i-1]], enc[nums[i]])
		}
		if rat(nums[i-1]).Cmp(rat(nums[i])) == 0 && enc[nums[i-1]] != enc[nums[i]] {
			t.Fatalf("equal numbers %s and %s encode differently", nums[i-1], nums[i])
		}
	}
}

func TestAppendRefusesWhatIsNotAComponent(t *testing.T) {
	for _, av := range []types.AttributeValue{nil, &types.AttributeValueMemberBOOL{Value: true}, &types.AttributeValueMemberN{Value: "1x"}, &types.AttributeValueMemberN{Value: "1e900"}} {
		if _, err := Append(nil, av); err == nil {
			t.Errorf("Append(%#v) succeeded", av)
		}
	}
	b, err := Append(nil, &types.AttributeValueMemberB{Value: []byte{0, 0xff}})
	if err != nil || string(b) != "00ff" {
		t.Fatalf("B = %q, %v", b, err)
	}
	if _, err := ParseString("a$"); err == nil {
		t.Error("ParseString accepted a dangling escape")
	}
	if _, err := ParseNumber("X"); err == nil {
		t.Error("ParseNumber accepted X")
	}
}
