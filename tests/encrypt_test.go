package tests

import (
	"bytes"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

func fullEncAll(id string) encAll {
	p := "pointed"
	return encAll{
		ID: id, Plain: "visible", Str: "secret-" + id, Int: -1 << 62, Uint: 1<<64 - 1, Float: 3.141592653589793,
		Bool: true, Bytes: []byte{0, 1, 2, 255}, Time: time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC),
		Unix: time.Unix(1700000000, 0).UTC(), Dur: 90 * time.Minute, Ptr: &p,
		List: []string{"a", "", "c"}, StrSet: []string{"x", "y"}, NumSet: []int{-3, 7}, BinSet: [][]byte{{1}, {2, 3}},
		Map: map[string]int{"one": 1, "two": 2}, Array: [3]int16{-1, 0, 1},
		Nested:  encNested{Label: "n", Score: 0.5, Tags: []string{"t"}},
		NestPtr: &encNested{Label: "p"}, Addr: netip.MustParseAddr("2001:db8::1"),
		Any: map[string]any{"s": "v", "n": marshal.Number("1.5"), "l": []any{"x", true}}, // numbers in any decode as marshal.Number, encrypted or not
	}
}

// sameEncAll compares what matters of two encAll values (the version and
// updated_at are the library's).
func sameEncAll(t *testing.T, want, got encAll) {
	t.Helper()
	want.Version, got.Version = 0, 0
	want.Updated, got.Updated = time.Time{}, time.Time{}
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		if w, g := wv.Field(i).Interface(), gv.Field(i).Interface(); !reflect.DeepEqual(w, g) {
			t.Fatalf("round trip of %s: want %#v, got %#v", wv.Type().Field(i).Name, w, g)
		}
	}
}

// checkSealed asserts that every encrypted attribute of a stored item is
// an envelope that does not contain the plaintext string given.
func checkSealed(t *testing.T, item map[string]types.AttributeValue, plain string, attrs ...string) {
	t.Helper()
	for _, a := range attrs {
		b, ok := item[a].(*types.AttributeValueMemberB)
		if !ok {
			t.Fatalf("stored %s is %T, want an envelope (B)", a, item[a])
		}
		if b.Value[0] != 1 || len(b.Value) < 40 {
			t.Fatalf("stored %s is no version-1 envelope: % x", a, b.Value)
		}
		if plain != "" && bytes.Contains(b.Value, []byte(plain)) {
			t.Fatalf("stored %s contains the plaintext %q", a, plain)
		}
	}
}

var encAllAttrs = []string{"Str", "Int", "Uint", "Float", "Bool", "Bytes", "Time", "Unix", "Dur", "Ptr", "NilPtr",
	"List", "StrSet", "NumSet", "BinSet", "Map", "Array", "Nested", "NestPtr", "Addr", "Any"}

func TestEncryptedRoundTripEveryType(t *testing.T) {
	e := newEncEnv(t)
	v := fullEncAll("a1")
	if err := e.edb.Model(&v).Create(); err != nil {
		t.Fatal(err)
	}
	raw := e.rawItem(t, "enc_all", map[string]types.AttributeValue{"ID": s("a1")})
	checkSealed(t, raw, "secret-a1", encAllAttrs...)
	if _, ok := raw["Empty"]; ok {
		t.Fatal("an omitted empty encrypted field was stored")
	}
	if p, ok := raw["Plain"].(*types.AttributeValueMemberS); !ok || p.Value != "visible" {
		t.Fatalf("plain field stored as %#v", raw["Plain"])
	}
	var got encAll
	if err := e.edb.Model(&encAll{ID: "a1"}).First(&got); err != nil {
		t.Fatal(err)
	}
	sameEncAll(t, v, got)

	// Zero values round-trip as well (NULL, empty, false, 0).
	z := encAll{ID: "z"}
	if err := e.edb.Model(&z).Create(); err != nil {
		t.Fatal(err)
	}
	var gz encAll
	if err := e.edb.Model(&encAll{ID: "z"}).First(&gz); err != nil {
		t.Fatal(err)
	}
	sameEncAll(t, z, gz)

	// Without the KMS configuration, the stored item is refused clearly.
	err := e.db.Model(&encAll{ID: "a1"}).First(&got)
	if !errors.Is(err, dynamorm.ErrEncryption) || !strings.Contains(err.Error(), "KMSKeyARN") {
		t.Fatalf("read without keys: %v", err)
	}
	a2 := fullEncAll("a2")
	if err := e.db.Model(&a2).Create(); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("write without keys: %v", err)
	}
	if n := e.itemCount(t, "enc_all"); n != 2 {
		t.Fatalf("%d items, want 2 (nothing written without keys)", n)
	}
}

