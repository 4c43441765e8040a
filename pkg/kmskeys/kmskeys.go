// Package kmskeys adapts an AWS KMS client (aws-sdk-go-v2/service/kms) to
// the core.KMSClient that dynamorm's field encryption calls:
//
//	cfg, _ := config.LoadDefaultConfig(ctx)
//	db, err := dynamorm.New(session.Config{
//		KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:key/...",
//		KMSClient: kmskeys.New(kms.NewFromConfig(cfg)),
//	})
//
// It is a package of its own so that programs that do not encrypt do not
// link the KMS client.
package kmskeys

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// API is the part of *kms.Client the adapter calls (a test double fits).
type API interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, opts ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, opts ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// Client is a core.KMSClient on AWS KMS.
type Client struct{ api API }

var _ core.KMSClient = (*Client)(nil)

// New returns the core.KMSClient of api, usually a *kms.Client.
func New(api API) *Client { return &Client{api: api} }

// GenerateDataKey asks KMS for an AES-256 data key under in.KeyID.
func (c *Client) GenerateDataKey(ctx context.Context, in *core.GenerateDataKeyInput) (*core.GenerateDataKeyOutput, error) {
	out, err := c.api.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(in.KeyID),
		KeySpec: types.DataKeySpecAes256, EncryptionContext: in.EncryptionContext})
	if err != nil {
		return nil, err
	}
	if len(out.Plaintext) != 32 || len(out.CiphertextBlob) == 0 {
		return nil, fmt.Errorf("kmskeys: GenerateDataKey under %s returned a %d-byte key and a %d-byte blob", in.KeyID, len(out.Plaintext), len(out.CiphertextBlob))
	}
	return &core.GenerateDataKeyOutput{KeyID: aws.ToString(out.KeyId), Plaintext: out.Plaintext, CiphertextBlob: out.CiphertextBlob}, nil
}

// Decrypt asks KMS for the plaintext of an encrypted data key; in.KeyID
// (from the envelope) makes KMS refuse a blob of another key.
func (c *Client) Decrypt(ctx context.Context, in *core.DecryptInput) (*core.DecryptOutput, error) {
	dec := &kms.DecryptInput{CiphertextBlob: in.CiphertextBlob, EncryptionContext: in.EncryptionContext}
	if in.KeyID != "" {
		dec.KeyId = aws.String(in.KeyID)
	}
	out, err := c.api.Decrypt(ctx, dec)
	if err != nil {
		return nil, err
	}
	return &core.DecryptOutput{KeyID: aws.ToString(out.KeyId), Plaintext: out.Plaintext}, nil
}
