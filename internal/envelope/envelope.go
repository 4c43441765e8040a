// Package envelope is dynamorm's field encryption: values sealed with
// AES-256-GCM under a data key from KMS, stored as a versioned binary
// envelope that carries the encrypted data key, with additional
// authenticated data that binds the value to its place (the caller's AAD).
// Data keys are cached, bounded by age and uses; decrypted data keys are
// cached by their encrypted form, bounded by count and age.
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// Version is the first byte of every envelope this package writes.
const Version byte = 1

const nonceSize = 12

// Envelope is a parsed envelope: the KMS key that encrypted its data key,
// the encrypted data key, the nonce and the ciphertext (with its tag).
type Envelope struct {
	KeyID      string
	DataKey    []byte
	Nonce      []byte
	Ciphertext []byte
}

// Parse reads the parts of an envelope, without decrypting anything.
func Parse(b []byte) (Envelope, error) {
	bad := func(what string) (Envelope, error) {
		return Envelope{}, fmt.Errorf("%w: not a dynamorm envelope (%s)", errs.ErrEncryption, what)
	}
	if len(b) == 0 {
		return bad("empty")
	}
	if b[0] != Version {
		return bad(fmt.Sprintf("version %d, this library reads version %d", b[0], Version))
	}
	r := reader{b[1:]}
	id, err := r.bytes()
	if err != nil {
		return bad("key id")
	}
	dk, err := r.bytes()
	if err != nil || len(dk) == 0 {
		return bad("data key")
	}
	if len(r.b) < nonceSize+16 {
		return bad("too short")
	}
	return Envelope{KeyID: string(id), DataKey: dk, Nonce: r.b[:nonceSize], Ciphertext: r.b[nonceSize:]}, nil
}

// seal encrypts plaintext with a under a fresh random nonce and returns
// the envelope naming keyID and the encrypted data key edk.
func seal(a cipher.AEAD, keyID string, edk, aad, plaintext []byte) ([]byte, error) {
	out := make([]byte, 0, 1+2*binary.MaxVarintLen16+len(keyID)+len(edk)+nonceSize+len(plaintext)+a.Overhead())
	out = append(out, Version)
	out = appendBytes(out, []byte(keyID))
	out = appendBytes(out, edk)
	n := len(out)
	out = out[:n+nonceSize]
	if _, err := rand.Read(out[n:]); err != nil {
		return nil, fmt.Errorf("%w: nonce: %w", errs.ErrEncryption, err)
	}
	return a.Seal(out, out[n:], plaintext, aad), nil
}

// newAEAD is AES-256-GCM under key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: the data key is %d bytes; AES-256 needs 32", errs.ErrEncryption, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
