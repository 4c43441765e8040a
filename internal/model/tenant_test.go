package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dynamorm/dynamorm/internal/errs"
)

type tenantEntity struct {
	Marker `dynamorm:"table:t,entity:e,tenant,pk:E#{ID},sk:X"`
	ID     string
}

type sharedEntity struct {
	Marker `dynamorm:"table:t,entity:s,pk:S#{ID}"`
	ID     string
}

type tenantAttrTaken struct {
	Marker `dynamorm:"table:t,entity:e,tenant,pk:E#{ID}"`
	ID     string
	Owner  string `dynamorm:"attr:_tenant"`
}

type tenantWithValue struct {
	Marker `dynamorm:"table:t,entity:e,tenant:yes,pk:E#{ID}"`
	ID     string
}

func TestTenantOption(t *testing.T) {
	m, err := Of(reflect.TypeFor[tenantEntity]())
	if err != nil || !m.Tenant {
		t.Fatalf("tenant entity: Tenant=%v, err %v", m != nil && m.Tenant, err)
	}
	if m, err := Of(reflect.TypeFor[sharedEntity]()); err != nil || m.Tenant {
		t.Fatalf("entity without the option: Tenant=%v, err %v", m != nil && m.Tenant, err)
	}
	for name, typ := range map[string]any{"taken": tenantAttrTaken{}, "value": tenantWithValue{}} {
		_, err := OfValue(typ)
		if !errors.Is(err, errs.ErrInvalidModel) {
			t.Errorf("%s: %v, want ErrInvalidModel", name, err)
		}
		if name == "taken" && (err == nil || !strings.Contains(err.Error(), "_tenant")) {
			t.Errorf("taken: %v does not name the attribute", err)
		}
	}
}
