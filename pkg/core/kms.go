package core

import "context"

// KMSClient is the part of AWS KMS that field encryption calls: a data key
// for new values (GenerateDataKey) and the plaintext of a stored value's
// data key (Decrypt). The shapes mirror aws-sdk-go-v2/service/kms, which
// this module does not import: pkg/kmskeys adapts a *kms.Client, and
// dynamormtest.LocalKeys is a deterministic in-process provider for tests.
type KMSClient interface {
	GenerateDataKey(ctx context.Context, in *GenerateDataKeyInput) (*GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *DecryptInput) (*DecryptOutput, error)
}

// GenerateDataKeyInput asks for a new AES-256 data key under KeyID (a KMS
// key id, ARN or alias).
type GenerateDataKeyInput struct {
	KeyID             string
	EncryptionContext map[string]string
}

// GenerateDataKeyOutput is a new data key: in plaintext (32 bytes, used
// in memory only) and encrypted under KeyID (stored in every envelope).
type GenerateDataKeyOutput struct {
	KeyID          string // the ARN of the key that encrypted it
	Plaintext      []byte
	CiphertextBlob []byte
}

// DecryptInput asks for the plaintext of an encrypted data key; KeyID is
// the key the envelope names.
type DecryptInput struct {
	KeyID             string
	CiphertextBlob    []byte
	EncryptionContext map[string]string
}

// DecryptOutput is the plaintext data key.
type DecryptOutput struct {
	KeyID     string
	Plaintext []byte
}
