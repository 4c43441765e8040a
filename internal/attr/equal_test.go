package attr

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestEqual(t *testing.T) {
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	m := func(kv ...types.AttributeValue) types.AttributeValue {
		out := map[string]types.AttributeValue{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(*types.AttributeValueMemberS).Value] = kv[i+1]
		}
		return &types.AttributeValueMemberM{Value: out}
	}
	cases := []struct {
		a, b types.AttributeValue
		want bool
	}{
		{n("1.50"), n("1.5"), true},
		{n("1"), n("2"), false},
		{n("1"), s("1"), false},
		{nil, nil, true},
		{nil, s(""), false},
		{&types.AttributeValueMemberSS{Value: []string{"a", "b"}}, &types.AttributeValueMemberSS{Value: []string{"b", "a"}}, true},
		{&types.AttributeValueMemberNS{Value: []string{"1", "2"}}, &types.AttributeValueMemberNS{Value: []string{"2.0", "1"}}, true},
		{&types.AttributeValueMemberSS{Value: []string{"a"}}, &types.AttributeValueMemberSS{Value: []string{"b"}}, false},
		{&types.AttributeValueMemberL{Value: []types.AttributeValue{s("a"), n("1")}}, &types.AttributeValueMemberL{Value: []types.AttributeValue{s("a"), n("1.0")}}, true},
		{&types.AttributeValueMemberL{Value: []types.AttributeValue{s("a"), n("1")}}, &types.AttributeValueMemberL{Value: []types.AttributeValue{n("1"), s("a")}}, false},
		{m(s("x"), n("1")), m(s("x"), n("1.0")), true},
		{m(s("x"), n("1")), m(s("y"), n("1")), false},
		{m(s("x"), n("1")), m(s("x"), n("1"), s("y"), n("2")), false},
		{&types.AttributeValueMemberBOOL{Value: true}, &types.AttributeValueMemberBOOL{Value: false}, false},
		{&types.AttributeValueMemberNULL{Value: true}, &types.AttributeValueMemberNULL{Value: true}, true},
		{&types.AttributeValueMemberB{Value: []byte{1}}, &types.AttributeValueMemberB{Value: []byte{1}}, true},
	}
	for i, c := range cases {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("case %d: Equal(%s, %s) = %v, want %v", i, Format(c.a), Format(c.b), got, c.want)
		}
	}
}
