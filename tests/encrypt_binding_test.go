package tests

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// putRaw stores item in table with the SDK, as an attacker with write
// access to the table could.
func (e *env) putRaw(t *testing.T, table string, item map[string]types.AttributeValue) {
	t.Helper()
	if _, err := e.raw.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.prefix + table), Item: item}); err != nil {
		t.Fatal(err)
	}
}

// wantMoved asserts that reading item id fails as a moved or altered value.
func (e *encEnv) wantMoved(t *testing.T, id, what string) {
	t.Helper()
	var got encCard
	err := e.edb.Model(&encCard{ID: id}).ConsistentRead().First(&got)
	if !errors.Is(err, dynamorm.ErrEncryption) || !strings.Contains(err.Error(), "Fingerprint") {
		t.Fatalf("%s: read gave %+v, %v; want ErrEncryption naming the field", what, got, err)
	}
}

func TestEncryptedValueBoundToItemAndAttribute(t *testing.T) {
	e := newEncEnv(t)
	for _, c := range []encCard{{ID: "c1", Owner: "o", Fingerprint: "fp-one", Note: "n-one"}, {ID: "c2", Owner: "o", Fingerprint: "fp-two", Note: "n-two"}} {
		if err := e.edb.Model(&c).Create(); err != nil {
			t.Fatal(err)
		}
	}
	key := func(id string) map[string]types.AttributeValue { return map[string]types.AttributeValue{"ID": s(id)} }
	one, two := e.rawItem(t, "enc_cards", key("c1")), e.rawItem(t, "enc_cards", key("c2"))

	// c1's envelope copied into c2: another item.
	moved := maps.Clone(two)
	moved["Fingerprint"] = one["Fingerprint"]
	e.putRaw(t, "enc_cards", moved)
	e.wantMoved(t, "c2", "between items")

	// c2's Note envelope copied into its Fingerprint: another attribute.
	moved = maps.Clone(two)
	moved["Fingerprint"] = two["Note"]
	e.putRaw(t, "enc_cards", moved)
	e.wantMoved(t, "c2", "between attributes")

	// The whole item copied under another key.
	moved = maps.Clone(one)
	moved["ID"] = s("c3")
	e.putRaw(t, "enc_cards", moved)
	e.wantMoved(t, "c3", "item copied to another key")

	// The same item in another table (another prefix: another
	// environment's table of the same model).
	other := e.dbWith(t, "key-1", func(c *session.Config) { c.TableNamePrefix = e.prefix + "x" })
	if err := other.CreateTable(&encCard{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.DeleteTable(&encCard{}) })
	e.putRaw(t, "xenc_cards", one)
	var got encCard
	if err := other.Model(&encCard{ID: "c1"}).ConsistentRead().First(&got); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("between tables: %v", err)
	}

	// Put back as written: it decrypts (the failures were the moves).
	e.putRaw(t, "enc_cards", two)
	if err := e.edb.Model(&encCard{ID: "c2"}).ConsistentRead().First(&got); err != nil || got.Fingerprint != "fp-two" {
		t.Fatalf("restored item: %+v %v", got, err)
	}
}

func TestEncryptedTamperedEnvelope(t *testing.T) {
	e := newEncEnv(t)
	if err := e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "fp"}).Create(); err != nil {
		t.Fatal(err)
	}
	orig := e.rawItem(t, "enc_cards", map[string]types.AttributeValue{"ID": s("c1")})
	env := orig["Fingerprint"].(*types.AttributeValueMemberB).Value
	cases := map[string][]byte{
		"last byte (tag)":      flip(env, len(env)-1),
		"ciphertext":           flip(env, len(env)-17),
		"nonce":                flip(env, len(env)-17-12),
		"version":              flip(env, 0),
		"data key":             flip(env, 10),
		"truncated":            env[:len(env)/2],
		"empty":                {},
		"plaintext value (S)":  nil,
		"another key id (len)": append([]byte{1, 5}, "key-9"[:]...),
	}
	for name, b := range cases {
		item := maps.Clone(orig)
		if b == nil {
			item["Fingerprint"] = s("fp")
		} else {
			item["Fingerprint"] = &types.AttributeValueMemberB{Value: b}
		}
		e.putRaw(t, "enc_cards", item)
		e.wantMoved(t, "c1", name)
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x40
	return out
}

