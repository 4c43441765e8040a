package dynamormtest

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// LocalKeys is an in-process stand-in for AWS KMS (a core.KMSClient) for
// tests and examples of encrypted fields: session.Config{KMSKeyARN: "any
// id", KMSClient: dynamormtest.NewLocalKeys()}.
//
// NOT FOR PRODUCTION. It is deterministic: the master key of a key id is
// the SHA-256 of a fixed, public label and the id, and its data keys follow
// from a counter, so anyone can decrypt what it encrypts. Use AWS KMS
// (pkg/kmskeys) for data that needs protecting.
//
// It counts its calls, can disable a key id (as a KMS key disabled or
// scheduled for deletion) and can be made to fail, for tests of key
// rotation, caching and failures. It is safe for concurrent use.
type LocalKeys struct {
	mu       sync.Mutex
	next     uint64
	disabled map[string]bool
	fail     error
	generate int
	decrypt  int
}

// NewLocalKeys returns a LocalKeys with every key id enabled.
func NewLocalKeys() *LocalKeys { return &LocalKeys{disabled: map[string]bool{}} }

const localLabel = "dynamormtest LocalKeys: not for production\x00"

// ErrKeyDisabled is what LocalKeys returns for a disabled key id.
var ErrKeyDisabled = errors.New("dynamormtest: KMS key disabled")

// GenerateDataKey returns a new data key under in.KeyID.
func (k *LocalKeys) GenerateDataKey(_ context.Context, in *core.GenerateDataKeyInput) (*core.GenerateDataKeyOutput, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.generate++
	if err := k.usable(in.KeyID); err != nil {
		return nil, err
	}
	k.next++
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], k.next)
	dk := sha256.Sum256(append([]byte(localLabel+"data\x00"+in.KeyID+"\x00"), n[:]...))
	a := masterOf(in.KeyID)
	nonce := make([]byte, a.NonceSize())
	copy(nonce, n[:])
	blob := append([]byte(in.KeyID+"\x00"), nonce...)
	blob = a.Seal(blob, nonce, dk[:], []byte(in.KeyID))
	return &core.GenerateDataKeyOutput{KeyID: in.KeyID, Plaintext: dk[:], CiphertextBlob: blob}, nil
}

// Decrypt returns the plaintext of a data key GenerateDataKey made.
func (k *LocalKeys) Decrypt(_ context.Context, in *core.DecryptInput) (*core.DecryptOutput, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.decrypt++
	id, rest, ok := bytes.Cut(in.CiphertextBlob, []byte{0})
	if !ok || in.KeyID != "" && in.KeyID != string(id) {
		return nil, fmt.Errorf("dynamormtest: InvalidCiphertextException: not a data key of key %q", in.KeyID)
	}
	if err := k.usable(string(id)); err != nil {
		return nil, err
	}
	a := masterOf(string(id))
	if len(rest) < a.NonceSize() {
		return nil, fmt.Errorf("dynamormtest: InvalidCiphertextException: data key too short")
	}
	plain, err := a.Open(nil, rest[:a.NonceSize()], rest[a.NonceSize():], id)
	if err != nil {
		return nil, fmt.Errorf("dynamormtest: InvalidCiphertextException: %v", err)
	}
	return &core.DecryptOutput{KeyID: string(id), Plaintext: plain}, nil
}

func (k *LocalKeys) usable(id string) error {
	if k.fail != nil {
		return k.fail
	}
	if k.disabled[id] {
		return fmt.Errorf("%w: %s", ErrKeyDisabled, id)
	}
	return nil
}

func masterOf(id string) cipher.AEAD {
	key := sha256.Sum256([]byte(localLabel + "master\x00" + id))
	block, _ := aes.NewCipher(key[:])
	a, _ := cipher.NewGCM(block)
	return a
}

// Disable makes every call for key id fail with ErrKeyDisabled (Enable
// undoes it).
func (k *LocalKeys) Disable(id string) { k.mu.Lock(); k.disabled[id] = true; k.mu.Unlock() }

// Enable undoes Disable.
func (k *LocalKeys) Enable(id string) { k.mu.Lock(); delete(k.disabled, id); k.mu.Unlock() }

// FailWith makes every call fail with err (nil: succeed again).
func (k *LocalKeys) FailWith(err error) { k.mu.Lock(); k.fail = err; k.mu.Unlock() }

// Calls returns how many GenerateDataKey and Decrypt calls were made.
func (k *LocalKeys) Calls() (generate, decrypt int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.generate, k.decrypt
}
