package marshal

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimeStringsSortChronologically(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	last := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 0, 100000000, time.UTC),
		time.Date(2024, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), // the same instant as 00:00 UTC
	}
	for range 500 {
		tm := time.Unix(first+rng.Int64N(last-first), rng.Int64N(1e9))
		times = append(times, tm.In(time.FixedZone("x", rng.IntN(50000)-25000)))
	}
	texts := make([]string, len(times))
	for i, tm := range times {
		av, err := MarshalValue(tm)
		require.NoError(t, err)
		texts[i] = av.(*avS).Value
		assert.Len(t, texts[i], len(TimeLayout), texts[i])
		assert.True(t, strings.HasSuffix(texts[i], "Z"))

		var back time.Time
		require.NoError(t, UnmarshalValue(av, &back))
		assert.True(t, back.Equal(tm), "%s -> %s", tm, back)
	}
	byText := slices.Clone(times)
	slices.SortStableFunc(byText, func(a, b time.Time) int {
		sa, _ := formatTime(a)
		sb, _ := formatTime(b)
		return strings.Compare(sa, sb)
	})
	for i := 1; i < len(byText); i++ {
		assert.False(t, byText[i].Before(byText[i-1]), "%s sorts after %s", byText[i-1], byText[i])
	}
}

func TestTimeDecodesOtherForms(t *testing.T) {
	cases := map[string]struct {
		av   types.AttributeValue
		want time.Time
	}{
		"RFC 3339 with offset":    {&avS{Value: "2024-05-06T07:08:09+02:00"}, time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC)},
		"RFC 3339 short fraction": {&avS{Value: "2024-05-06T07:08:09.5Z"}, time.Date(2024, 5, 6, 7, 8, 9, 5e8, time.UTC)},
		"Unix seconds":            {&avN{Value: "1700000000"}, time.Unix(1700000000, 0)},
		"fractional Unix seconds": {&avN{Value: "1700000000.25"}, time.Unix(1700000000, 25e7)},
		"negative Unix seconds":   {&avN{Value: "-1.5"}, time.Unix(-2, 5e8)},
	}
	for name, tc := range cases {
		var got time.Time
		require.NoError(t, UnmarshalValue(tc.av, &got), name)
		assert.True(t, got.Equal(tc.want), "%s: got %s", name, got)
	}
}

func TestUnixTimeDecodesText(t *testing.T) {
	type T struct {
		When time.Time `dynamorm:"unixtime"`
	}
	var v T
	require.NoError(t, Unmarshal(map[string]types.AttributeValue{"When": &avS{Value: "2024-01-02T03:04:05Z"}}, &v))
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), v.When)
}