func TestEncryptedKMSCallsCached(t *testing.T) {
	e := newEncEnv(t)
	items := make([]encCard, 1000)
	for i := range items {
		items[i] = encCard{ID: "c" + itoa(i), Owner: "o", Fingerprint: "fp" + itoa(i)}
	}
	if err := e.edb.Model(&encCard{}).AllowOverwrite().BatchCreate(items); err != nil {
		t.Fatal(err)
	}
	if g, d := e.keys.Calls(); g != 1 || d != 0 {
		t.Fatalf("1,000 batched writes made %d GenerateDataKey and %d Decrypt calls, want 1 and 0", g, d)
	}
	all, err := dynamorm.All[encCard](e.edb.Model(&encCard{}).ConsistentRead())
	if err != nil || len(all) != 1000 {
		t.Fatalf("All: %d, %v", len(all), err)
	}
	if g, d := e.keys.Calls(); g != 1 || d != 0 {
		t.Fatalf("reading them back on the writing DB: %d, %d calls, want 1, 0 (the data key is cached)", g, d)
	}
	// Another DB (another process) decrypts the one data key once.
	reader := e.dbWith(t, "key-1", nil)
	if all, err = dynamorm.All[encCard](reader.Model(&encCard{}).ConsistentRead()); err != nil || len(all) != 1000 {
		t.Fatalf("reader All: %d, %v", len(all), err)
	}
	if g, d := e.keys.Calls(); g != 1 || d != 1 {
		t.Fatalf("a second DB reading 1,000 items: %d, %d calls, want 1, 1", g, d)
	}
	// The bound on uses: 250 values per data key gives 4 keys for 1,000.
	// The bound on age: a data key older than DataKeyMaxAge is replaced.
	g0, _ := e.keys.Calls()
	bounded := e.dbWith(t, "key-1", func(c *session.Config) { c.DataKeyMaxUses = 250 })
	if err := bounded.Model(&encCard{}).AllowOverwrite().BatchCreate(items); err != nil {
		t.Fatal(err)
	}
	if g, _ := e.keys.Calls(); g-g0 != 4 {
		t.Fatalf("1,000 writes with 250 uses per key made %d GenerateDataKey calls, want 4", g-g0)
	}
	aged := e.dbWith(t, "key-1", func(c *session.Config) { c.DataKeyMaxAge = 60e9 })
	for i := range 2 {
		if err := aged.Model(&encCard{ID: "age" + itoa(i), Owner: "o", Fingerprint: "x"}).Create(); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.clock.Advance(61e9)
		}
	}
	if g, _ := e.keys.Calls(); g-g0 != 6 {
		t.Fatalf("two writes a minute apart with DataKeyMaxAge 1m made %d new data keys, want 2", g-g0-4)
	}
}

func TestEncryptedKMSFailureWritesNothing(t *testing.T) {
	e := newEncEnv(t)
	kmsDown := errors.New("KMS: ThrottlingException")
	e.keys.FailWith(kmsDown)
	before := e.count.writes.Load()
	err := e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "fp"}).Create()
	if !errors.Is(err, dynamorm.ErrEncryption) || !errors.Is(err, kmsDown) || !strings.Contains(err.Error(), "GenerateDataKey") {
		t.Fatalf("Create with KMS failing: %v", err)
	}
	err = e.edb.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(&encAll{ID: "plainish"}).Create(); err != nil {
			return err
		}
		return tx.Model(&encCard{ID: "c2", Owner: "o", Fingerprint: "fp"}).Create()
	})
	if !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("transaction with KMS failing: %v", err)
	}
	if err := e.edb.Model(&encCard{}).AllowOverwrite().BatchCreate([]encCard{{ID: "b1", Owner: "o"}, {ID: "b2", Owner: "o"}}); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("batch with KMS failing: %v", err)
	}
	if n := e.count.writes.Load() - before; n != 0 {
		t.Fatalf("%d write requests sent while KMS failed", n)
	}
	if n := e.itemCount(t, "enc_cards") + e.itemCount(t, "enc_all"); n != 0 {
		t.Fatalf("%d items written while KMS failed", n)
	}
	// Reads of stored values fail as clearly once KMS cannot decrypt.
	e.keys.FailWith(nil)
	if err := e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "fp"}).Create(); err != nil {
		t.Fatal(err)
	}
	e.keys.FailWith(kmsDown)
	fresh := e.dbWith(t, "key-1", nil)
	var got encCard
	if err := fresh.Model(&encCard{ID: "c1"}).First(&got); !errors.Is(err, dynamorm.ErrEncryption) || !strings.Contains(err.Error(), "Decrypt") {
		t.Fatalf("read with KMS failing: %v", err)
	}
}

func TestEncryptedConcurrentWriters(t *testing.T) {
	e := newEncEnv(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := "w" + itoa(w) + "-" + itoa(i)
				if err := e.edb.Model(&encCard{ID: id, Owner: "o", Fingerprint: "fp-" + id}).Create(); err != nil {
					errs <- err
					return
				}
				var got encCard
				if err := e.edb.Model(&encCard{ID: id}).ConsistentRead().First(&got); err != nil || got.Fingerprint != "fp-"+id {
					errs <- errors.Join(err, errors.New("read back "+id+": "+got.Fingerprint))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if g, d := e.keys.Calls(); g != 1 || d != 0 {
		t.Fatalf("%d concurrent writes made %d GenerateDataKey and %d Decrypt calls, want 1 and 0", writers*each, g, d)
	}
	if n := e.itemCount(t, "enc_cards"); n != writers*each {
		t.Fatalf("%d items, want %d", n, writers*each)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
