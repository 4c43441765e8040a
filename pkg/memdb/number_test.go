package memdb

import "testing"

func TestNumberCanonicalForm(t *testing.T) {
	for in, want := range map[string]string{
		"1.50": "1.5", "0001": "1", "-0": "0", "0.0": "0", "1e2": "100", "1E+2": "100", "1.5e-3": "0.0015",
		"-1.2300": "-1.23", "+7": "7", ".5": "0.5", "5.": "5", "100": "100",
		"12345678901234567890123456789012345678":       "12345678901234567890123456789012345678",
		"9.9999999999999999999999999999999999999E+125": "999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
		"1E-130": "0." + zeros(129) + "1",
	} {
		d, err := parseNumber(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := d.String(); got != want {
			t.Errorf("%q: got %s want %s", in, got, want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestNumberLimits(t *testing.T) {
	for in, want := range map[string]string{
		"1E126":  "Number overflow. Attempting to store a number with magnitude larger than supported range",
		"-1E126": "Number overflow. Attempting to store a number with magnitude larger than supported range",
		"1E-131": "Number underflow. Attempting to store a number with magnitude smaller than supported range",
		"123456789012345678901234567890123456789": "Attempting to store more than 38 significant digits in a Number",
		"abc": "A value provided cannot be converted into a number", "": "A value provided cannot be converted into a number",
		"1e": "A value provided cannot be converted into a number", "--1": "A value provided cannot be converted into a number",
		"NaN": "A value provided cannot be converted into a number", " 1": "A value provided cannot be converted into a number",
	} {
		_, err := parseNumber(in)
		if err == nil || err.msg != want {
			t.Errorf("%q: got %v want %q", in, err, want)
		}
	}
	// 38 significant digits with trailing zeros beyond are fine.
	if _, err := parseNumber("1234567890123456789012345678901234567800000"); err != nil {
		t.Error(err)
	}
}

func TestNumberOrdering(t *testing.T) {
	ordered := []string{"-1E125", "-10", "-1", "-0.001", "0", "1E-130", "0.5", "1", "9", "10", "1e3", "123456789012345678901234567890"}
	for i := range ordered {
		for j := range ordered {
			a, _ := parseNumber(ordered[i])
			b, _ := parseNumber(ordered[j])
			got := cmpDecimal(a, b)
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("cmp(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestNumberArithmetic(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"0.1", "0.2", "0.3"}, {"0.1", "-10.1", "-10"}, {"99999999999999999999999999999999999998", "1", "99999999999999999999999999999999999999"},
		{"1", "-1", "0"}, {"1e125", "-1", "99999999999999999999999999999999999999" + zeros(87)}, {"-5", "2.5", "-2.5"},
	} {
		a, _ := parseNumber(c.a)
		b, _ := parseNumber(c.b)
		r, err := addDecimal(a, b)
		if c.a == "1e125" {
			if err == nil {
				t.Errorf("%s + %s: want a 38-digit error, got %s", c.a, c.b, r)
			}
			continue
		}
		if err != nil || r.String() != c.want {
			t.Errorf("%s + %s = %s (%v), want %s", c.a, c.b, r, err, c.want)
		}
	}
}
