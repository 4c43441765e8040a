package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dynamorm/dynamorm/internal/errs"
)

type uniqueUser struct {
	ID     string `dynamorm:"pk"`
	Email  string `dynamorm:"unique,casefold"`
	Org    string `dynamorm:"unique:org_code"`
	Name   string
	Code   int    `dynamorm:"unique:org_code"`
	Handle string `dynamorm:"unique:handle"`
}

func TestUniqueConstraints(t *testing.T) {
	m, err := Of(reflect.TypeOf(uniqueUser{}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range m.Uniques {
		got = append(got, u.Name+"("+strings.Join(u.FieldNames(), ",")+")")
	}
	if want := "Email(Email) org_code(Org,Code) handle(Handle)"; strings.Join(got, " ") != want {
		t.Errorf("constraints = %v, want %s", got, want)
	}
	email, _ := m.Field("Email")
	if !email.CaseFold || m.UniqueOf(email) != m.Uniques[0] {
		t.Errorf("Email: casefold %v, constraint %v", email.CaseFold, m.UniqueOf(email))
	}
	name, _ := m.Field("Name")
	if m.UniqueOf(name) != nil {
		t.Error("Name is not unique")
	}
}

type uqBadType struct {
	ID   string   `dynamorm:"pk"`
	Tags []string `dynamorm:"unique"`
}
type uqBadFold struct {
	ID string `dynamorm:"pk"`
	N  int    `dynamorm:"unique,casefold"`
}
type uqFoldAlone struct {
	ID string `dynamorm:"pk"`
	S  string `dynamorm:"casefold"`
}
type uqOnKey struct {
	ID string `dynamorm:"pk,unique"`
}
type uqNumberKey struct {
	ID    int    `dynamorm:"pk"`
	Email string `dynamorm:"unique"`
}
type uqNumberSort struct {
	ID    string `dynamorm:"pk"`
	At    int64  `dynamorm:"sk"`
	Email string `dynamorm:"unique"`
}
type uqEmptyName struct {
	ID    string `dynamorm:"pk"`
	Email string `dynamorm:"unique:"`
}
type uqEntityComponent struct {
	Marker `dynamorm:"table:t,entity:e,pk:E#{ID},sk:X"`
	ID     string `dynamorm:"unique"`
}
type uqEntityNumberComponent struct {
	Marker `dynamorm:"table:t,entity:e,pk:E#{ID},sk:X"`
	ID     int
	Email  string `dynamorm:"unique"`
}

func TestUniqueDeclarationErrors(t *testing.T) {
	for _, c := range []struct {
		model any
		want  string
	}{
		{uqBadType{}, "Tags: a unique field must be a string, number or []byte"},
		{uqBadFold{}, "N: casefold applies to string fields"},
		{uqFoldAlone{}, "S: casefold applies to unique fields"},
		{uqOnKey{}, "ID is part of the primary key, which is unique already"},
		{uqNumberKey{}, "unique constraint Email needs guard items in the table, whose keys are strings, but the key ID is int"},
		{uqNumberSort{}, "but the key At is int64"},
		{uqEmptyName{}, `option "unique" needs a constraint name`},
		{uqEntityComponent{}, "ID is part of the primary key"},
	} {
		_, err := Of(reflect.TypeOf(c.model))
		if !errors.Is(err, errs.ErrInvalidModel) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: %v, want ErrInvalidModel with %q", c.model, err, c.want)
		}
	}
	if _, err := Of(reflect.TypeOf(uqEntityNumberComponent{})); err != nil {
		t.Errorf("an entity's derived keys are strings whatever its components: %v", err)
	}
}