func TestEncryptedWritePaths(t *testing.T) {
	e := newEncEnv(t)
	db := e.edb
	read := func(id string) encAll {
		t.Helper()
		var got encAll
		if err := db.Model(&encAll{ID: id}).ConsistentRead().First(&got); err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		return got
	}
	// CreateOrUpdate, Update(fields), UpdateBuilder Set, ExecuteWithResult.
	v := fullEncAll("u1")
	if err := db.Model(&v).CreateOrUpdate(); err != nil {
		t.Fatal(err)
	}
	v.Str, v.Map = "changed", map[string]int{"z": 26}
	if err := db.Model(&v).Update("Str", "Map"); err != nil {
		t.Fatal(err)
	}
	sameEncAll(t, v, read("u1"))
	if err := db.Model(&encAll{ID: "u1"}).UpdateBuilder().Set("Str", "built").Set("List", []string{"q"}).Execute(); err != nil {
		t.Fatal(err)
	}
	v.Str, v.List = "built", []string{"q"}
	sameEncAll(t, v, read("u1"))
	var res encAll
	if err := db.Model(&encAll{ID: "u1"}).UpdateBuilder().Set("Str", "returned").ExecuteWithResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Str != "returned" || res.Map["z"] != 26 {
		t.Fatalf("ExecuteWithResult decoded %+v", res)
	}
	raw := e.rawItem(t, "enc_all", map[string]types.AttributeValue{"ID": s("u1")})
	checkSealed(t, raw, "returned", "Str", "List", "Map")

	// Batches: BatchCreate, then BatchGet, Query-less Scan.
	batch := []encAll{fullEncAll("b1"), fullEncAll("b2"), fullEncAll("b3")}
	if err := db.Model(&encAll{}).AllowOverwrite().BatchCreate(batch); err != nil {
		t.Fatal(err)
	}
	var got []encAll
	if err := db.Model(&encAll{}).BatchGet([]any{encAll{ID: "b1"}, encAll{ID: "b3"}}, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("BatchGet returned %d items", len(got))
	}
	for _, g := range got {
		sameEncAll(t, fullEncAll(g.ID), g)
	}
	// A transaction of a create and an update.
	err := db.Transaction(func(tx *dynamorm.Tx) error {
		c := fullEncAll("t1")
		if err := tx.Model(&c).Create(); err != nil {
			return err
		}
		b := read("b2")
		b.Str = "in-tx"
		return tx.Model(&b).Update("Str")
	})
	if err != nil {
		t.Fatal(err)
	}
	sameEncAll(t, fullEncAll("t1"), read("t1"))
	if g := read("b2"); g.Str != "in-tx" {
		t.Fatalf("transaction update: %q", g.Str)
	}
	// Scan through the typed API and a projection.
	all, err := dynamorm.All[encAll](db.Model(&encAll{}).ConsistentRead())
	if err != nil || len(all) != 5 {
		t.Fatalf("All: %d items, %v", len(all), err)
	}
	var proj encAll
	if err := db.Model(&encAll{ID: "t1"}).Select("Str").First(&proj); err != nil || proj.Str != "secret-t1" || proj.Plain != "" {
		t.Fatalf("projection: %+v, %v", proj, err)
	}
}

