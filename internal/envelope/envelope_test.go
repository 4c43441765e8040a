package envelope

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/pkg/core"
)

func TestValueRoundTrip(t *testing.T) {
	values := []types.AttributeValue{
		&types.AttributeValueMemberNULL{Value: true}, &types.AttributeValueMemberBOOL{Value: true},
		&types.AttributeValueMemberBOOL{Value: false}, &types.AttributeValueMemberS{Value: ""},
		&types.AttributeValueMemberS{Value: "héllo\x00"}, &types.AttributeValueMemberN{Value: "-1.5e10"},
		&types.AttributeValueMemberB{Value: []byte{0, 255}}, &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		&types.AttributeValueMemberNS{Value: []string{"1", "2"}}, &types.AttributeValueMemberBS{Value: [][]byte{{1}, {}}},
		&types.AttributeValueMemberL{Value: []types.AttributeValue{}},
		&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"z": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "x"}}},
			"a": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
		}},
	}
	for _, v := range values {
		b, err := AppendValue(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseValue(b)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%#v: got %#v, %v", v, got, err)
		}
		if len(b) > 1 {
			if _, err := ParseValue(b[:len(b)-1]); err == nil {
				t.Errorf("%#v: a truncated encoding parsed", v)
			}
		}
	}
}

// countingKMS hands out fresh data keys and counts calls.
type countingKMS struct{ gen, dec int }

func (k *countingKMS) GenerateDataKey(_ context.Context, in *core.GenerateDataKeyInput) (*core.GenerateDataKeyOutput, error) {
	k.gen++
	key := make([]byte, 32)
	key[0] = byte(k.gen)
	return &core.GenerateDataKeyOutput{KeyID: in.KeyID, Plaintext: key, CiphertextBlob: []byte{byte(k.gen)}}, nil
}

func (k *countingKMS) Decrypt(_ context.Context, in *core.DecryptInput) (*core.DecryptOutput, error) {
	k.dec++
	key := make([]byte, 32)
	key[0] = in.CiphertextBlob[0]
	return &core.DecryptOutput{KeyID: in.KeyID, Plaintext: key}, nil
}

func TestKeysCachesAndBounds(t *testing.T) {
	now := time.Unix(0, 0)
	kms := &countingKMS{}
	k := New(Config{KeyID: "k1", KMS: kms, MaxUses: 3, MaxAge: time.Minute, DecryptKeys: 2, Clock: func() time.Time { return now }})
	ctx := context.Background()
	var envs [][]byte
	for range 7 {
		b, err := k.Seal(ctx, []byte("aad"), []byte("plain"))
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, b)
	}
	if kms.gen != 3 {
		t.Fatalf("7 seals with 3 uses per key: %d data keys, want 3", kms.gen)
	}
	// Keys 2 and 3 are cached (bound 2); key 1 needs a Decrypt.
	for i := len(envs) - 1; i >= 0; i-- {
		b := envs[i]
		if p, err := k.Open(ctx, []byte("aad"), b); err != nil || string(p) != "plain" {
			t.Fatalf("open: %q %v", p, err)
		}
	}
	if kms.dec != 1 {
		t.Fatalf("%d Decrypt calls, want 1 (only the evicted key)", kms.dec)
	}
	if _, err := k.Open(ctx, []byte("other"), envs[6]); !errors.Is(err, errs.ErrEncryption) {
		t.Fatalf("another AAD: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := k.Seal(ctx, nil, nil); err != nil || kms.gen != 4 {
		t.Fatalf("an aged data key was reused (%d keys, %v)", kms.gen, err)
	}
	env, err := Parse(envs[0])
	if err != nil || env.KeyID != "k1" || len(env.Nonce) != nonceSize {
		t.Fatalf("Parse: %+v %v", env, err)
	}
}
