package tests

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// keyIDOf is the KMS key id in the envelope of attribute a of a stored item.
func keyIDOf(t *testing.T, item map[string]types.AttributeValue, a string) string {
	t.Helper()
	env, err := envelope.Parse(item[a].(*types.AttributeValueMemberB).Value)
	if err != nil {
		t.Fatal(err)
	}
	return env.KeyID
}

func TestEncryptedKeyRotation(t *testing.T) {
	e := newEncEnv(t)
	for _, id := range []string{"c1", "c2"} {
		if err := e.edb.Model(&encCard{ID: id, Owner: "o", Fingerprint: "fp-" + id, Note: "note-" + id}).Create(); err != nil {
			t.Fatal(err)
		}
	}
	key := func(id string) map[string]types.AttributeValue { return map[string]types.AttributeValue{"ID": s(id)} }
	// The application moves to key-2: old values still decrypt.
	rotated := e.dbWith(t, "key-2", nil)
	var got encCard
	if err := rotated.Model(&encCard{ID: "c1"}).ConsistentRead().First(&got); err != nil || got.Fingerprint != "fp-c1" {
		t.Fatalf("old value under the new key: %+v %v", got, err)
	}
	// New writes use key-2; ReEncrypt moves c1's values to it.
	got.Brand = "amex"
	if err := rotated.Model(&got).Update("Brand"); err != nil {
		t.Fatal(err)
	}
	ok, err := rotated.ReEncrypt(&encCard{ID: "c1"})
	if err != nil || !ok {
		t.Fatalf("ReEncrypt: %v, %v", ok, err)
	}
	raw := e.rawItem(t, "enc_cards", key("c1"))
	if a, b := keyIDOf(t, raw, "Fingerprint"), keyIDOf(t, raw, "Note"); a != "key-2" || b != "key-2" {
		t.Fatalf("after ReEncrypt the envelopes name %s and %s, want key-2", a, b)
	}
	if v := raw["Version"].(*types.AttributeValueMemberN).Value; v != "2" {
		t.Fatalf("ReEncrypt changed the version to %s (the Update made it 2)", v)
	}
	if ok, err := rotated.ReEncrypt(&encCard{ID: "c1"}); ok || err != nil {
		t.Fatalf("second ReEncrypt: %v, %v; want nothing to do", ok, err)
	}
	// key-1 is disabled: c1 decrypts, c2 (never re-encrypted) fails clearly.
	e.keys.Disable("key-1")
	fresh := e.dbWith(t, "key-2", nil)
	if err := fresh.Model(&encCard{ID: "c1"}).ConsistentRead().First(&got); err != nil || got.Fingerprint != "fp-c1" || got.Note != "note-c1" || got.Brand != "amex" {
		t.Fatalf("re-encrypted item after key-1 was disabled: %+v %v", got, err)
	}
	err = fresh.Model(&encCard{ID: "c2"}).ConsistentRead().First(&got)
	if !errors.Is(err, dynamorm.ErrEncryption) || !errors.Is(err, dynamormtest.ErrKeyDisabled) {
		t.Fatalf("item under the disabled key: %v", err)
	}
	if _, err := fresh.ReEncrypt(&encCard{ID: "c2"}); !errors.Is(err, dynamormtest.ErrKeyDisabled) {
		t.Fatalf("ReEncrypt under a disabled key: %v", err)
	}
	if _, err := fresh.ReEncrypt(&encCard{ID: "missing"}); !errors.Is(err, dynamorm.ErrItemNotFound) {
		t.Fatalf("ReEncrypt of a missing item: %v", err)
	}
}

// afterGet is a client that calls then once, after the first GetItem it
// answers: a writer that changes the item between a read and the write
// planned on it.
type afterGet struct {
	core.DynamoDBAPI
	once sync.Once
	then func()
}

func (c *afterGet) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.DynamoDBAPI.GetItem(ctx, in, opts...)
	c.once.Do(c.then)
	return out, err
}

// TestEncryptedReEncryptRace: a value written between ReEncrypt's read and
// its write is never overwritten with the re-encrypted old value; ReEncrypt
// fails with ErrConditionFailed and the concurrent value stays, still
// readable.
func TestEncryptedReEncryptRace(t *testing.T) {
	e := newEncEnv(t)
	if err := e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "fp-old", Note: "n"}).Create(); err != nil {
		t.Fatal(err)
	}
	writer := func() {
		var c encCard
		if err := e.edb.Model(&encCard{ID: "c1"}).ConsistentRead().First(&c); err != nil {
			t.Error(err)
			return
		}
		c.Fingerprint = "fp-new"
		if err := e.edb.Model(&c).Update("Fingerprint"); err != nil {
			t.Error(err)
		}
	}
	racing := e.dbWith(t, "key-2", func(cfg *session.Config) {
		cfg.Client = &afterGet{DynamoDBAPI: cfg.Client, then: writer}
	})
	ok, err := racing.ReEncrypt(&encCard{ID: "c1"})
	if ok || !errors.Is(err, dynamorm.ErrConditionFailed) {
		t.Fatalf("ReEncrypt racing a write: %v, %v; want ErrConditionFailed", ok, err)
	}
	var got encCard
	if err := e.edb.Model(&encCard{ID: "c1"}).ConsistentRead().First(&got); err != nil || got.Fingerprint != "fp-new" || got.Note != "n" {
		t.Fatalf("after the race: %+v, %v; want the concurrent write's fp-new", got, err)
	}
	raw := e.rawItem(t, "enc_cards", map[string]types.AttributeValue{"ID": s("c1")})
	if k := keyIDOf(t, raw, "Fingerprint"); k != "key-1" {
		t.Fatalf("the concurrent write's envelope names %s, want key-1 (its writer's key)", k)
	}
	// Retried on the item as it is now, ReEncrypt succeeds.
	if ok, err := e.dbWith(t, "key-2", nil).ReEncrypt(&encCard{ID: "c1"}); !ok || err != nil {
		t.Fatalf("ReEncrypt after the race: %v, %v", ok, err)
	}
	raw = e.rawItem(t, "enc_cards", map[string]types.AttributeValue{"ID": s("c1")})
	if k := keyIDOf(t, raw, "Fingerprint"); k != "key-2" {
		t.Fatalf("after the retry the envelope names %s, want key-2", k)
	}
}
