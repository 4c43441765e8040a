package plan

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
)

type batchUnitItem struct {
	PK string `dynamorm:"pk"`
	SK int    `dynamorm:"sk"`
}

func TestNormNumber(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "12": "12", "-7": "-7", "1.0": "1", "10e-1": "1", "1.50": "3/2", "-0": "0", "007": "7", "+3": "3",
	} {
		if got := normNumber(in); got != want {
			t.Errorf("normNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyIDIgnoresNumberSpellingAndOtherAttributes(t *testing.T) {
	m, err := model.Of(reflect.TypeOf(batchUnitItem{}))
	if err != nil {
		t.Fatal(err)
	}
	a := KeyID(m, map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "x"}, "SK": &types.AttributeValueMemberN{Value: "1"}, "other": &types.AttributeValueMemberS{Value: "y"}})
	b := KeyID(m, map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "x"}, "SK": &types.AttributeValueMemberN{Value: "1.0"}})
	c := KeyID(m, map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "x1"}, "SK": &types.AttributeValueMemberN{Value: ""}})
	if a != b {
		t.Errorf("same key, different ids: %q %q", a, b)
	}
	if a == c {
		t.Errorf("different keys, same id %q", a)
	}
}
