package kmskeys

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// recordingKMS answers like KMS and records the inputs.
type recordingKMS struct {
	gen *kms.GenerateDataKeyInput
	dec *kms.DecryptInput
	err error
}

func (r *recordingKMS) GenerateDataKey(_ context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	r.gen = in
	if r.err != nil {
		return nil, r.err
	}
	return &kms.GenerateDataKeyOutput{KeyId: aws.String("arn:k"), Plaintext: make([]byte, 32), CiphertextBlob: []byte("blob")}, nil
}

func (r *recordingKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	r.dec = in
	if r.err != nil {
		return nil, r.err
	}
	return &kms.DecryptOutput{KeyId: aws.String("arn:k"), Plaintext: make([]byte, 32)}, nil
}

func TestAdapter(t *testing.T) {
	r := &recordingKMS{}
	c := New(r)
	out, err := c.GenerateDataKey(context.Background(), &core.GenerateDataKeyInput{KeyID: "alias/app"})
	if err != nil || out.KeyID != "arn:k" || string(out.CiphertextBlob) != "blob" || len(out.Plaintext) != 32 {
		t.Fatalf("GenerateDataKey: %+v %v", out, err)
	}
	if aws.ToString(r.gen.KeyId) != "alias/app" || r.gen.KeySpec != types.DataKeySpecAes256 {
		t.Fatalf("sent %+v", r.gen)
	}
	d, err := c.Decrypt(context.Background(), &core.DecryptInput{KeyID: "arn:k", CiphertextBlob: []byte("blob")})
	if err != nil || len(d.Plaintext) != 32 || aws.ToString(r.dec.KeyId) != "arn:k" || string(r.dec.CiphertextBlob) != "blob" {
		t.Fatalf("Decrypt: %+v %v (sent %+v)", d, err, r.dec)
	}
	r.err = errors.New("AccessDeniedException")
	if _, err := c.Decrypt(context.Background(), &core.DecryptInput{CiphertextBlob: []byte("blob")}); !errors.Is(err, r.err) {
		t.Fatalf("error not passed through: %v", err)
	}
}
