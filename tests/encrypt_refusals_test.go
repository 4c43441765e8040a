package tests

import (
	"errors"
	"strings"
	"testing"

	"github.com/dynamorm/dynamorm"
)

type encBadPK struct {
	ID string `dynamorm:"pk,encrypted"`
}
type encBadIndex struct {
	ID    string `dynamorm:"pk"`
	Email string `dynamorm:"index:by-email,pk,encrypted"`
}
type encBadUnique struct {
	ID    string `dynamorm:"pk"`
	Email string `dynamorm:"unique,encrypted"`
}
type encBadCounter struct {
	ID string `dynamorm:"pk"`
	N  int    `dynamorm:"counter,encrypted"`
}
type encBadVersion struct {
	ID string `dynamorm:"pk"`
	V  int    `dynamorm:"version,encrypted"`
}
type encBadTTL struct {
	ID  string `dynamorm:"pk"`
	Exp int64  `dynamorm:"ttl,encrypted"`
}
type encBadComponent struct {
	dynamorm.Entity `dynamorm:"table:enc_bad,entity:bad,pk:USER#{SSN},sk:X"`
	SSN             string `dynamorm:"encrypted"`
}

func TestEncryptedDeclarationsRefused(t *testing.T) {
	e := newEncEnv(t)
	cases := []struct {
		model any
		want  string
	}{
		{&encBadPK{}, "table key"}, {&encBadIndex{}, "index key"}, {&encBadUnique{}, "unique"},
		{&encBadCounter{}, "counter"}, {&encBadVersion{}, "version"}, {&encBadTTL{}, "ttl"},
		{&encBadComponent{}, "component of the derived key pk"},
	}
	for _, c := range cases {
		err := e.edb.Register(c.model)
		if !errors.Is(err, dynamorm.ErrInvalidModel) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("Register(%T): %v; want ErrInvalidModel saying %q", c.model, err, c.want)
		}
	}
}

func TestEncryptedOperandsRefusedBeforeSending(t *testing.T) {
	e := newEncEnv(t)
	if err := e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "fp", Note: "n"}).Create(); err != nil {
		t.Fatal(err)
	}
	reads, writes := e.count.reads.Load(), e.count.writes.Load()
	var out []encCard
	var one encCard
	checks := map[string]error{
		"Where":            e.edb.Model(&encCard{}).Where("Fingerprint", "=", "fp").All(&out),
		"Filter":           e.edb.Model(&encCard{}).Where("Owner", "=", "o").Filter("Note", "begins_with", "n").All(&out),
		"WithCondition":    e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "x"}).WithCondition("Fingerprint", "=", "fp").Update("Fingerprint"),
		"raw condition":    e.edb.Model(&encCard{ID: "c1", Owner: "o", Fingerprint: "x"}).WithConditionExpression("Note = :n", map[string]any{":n": "n"}).Update("Fingerprint"),
		"builder Add":      e.edb.Model(&encAll{ID: "c1"}).UpdateBuilder().Add("StrSet", []string{"x"}).Execute(),
		"builder Append":   e.edb.Model(&encAll{ID: "c1"}).UpdateBuilder().AppendToList("List", []string{"x"}).Execute(),
		"builder path":     e.edb.Model(&encAll{ID: "c1"}).UpdateBuilder().Set("Map.one", 2).Execute(),
		"builder element":  e.edb.Model(&encAll{ID: "c1"}).UpdateBuilder().SetListElement("List", 0, "x").Execute(),
		"builder cond":     e.edb.Model(&encCard{ID: "c1"}).UpdateBuilder().Set("Brand", "x").Condition("Note", "=", "n").Execute(),
		"Where then First": e.edb.Model(&encCard{}).Where("ID", "=", "c1").Where("Note", "=", "n").First(&one),
	}
	for name, err := range checks {
		if !errors.Is(err, dynamorm.ErrValidation) || !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("%s: %v; want ErrValidation saying the field is encrypted", name, err)
		}
	}
	if r, w := e.count.reads.Load()-reads, e.count.writes.Load()-writes; r != 0 || w != 0 {
		t.Fatalf("%d reads and %d writes sent for refused operations", r, w)
	}
	// Existence conditions do not compare the value: allowed.
	if err := e.edb.Model(&encCard{ID: "c1"}).UpdateBuilder().Set("Note", "m").ConditionExists("Note").Execute(); err != nil {
		t.Fatalf("ConditionExists on an encrypted field: %v", err)
	}
	if err := e.edb.Model(&encCard{ID: "c1"}).ConsistentRead().First(&one); err != nil || one.Note != "m" {
		t.Fatalf("after the update: %+v %v", one, err)
	}
}
