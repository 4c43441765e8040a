package dynamorm

import (
	"context"
	"errors"
	"testing"

	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type tenantNote struct {
	Entity `dynamorm:"table:notes,entity:note,tenant,pk:NOTE#{ID}"`
	ID     string
}

type sharedNote struct {
	Entity `dynamorm:"table:notes,entity:shared,pk:SHARED#{ID}"`
	ID     string
}

type plainNote struct {
	ID string `dynamorm:"pk"`
}

func (plainNote) TableName() string { return "notes" }

func scopeErr(db *DB) error {
	_, err := tenant.FromContext(db.ctx).Require("Note")
	return err
}

func TestForTenantBindsDerivedHandles(t *testing.T) {
	db, err := New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		t.Fatal(err)
	}
	a := db.ForTenant("a")
	if id, ok := TenantFromContext(a.ctx); !ok || id != "a" {
		t.Fatalf("ForTenant(a) scope = %q, %v", id, ok)
	}
	if err := scopeErr(a.withContext(context.Background())); err != nil {
		t.Fatalf("a bound handle given a context without a tenant: %v", err)
	}
	if id, _ := TenantFromContext(a.withContext(context.Background()).ctx); id != "a" {
		t.Fatalf("a bound handle lost its tenant: %q", id)
	}
	for name, d := range map[string]*DB{
		"another tenant":   a.withContext(WithTenant(context.Background(), "b")),
		"the system scope": a.withContext(AllTenants(context.Background(), "test")),
	} {
		if err := scopeErr(d); !errors.Is(err, ErrCrossTenant) {
			t.Errorf("bound handle with %s: %v, want ErrCrossTenant", name, err)
		}
	}
	q := a.Model(&tenantNote{}).WithContext(WithTenant(context.Background(), "b")).(*query)
	if _, err := tenant.FromContext(q.ctx).Require("Note"); !errors.Is(err, ErrCrossTenant) {
		t.Errorf("query of a bound handle given another tenant's context: %v, want ErrCrossTenant", err)
	}
	if err := scopeErr(db.ForTenant("no spaces")); !errors.Is(err, ErrValidation) {
		t.Errorf("ForTenant with an invalid id: %v, want ErrValidation", err)
	}
	if err := scopeErr(db.withContext(WithTenant(context.Background(), "b"))); err != nil {
		t.Errorf("an unbound handle with tenant b: %v", err)
	}
}

func TestTenantKeyPrefix(t *testing.T) {
	if p, err := TenantKeyPrefix("acme"); err != nil || p != "$tacme#" {
		t.Fatalf("TenantKeyPrefix(acme) = %q, %v", p, err)
	}
	if _, err := TenantKeyPrefix("a#b"); !errors.Is(err, ErrValidation) {
		t.Fatalf("TenantKeyPrefix(a#b): %v, want ErrValidation", err)
	}
}

func TestTenantTables(t *testing.T) {
	db, err := New(session.Config{Client: memdb.New().Client(), TenantTables: []string{"notes"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Register(&tenantNote{}); err != nil {
		t.Fatalf("a tenant-scoped entity on a tenant table: %v", err)
	}
	for _, m := range []any{&sharedNote{}, &plainNote{}} {
		if err := db.Register(m); !errors.Is(err, ErrInvalidModel) {
			t.Errorf("Register(%T) on a tenant table: %v, want ErrInvalidModel", m, err)
		}
		if err := db.Model(m).Where("ID", "=", "x").First(m); !errors.Is(err, ErrInvalidModel) {
			t.Errorf("First of %T on a tenant table: %v, want ErrInvalidModel", m, err)
		}
	}
	other, _ := New(session.Config{Client: memdb.New().Client()})
	if err := other.Register(&sharedNote{}, &plainNote{}); err != nil {
		t.Fatalf("without TenantTables: %v", err)
	}
}
