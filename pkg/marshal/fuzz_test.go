package marshal

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dynamorm/dynamorm/pkg/core"
)

type fuzzNested struct {
	S string
	F float64
	P *int64
}

// fuzzItem is built from fuzzed primitives by FuzzRoundTrip.
type fuzzItem struct {
	S      string
	Empty  string `dynamorm:"omitempty"`
	SP     *string
	Strs   []string
	Set    []string `dynamorm:"set"`
	I      int64
	I8     int8
	U      uint64
	U16    uint16
	F      float64
	F32    float32
	Nums   []int64              `dynamorm:"set"`
	Floats map[float64]struct{} `dynamorm:"set"`
	B      []byte
	Bins   [][]byte `dynamorm:"set"`
	Arr    [3]byte
	T      time.Time
	TP     *time.Time
	TU     time.Time `dynamorm:"unixtime"`
	M      map[string]string
	MI     map[int64]string
	Any    any
	N      fuzzNested
	Ns     []fuzzNested
	Bool   bool
	Num    Number
}

func buildFuzzItem(s string, i int64, u uint64, f float64, b []byte, sec, nsec int64, flag bool) fuzzItem {
	t := time.Unix(sec, nsec)
	v := fuzzItem{
		S: s, Empty: s, Strs: []string{s, ""}, Set: []string{s, s + "x", s},
		I: i, I8: int8(i), U: u, U16: uint16(u),
		F: f, F32: float32(f),
		Nums:   []int64{i, int64(u), i},
		Floats: map[float64]struct{}{f: {}, -f: {}},
		B:      b, Bins: [][]byte{b, append(slices.Clone(b), 0)},
		T: t, TU: t,
		M:    map[string]string{s: s, "k": ""},
		MI:   map[int64]string{i: s},
		N:    fuzzNested{S: s, F: -f, P: &i},
		Ns:   []fuzzNested{{S: s}, {F: f}},
		Bool: flag,
		Num:  Number(strconv.FormatInt(i, 10)),
	}
	copy(v.Arr[:], b)
	if flag {
		v.SP, v.TP, v.Any = &s, &t, s
	} else {
		v.Any = []any{s, Number(strconv.FormatUint(u, 10)), flag}
	}
	return v
}

// FuzzRoundTrip encodes a struct built from fuzzed primitives and decodes
// it back: what comes back must be what went in, up to the documented
// changes (sets lose duplicates and order, unixtime loses sub-seconds, -0
// becomes 0), and values that cannot be stored must fail to encode.
func FuzzRoundTrip(f *testing.F) {
	f.Add("hello", int64(-42), uint64(math.MaxUint64), 3.25, []byte{1, 2, 3}, int64(1700000000), int64(123456789), true)
	f.Add("", int64(math.MinInt64), uint64(0), 0.0, []byte(nil), int64(0), int64(0), false)
	f.Fuzz(func(t *testing.T, s string, i int64, u uint64, fl float64, b []byte, sec, nsec int64, flag bool) {
		in := buildFuzzItem(s, i, u, fl, b, sec, nsec, flag)
		item, err := Marshal(&in)

		year := in.T.UTC().Year()
		f32 := float64(in.F32)
		switch {
		case math.IsNaN(fl) || math.IsInf(fl, 0) || math.IsInf(f32, 0):
			if err == nil {
				t.Fatalf("%v encoded", fl)
			}
			return
		case year < 0 || year > 9999:
			if err == nil {
				t.Fatalf("year %d encoded", year)
			}
			return
		case checkFloat(fl) != nil || checkFloat(f32) != nil:
			if !errors.Is(err, core.ErrValidation) {
				t.Fatalf("%v (out of DynamoDB's range) encoded: %v", fl, err)
			}
			return
		case !utf8.ValidString(s):
			if !errors.Is(err, core.ErrValidation) {
				t.Fatalf("invalid UTF-8 %q encoded: %v", s, err)
			}
			return
		case err != nil:
			t.Fatalf("encode: %v", err)
		}

		var out fuzzItem
		if err := Unmarshal(item, &out); err != nil {
			t.Fatalf("decode: %v", err)
		}

		want := in
		want.TU = time.Unix(in.TU.Unix(), 0) // unixtime keeps whole seconds
		want.Set = dedupeStrings(in.Set)
		want.Nums = dedupeInts(in.Nums)
		want.Floats = map[float64]struct{}{math.Abs(fl): {}, -math.Abs(fl): {}}
		if len(b) == 0 {
			// nil is absent and decodes to nil; empty is B "" and decodes to empty
			want.B = out.B
			if (b == nil) != (out.B == nil) {
				t.Fatalf("B: %#v became %#v", b, out.B)
			}
		}
		if len(b) == 0 {
			want.Bins[0] = []byte{} // a nil element of a set decodes as empty
		}
		if s == "" {
			want.Empty = "" // omitempty: absent, the zero value stays
		}

		// Times compare as instants; the rest deeply.
		for _, p := range [][2]*time.Time{{&want.T, &out.T}, {&want.TU, &out.TU}, {want.TP, out.TP}} {
			if (p[0] == nil) != (p[1] == nil) {
				t.Fatalf("time pointer nil-ness changed")
			}
			if p[0] != nil {
				if !p[0].Equal(*p[1]) {
					t.Fatalf("time %s became %s", *p[0], *p[1])
				}
				*p[1] = *p[0]
			}
		}
		want.N.F, out.N.F = zeroSign(want.N.F), zeroSign(out.N.F)
		want.F, out.F = zeroSign(want.F), zeroSign(out.F)
		want.F32 = float32(zeroSign(float64(want.F32)))
		want.Ns[1].F = zeroSign(want.Ns[1].F)
		if !reflect.DeepEqual(want, out) {
			t.Fatalf("round trip changed the value\n in: %#v\nout: %#v", want, out)
		}
	})
}

func zeroSign(f float64) float64 {
	if f == 0 {
		return 0
	}
	return f
}

func dedupeStrings(xs []string) []string {
	return dedupe(slices.Clone(xs), func(s string) string { return s })
}

func dedupeInts(xs []int64) []int64 {
	return dedupe(slices.Clone(xs), func(i int64) string { return strconv.FormatInt(i, 10) })
}

// FuzzIntegerText checks the integer decoder against math/big: any decimal
// text that is an integer within int64 decodes to that integer, and every
// other text is an error, never a silently wrong value.
func FuzzIntegerText(f *testing.F) {
	for _, s := range []string{"0", "-0", "1e3", "1.50E+2", "9223372036854775807", "-9223372036854775809", "1.5", "12.000", ".5e1", "5.e0", "1e-0", "+7", "00012", "1e400", "1e-400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, status := parseInt(s, 64)
		if i := strings.IndexAny(s, "eE"); i >= 0 {
			if e, err := strconv.Atoi(s[i+1:]); err != nil || e > 400 || e < -400 {
				return // math/big would take long to check; parseInt did not
			}
		}
		r, ok := new(big.Rat).SetString(s)
		valid := ok && validNumber(s)
		if !valid {
			if status == numOK {
				t.Fatalf("%q is not a number but decoded to %d", s, got)
			}
			return
		}
		if !r.IsInt() {
			if status == numOK {
				t.Fatalf("%q is not an integer but decoded to %d", s, got)
			}
			return
		}
		n := r.Num()
		if !n.IsInt64() {
			if status != numOverflow {
				t.Fatalf("%q overflows int64 but got %d, status %d", s, got, status)
			}
			return
		}
		if status != numOK || got != n.Int64() {
			t.Fatalf("%q: got %d (status %d), want %d", s, got, status, n.Int64())
		}
	})
}
