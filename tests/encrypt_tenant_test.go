package tests

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
)

// An encrypted value is bound to its tenant: the tenant is part of the
// additional authenticated data (beside the key, whose partition key
// carries the tenant segment once tenancy adds it), so an envelope of
// tenant a never decrypts for tenant b, copied into b's item or read in
// b's scope.
func TestEncryptedValueBoundToTenant(t *testing.T) {
	e := newEncEnv(t)
	if err := e.db.AutoMigrate(&encNote{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.db.DeleteTable(&encNote{}) })
	forA := e.edb.WithContext(dynamorm.WithTenant(context.Background(), "a")).(*dynamorm.DB)
	forB := e.edb.WithContext(dynamorm.WithTenant(context.Background(), "b")).(*dynamorm.DB)
	if err := forA.Model(&encNote{ID: "n1", Body: "a's secret"}).Create(); err != nil {
		t.Fatal(err)
	}
	var got encNote
	if err := forA.Model(&encNote{ID: "n1"}).ConsistentRead().First(&got); err != nil || got.Body != "a's secret" {
		t.Fatalf("tenant a reads its note: %+v %v", got, err)
	}
	items := e.scanAll(t, "enc_notes")
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	checkSealed(t, items[0], "secret", "Body")
	// Read in b's scope: never a's plaintext.
	err := forB.Model(&encNote{ID: "n1"}).ConsistentRead().First(&got)
	if err == nil || !(errors.Is(err, dynamorm.ErrEncryption) || errors.Is(err, dynamorm.ErrItemNotFound) || errors.Is(err, dynamorm.ErrCrossTenant)) {
		t.Fatalf("tenant b reading a's note: %+v, %v", got, err)
	}
	// b's own note, given a's envelope: fails to decrypt.
	if err := forB.Model(&encNote{ID: "n2", Body: "b's secret"}).Create(); err != nil {
		t.Fatal(err)
	}
	var bItem map[string]types.AttributeValue
	for _, it := range e.scanAll(t, "enc_notes") {
		if _, isA := it["Body"]; isA && !sameAV(it["Body"], items[0]["Body"]) {
			bItem = it
		}
	}
	if bItem == nil {
		t.Fatal("b's note not found")
	}
	moved := maps.Clone(bItem)
	moved["Body"] = items[0]["Body"]
	e.putRaw(t, "enc_notes", moved)
	if err := forB.Model(&encNote{ID: "n2"}).ConsistentRead().First(&got); !errors.Is(err, dynamorm.ErrEncryption) {
		t.Fatalf("a's envelope in b's note: %+v, %v", got, err)
	}
}

func sameAV(a, b types.AttributeValue) bool {
	x, ok1 := a.(*types.AttributeValueMemberB)
	y, ok2 := b.(*types.AttributeValueMemberB)
	return ok1 && ok2 && string(x.Value) == string(y.Value)
}
