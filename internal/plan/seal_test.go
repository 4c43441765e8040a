package plan

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

type sealNote struct {
	model.Marker `dynamorm:"table:notes,entity:note,tenant,pk:NOTE#{ID},sk:NOTE"`
	ID           string
	Body         string `dynamorm:"encrypted"`
}

type sealCard struct {
	ID   int    `dynamorm:"pk"`
	Body string `dynamorm:"encrypted"`
}

// fixedKMS hands out one data key; it is enough for the AAD tests.
type fixedKMS struct{}

func (fixedKMS) GenerateDataKey(context.Context, *core.GenerateDataKeyInput) (*core.GenerateDataKeyOutput, error) {
	return &core.GenerateDataKeyOutput{KeyID: "k", Plaintext: make([]byte, 32), CiphertextBlob: []byte("edk")}, nil
}
func (fixedKMS) Decrypt(context.Context, *core.DecryptInput) (*core.DecryptOutput, error) {
	return &core.DecryptOutput{KeyID: "k", Plaintext: make([]byte, 32)}, nil
}

func mustModel(t *testing.T, v any) *model.Model {
	t.Helper()
	m, err := model.Of(reflect.TypeOf(v))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAADBindsEveryPart(t *testing.T) {
	note := mustModel(t, sealNote{})
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "NOTE#1"}, "sk": &types.AttributeValueMemberS{Value: "NOTE"}}
	base, err := AAD("notes", note, "a", "Body", key)
	if err != nil {
		t.Fatal(err)
	}
	other := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "NOTE#2"}, "sk": key["sk"]}
	variants := map[string]func() ([]byte, error){
		"table":     func() ([]byte, error) { return AAD("notes2", note, "a", "Body", key) },
		"tenant":    func() ([]byte, error) { return AAD("notes", note, "b", "Body", key) },
		"attribute": func() ([]byte, error) { return AAD("notes", note, "a", "Other", key) },
		"key":       func() ([]byte, error) { return AAD("notes", note, "a", "Body", other) },
	}
	for name, f := range variants {
		got, err := f()
		if err != nil || bytes.Equal(got, base) {
			t.Errorf("AAD does not depend on the %s (%v)", name, err)
		}
	}
	// A key with a tenant segment names its tenant: another scope is
	// ErrCrossTenant, no scope (the system scope) takes the key's.
	prefixed := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "$ta#NOTE#1"}, "sk": key["sk"]}
	if _, err := AAD("notes", note, "b", "Body", prefixed); !errors.Is(err, errs.ErrCrossTenant) {
		t.Errorf("tenant b sealing a's key: %v", err)
	}
	sys, _ := AAD("notes", note, "", "Body", prefixed)
	own, _ := AAD("notes", note, "a", "Body", prefixed)
	if !bytes.Equal(sys, own) {
		t.Error("the system scope does not bind a prefixed key to its tenant")
	}
	// Numbers are normalised as DynamoDB stores them.
	card := mustModel(t, sealCard{})
	one, _ := AAD("cards", card, "", "Body", map[string]types.AttributeValue{"ID": &types.AttributeValueMemberN{Value: "10"}})
	two, _ := AAD("cards", card, "", "Body", map[string]types.AttributeValue{"ID": &types.AttributeValueMemberN{Value: "1.0e1"}})
	if !bytes.Equal(one, two) {
		t.Error("10 and 1.0e1 give different AADs")
	}
	if _, err := AAD("cards", card, "", "Body", map[string]types.AttributeValue{}); !errors.Is(err, errs.ErrEncryption) {
		t.Errorf("missing key: %v", err)
	}
}

func TestOpenRefusesAnotherTenant(t *testing.T) {
	note := mustModel(t, sealNote{})
	keys := envelope.New(envelope.Config{KeyID: "k", KMS: fixedKMS{}})
	a := &Sealing{Keys: keys, Tenant: "a"}
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "NOTE#1"}, "sk": &types.AttributeValueMemberS{Value: "NOTE"}}
	sealed, err := a.sealValue("notes", note, "Body", item, &types.AttributeValueMemberS{Value: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	item["Body"] = sealed
	if got, err := a.Open("notes", note, item); err != nil || got["Body"].(*types.AttributeValueMemberS).Value != "secret" {
		t.Fatalf("own tenant: %v %v", got, err)
	}
	b := &Sealing{Keys: keys, Tenant: "b"}
	if _, err := b.Open("notes", note, item); !errors.Is(err, errs.ErrEncryption) {
		t.Fatalf("another tenant opened the value: %v", err)
	}
}

func TestUpdateActionsOf(t *testing.T) {
	got := updateActionsOf("SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1), #n2 = list_append(if_not_exists(#n2, :v2), :v3) REMOVE #n3, #n4.#n5 ADD #n6 :v4 DELETE #n7 :v5")
	want := []updateAction{
		{"SET", "#n0", ":v0"}, {"SET", "#n1", "if_not_exists(#n1, :v1)"}, {"SET", "#n2", "list_append(if_not_exists(#n2, :v2), :v3)"},
		{"REMOVE", "#n3", ""}, {"REMOVE", "#n4.#n5", ""}, {"ADD", "#n6", ":v4"}, {"DELETE", "#n7", ":v5"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}
