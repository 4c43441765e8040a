package envelope

import (
	"context"
	"crypto/cipher"
	"fmt"
	"sync"
	"time"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Defaults of the data-key caches.
const (
	DefaultMaxAge      = 5 * time.Minute
	DefaultMaxUses     = 10000
	DefaultDecryptKeys = 1000
)

// Config configures Keys.
type Config struct {
	KeyID       string         // the KMS key new values are encrypted under
	KMS         core.KMSClient // where data keys come from
	MaxAge      time.Duration  // a data key is used (and a decrypted one cached) this long
	MaxUses     int            // a data key encrypts at most this many values
	DecryptKeys int            // decrypted data keys kept, by encrypted data key
	Clock       func() time.Time
}

// Keys seals and opens values. It is safe for concurrent use: one data key
// is generated at a time, and writers share it.
type Keys struct {
	cfg Config

	mu  sync.Mutex
	cur *dataKey // the data key new values are sealed with (nil: none yet)

	dmu   sync.Mutex
	dec   map[string]*dataKey // by encrypted data key
	order []string            // dec's keys, oldest first
}

// dataKey is a data key in use: its cipher, the key id and encrypted form
// stored in envelopes, and when it was made and how often it was used.
type dataKey struct {
	aead  cipher.AEAD
	keyID string
	edk   []byte
	born  time.Time
	uses  int
}

// New returns the Keys of cfg, with the defaults for zero bounds.
func New(cfg Config) *Keys {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.MaxUses <= 0 {
		cfg.MaxUses = DefaultMaxUses
	}
	if cfg.DecryptKeys <= 0 {
		cfg.DecryptKeys = DefaultDecryptKeys
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Keys{cfg: cfg, dec: map[string]*dataKey{}}
}

// KeyID is the KMS key new values are encrypted under.
func (k *Keys) KeyID() string { return k.cfg.KeyID }

// CurrentKeyID is the key id KMS names for the data key new values are
// sealed with (the key's ARN when KeyID is an alias), generating one if
// needed.
func (k *Keys) CurrentKeyID(ctx context.Context) (string, error) {
	dk, err := k.current(ctx)
	if err != nil {
		return "", err
	}
	return dk.keyID, nil
}

// Seal encrypts plaintext bound to aad and returns its envelope.
func (k *Keys) Seal(ctx context.Context, aad, plaintext []byte) ([]byte, error) {
	dk, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	return seal(dk.aead, dk.keyID, dk.edk, aad, plaintext)
}

// current returns the data key to seal with, generating one when there is
// none or the current one is too old or used up.
func (k *Keys) current(ctx context.Context) (*dataKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.cfg.Clock()
	if dk := k.cur; dk != nil && dk.uses < k.cfg.MaxUses && now.Sub(dk.born) < k.cfg.MaxAge {
		dk.uses++
		return dk, nil
	}
	out, err := k.cfg.KMS.GenerateDataKey(ctx, &core.GenerateDataKeyInput{KeyID: k.cfg.KeyID})
	if err != nil {
		return nil, fmt.Errorf("%w: KMS GenerateDataKey under %s: %w", errs.ErrEncryption, k.cfg.KeyID, err)
	}
	a, err := newAEAD(out.Plaintext)
	if err != nil {
		return nil, err
	}
	id := out.KeyID
	if id == "" {
		id = k.cfg.KeyID
	}
	dk := &dataKey{aead: a, keyID: id, edk: out.CiphertextBlob, born: now, uses: 1}
	k.cur = dk
	k.remember(dk) // values sealed with it open without a KMS call
	return dk, nil
}

// Open decrypts an envelope bound to aad.
func (k *Keys) Open(ctx context.Context, aad, b []byte) ([]byte, error) {
	env, err := Parse(b)
	if err != nil {
		return nil, err
	}
	dk, err := k.decrypted(ctx, env)
	if err != nil {
		return nil, err
	}
	plain, err := dk.aead.Open(nil, env.Nonce, env.Ciphertext, aad)
	if err != nil {
		return nil, fmt.Errorf("%w: the value does not authenticate: it was altered, or copied from another item, attribute or tenant", errs.ErrEncryption)
	}
	return plain, nil
}

// decrypted returns the cipher of env's data key, from the cache or KMS.
func (k *Keys) decrypted(ctx context.Context, env Envelope) (*dataKey, error) {
	now := k.cfg.Clock()
	k.dmu.Lock()
	dk := k.dec[string(env.DataKey)]
	k.dmu.Unlock()
	if dk != nil && now.Sub(dk.born) < k.cfg.MaxAge {
		return dk, nil
	}
	out, err := k.cfg.KMS.Decrypt(ctx, &core.DecryptInput{KeyID: env.KeyID, CiphertextBlob: env.DataKey})
	if err != nil {
		return nil, fmt.Errorf("%w: KMS Decrypt of the data key under %s: %w", errs.ErrEncryption, env.KeyID, err)
	}
	a, err := newAEAD(out.Plaintext)
	if err != nil {
		return nil, err
	}
	dk = &dataKey{aead: a, keyID: env.KeyID, edk: env.DataKey, born: now}
	k.remember(dk)
	return dk, nil
}

// remember caches dk by its encrypted form, evicting the oldest entry
// beyond the bound.
func (k *Keys) remember(dk *dataKey) {
	k.dmu.Lock()
	defer k.dmu.Unlock()
	id := string(dk.edk)
	if _, ok := k.dec[id]; !ok {
		k.order = append(k.order, id)
	}
	k.dec[id] = dk
	for len(k.order) > k.cfg.DecryptKeys {
		delete(k.dec, k.order[0])
		k.order = k.order[1:]
	}
}
