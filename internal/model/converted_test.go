package model

import (
	"errors"
	"reflect"
	"testing"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// convAmount and convRef stand for types you do not own: structs, which
// cannot be keys until a converter gives them a scalar form.
type convAmount struct{ units, nanos int64 }

type convRef struct{ b [16]byte }

type convKeyed struct {
	Owner  string       `dynamorm:"pk"`
	Amount convAmount   `dynamorm:"sk"`
	Refs   []convAmount `dynamorm:"set"`
}

type convRefKeyed struct {
	Ref convRef `dynamorm:"pk"`
}

func TestConvertedTypesAreKeysOfTheirConvertersType(t *testing.T) {
	_, err := Of(reflect.TypeFor[convKeyed]())
	if !errors.Is(err, errs.ErrInvalidModel) {
		t.Fatalf("before a converter: %v", err)
	}
	MarkConverted(reflect.TypeFor[convAmount](), "N")
	m, err := Of(reflect.TypeFor[convKeyed]())
	if err != nil {
		t.Fatalf("a cached failure was not rebuilt after the registration: %v", err)
	}
	if got := m.SK.KeyType(); got != "N" {
		t.Fatalf("key type %q, want N", got)
	}

	// Converters that disagree on the stored type make it no key.
	MarkConverted(reflect.TypeFor[convRef](), "B")
	if _, err := Of(reflect.TypeFor[convRefKeyed]()); err != nil {
		t.Fatal(err)
	}
	MarkConverted(reflect.TypeFor[convRef](), "S")
	_, err = Of(reflect.TypeFor[convRefKeyed]())
	if !errors.Is(err, errs.ErrInvalidModel) {
		t.Fatalf("conflicting converters: %v", err)
	}
	want := "convRefKeyed.Ref: a key must be a string, number or []byte (or time.Time, or a type whose converter stores S, N or B), not model.convRef; change the field type or drop the key option; converters of model.convRef store B,S, and a key has one type: register one form"
	if got := err.Error(); got != "dynamorm: invalid model: "+want && got != want {
		t.Fatalf("message:\n%s\nwant it to end with\n%s", got, want)
	}
}
