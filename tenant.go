package dynamorm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// MaxTenantLen is the longest tenant id, in bytes.
const MaxTenantLen = tenant.MaxLen

// WithTenant returns ctx scoped to tenant id, for the operations of a
// handle given it (db.WithContext(ctx)). Every operation on a
// tenant-scoped model (the tenant option of its Entity tag) needs a
// tenant: without one it fails with ErrTenantRequired before sending.
//
// An id is 1 to 64 characters of A-Z a-z 0-9 . _ - (see ValidateTenant);
// an operation in a context given an invalid id fails with ErrValidation,
// before sending. WithTenant ends a system scope (AllTenants) in ctx.
func WithTenant(ctx context.Context, id string) context.Context {
	return tenant.With(ctx, id)
}

// AllTenants returns ctx in the explicit system scope, for work across
// tenants (migrations, exports, admin tools): reads of tenant-scoped
// models return items of every tenant, each keeping its own (see
// TenantOf), and writes go to the tenant of the value written. reason,
// required, says why; code that crosses tenants must say so.
func AllTenants(ctx context.Context, reason string) context.Context {
	return tenant.System(ctx, reason)
}

// TenantFromContext returns the tenant ctx is scoped to, if any (not the
// system scope, which has none).
func TenantFromContext(ctx context.Context) (string, bool) {
	s := tenant.FromContext(ctx)
	return s.ID, s.ID != "" && s.Err == nil
}

// ValidateTenant checks a tenant id: 1 to 64 characters of A-Z a-z 0-9 .
// _ - (an error wrapping ErrValidation otherwise). Ids with these
// characters are encoded so that no tenant's keys begin with another's
// prefix.
func ValidateTenant(id string) error { return tenant.Validate(id) }

// TenantKeyPrefix is the prefix of every partition key of tenant id's
// items (table, index and unique guard keys): what an IAM
// dynamodb:LeadingKeys condition matches, as in
// "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["$tacme#*"]}.
func TenantKeyPrefix(id string) (string, error) {
	if err := tenant.Validate(id); err != nil {
		return "", err
	}
	return tenant.Prefix(id), nil
}

// ForTenant returns a handle bound to tenant id: its operations, and those
// of handles derived from it, work for id whatever context they are given;
// a context naming another tenant, or the system scope, makes them fail
// with ErrCrossTenant. An invalid id makes them fail with ErrValidation.
func (db *DB) ForTenant(id string) *DB {
	d := db.withContext(tenant.Bind(db.ctx, id))
	d.bound = id
	return d
}

// scoped is ctx as the handle's operations see it: bound to the handle's
// tenant, if it has one.
func (db *DB) scoped(ctx context.Context) context.Context {
	if db.bound == "" {
		return ctx
	}
	return tenant.Bind(ctx, db.bound)
}

func tableSet(names []string) map[string]bool {
	if len(names) == 0 {
		return nil
	}
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// checkTenantTable refuses a model that is not tenant-scoped on a table
// session.Config.TenantTables declares tenant-scoped.
func (db *DB) checkTenantTable(m *model.Model, v reflect.Value) error {
	if db.shared.tenantTables == nil || m.Tenant {
		return nil
	}
	table := m.TableName(v)
	if !db.shared.tenantTables[table] {
		return nil
	}
	if m.Entity == nil {
		return fmt.Errorf("%w: %s: table %q is declared tenant-scoped (session.Config.TenantTables), and a model that owns its table cannot be: embed dynamorm.Entity with the tenant option (the tenant is the first segment of the composed keys)", core.ErrInvalidModel, m.Name(), table)
	}
	return fmt.Errorf("%w: %s: table %q is declared tenant-scoped (session.Config.TenantTables); add the tenant option to the tag of its embedded dynamorm.Entity", core.ErrInvalidModel, m.Name(), table)
}