func TestEncryptedStreamImages(t *testing.T) {
	e := newEncEnv(t)
	v := fullEncAll("s1")
	if err := e.edb.Model(&v).Create(); err != nil {
		t.Fatal(err)
	}
	raw := e.rawItem(t, "enc_all", map[string]types.AttributeValue{"ID": s("s1")})
	image := marshal.ToStreamImage(raw)
	var got encAll
	if err := e.edb.UnmarshalItem(image, &got); err != nil {
		t.Fatal(err)
	}
	sameEncAll(t, v, got)
	var list []encAll
	if err := e.edb.UnmarshalItems([]map[string]events.DynamoDBAttributeValue{image}, &list); err != nil || len(list) != 1 {
		t.Fatalf("UnmarshalItems: %v", err)
	}
	sameEncAll(t, v, list[0])
	// The package function has no keys: a clear error, not ciphertext.
	if err := dynamorm.UnmarshalItem(image, &got); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("package UnmarshalItem: %v", err)
	}
	// An entity's stream image through EntityOf of a DB's configuration is
	// the DB's UnmarshalItem; the package EntityOf refuses.
	r := encRecord{Patient: "p", N: 1, Diagnosis: "flu", Visible: "v"}
	if err := e.edb.Model(&r).Create(); err != nil {
		t.Fatal(err)
	}
	shop := e.scanAll(t, "enc_shop")
	if len(shop) != 1 {
		t.Fatalf("%d items in enc_shop", len(shop))
	}
	rawR := shop[0]
	checkSealed(t, rawR, "flu", "Diagnosis")
	var gr encRecord
	if err := e.edb.UnmarshalItem(marshal.ToStreamImage(rawR), &gr); err != nil || gr.Diagnosis != "flu" {
		t.Fatalf("entity UnmarshalItem: %+v %v", gr, err)
	}
	if _, err := dynamorm.EntityOf(marshal.ToStreamImage(rawR), encRecord{}); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("package EntityOf: %v", err)
	}
}

func TestEncryptedSaveComparesPlaintext(t *testing.T) {
	e := newEncEnv(t)
	c := encCard{ID: "c1", Owner: "o1", Fingerprint: "fp-1", Brand: "visa"}
	if err := e.edb.Model(&c).Save(); err != nil {
		t.Fatal(err)
	}
	var got encCard
	if err := e.edb.Model(&encCard{ID: "c1"}).ConsistentRead().First(&got); err != nil {
		t.Fatal(err)
	}
	before := e.count.writes.Load()
	if err := e.edb.Model(&got).Save(); err != nil {
		t.Fatal(err)
	}
	if n := e.count.writes.Load() - before; n != 0 {
		t.Fatalf("Save of an unchanged value sent %d writes (an envelope differs on every write; Save must compare plaintext)", n)
	}
	got.Fingerprint = "fp-2"
	if err := e.edb.Model(&got).Save(); err != nil {
		t.Fatal(err)
	}
	if err := e.edb.Model(&got).Save(); err != nil { // what Save wrote is remembered in plaintext
		t.Fatal(err)
	}
	if n := e.count.writes.Load() - before; n != 1 {
		t.Fatalf("%d writes, want 1", n)
	}
	var again encCard
	if err := e.edb.Model(&encCard{ID: "c1"}).ConsistentRead().First(&again); err != nil || again.Fingerprint != "fp-2" || again.Version != 2 {
		t.Fatalf("after Save: %+v %v", again, err)
	}
	// A read through the index (plain key) decrypts too.
	byOwner, err := dynamorm.All[encCard](e.edb.Model(&encCard{}).Where("Owner", "=", "o1"))
	if err != nil || len(byOwner) != 1 || byOwner[0].Fingerprint != "fp-2" {
		t.Fatalf("index query: %+v %v", byOwner, err)
	}
}
