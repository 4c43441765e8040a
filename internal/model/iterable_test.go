package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dynamorm/dynamorm/internal/errs"
)

type iterDefault struct {
	Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},sk:{At},iterable"`
	ID     string
	At     int
}

type iter16 struct {
	Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},iterable:16"`
	ID     string
}

type iterZero struct {
	Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},iterable:0"`
	ID     string
}

type iterWord struct {
	Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},iterable:many"`
	ID     string
}

type iterTaken struct {
	Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},iterable,iter10pk:X#{ID}"`
	ID     string
}

func TestIterableOption(t *testing.T) {
	m, err := Of(reflect.TypeFor[iterDefault]())
	if err != nil {
		t.Fatal(err)
	}
	it := m.Entity.Iteration
	if it == nil || it.Buckets != DefaultBuckets || it.Index != "iter10" || it.Key.Attr != "iter10pk" {
		t.Fatalf("iterable: %+v", it)
	}
	idx, ok := m.Index("iter10")
	if !ok || idx.PK != it.Key || idx.SK != nil {
		t.Fatalf("index iter10: %+v", idx)
	}
	// The key is composed of the primary key's components: no update
	// touches it, and it is part of the entity's derived keys.
	if got := it.Key.Template.Components(); len(got) != 2 || got[0].GoName != "ID" || got[1].GoName != "At" {
		t.Errorf("components %v", got)
	}
	if s := it.Key.Template.String(); s != "ev#<bucket>" {
		t.Errorf("template %q", s)
	}
	id, _ := m.Field("ID")
	if d := m.DerivedFrom(id); len(d) != 2 || d[1] != it.Key {
		t.Errorf("DerivedFrom(ID) = %v", d)
	}
	if m, err := Of(reflect.TypeFor[iter16]()); err != nil || m.Entity.Iteration.Buckets != 16 || m.Entity.Iteration.Index != "iter16" {
		t.Errorf("iterable:16: %v", err)
	}
	for _, tc := range []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[iterZero](), "from 1 to 1000"},
		{reflect.TypeFor[iterWord](), "whole number"},
		{reflect.TypeFor[iterTaken](), "iter10"},
	} {
		_, err := Of(tc.t)
		if !errors.Is(err, errs.ErrInvalidModel) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalidModel mentioning %q", tc.t.Name(), err, tc.want)
		}
	}
}
