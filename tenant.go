package dynamorm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
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

// tenantID is the tenant an operation of q works for: "" for a model
// that is not tenant-scoped, and in the system scope; the scope's error
// (ErrTenantRequired without a tenant).
func (q *query) tenantID() (string, error) {
	if q.model == nil || !q.model.Tenant {
		return "", nil
	}
	return tenant.FromContext(q.ctx).Require(q.model.Name())
}

// writeTenant is the tenant an operation on q's value (a write, or a read
// by its key) is for: the scope's, which must be the one the value was
// read for (if it was); in the system scope, the one the value was read
// for.
func (q *query) writeTenant() (string, error) {
	id, err := q.tenantID()
	if err != nil || !q.model.Tenant {
		return id, err
	}
	read := storedTenant(q.model, q.item)
	switch {
	case id == "" && read == "":
		return "", fmt.Errorf("%w: %s: in the system scope an operation on a value is for the tenant the value was read for, and this value was not read; give its tenant with dynamorm.WithTenant", core.ErrTenantRequired, q.model.Name())
	case id == "":
		return read, nil
	case read != "" && read != id:
		return "", fmt.Errorf("%w: %s: the value was read for another tenant than %q; copy its fields into a new value to write them for this tenant", core.ErrCrossTenant, q.model.Name(), id)
	}
	return id, nil
}

// storedTenant is the tenant v (a value of m) was read for, "" when it
// was not read.
func storedTenant(m *model.Model, v reflect.Value) string {
	if !v.IsValid() || !m.Tenant {
		return ""
	}
	if !v.CanAddr() {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		v = p.Elem()
	}
	if s := m.SnapshotOf(v); s != nil {
		av, _ := s.Get(tenant.Attr)
		if sv, ok := av.(*types.AttributeValueMemberS); ok {
			return sv.Value
		}
	}
	return ""
}

// TenantOf returns the tenant v (a value of a tenant-scoped model, or a
// pointer to one) was read for or last written to: in the system scope,
// the tenant of each item read.
func TenantOf(v any) (string, bool) {
	m, err := model.OfValue(v)
	if err != nil {
		return "", false
	}
	id := storedTenant(m, reflect.Indirect(reflect.ValueOf(v)))
	return id, id != ""
}

// checkTenants refuses to send writes of tenant-scoped models in ctx
// when one was planned for another tenant than ctx's (a transaction built
// in one context and executed in another): ErrCrossTenant. In the system
// scope every write goes to its own tenant.
func checkTenants(ctx context.Context, ws plan.Writes) error {
	var s tenant.Scope
	scoped := false
	for i, w := range ws {
		if !w.Model.Tenant {
			continue
		}
		if !scoped {
			s, scoped = tenant.FromContext(ctx), true
		}
		id, err := s.Require(w.Model.Name())
		if err != nil {
			return fmt.Errorf("operation %d (%s): %w", i, w.Op, err)
		}
		if id != "" && w.Tenant != id {
			return fmt.Errorf("%w: operation %d (%s %s) was built for another tenant than %q, the context's", core.ErrCrossTenant, i, w.Op, w.Model.Name(), id)
		}
	}
	return nil
}

// checkItemTenant refuses item, an item of tenant-scoped model m decoded
// outside a read (a stream image), without a tenant in ctx or when it is
// stored for another tenant.
func checkItemTenant(ctx context.Context, m *model.Model, item map[string]types.AttributeValue) error {
	if !m.Tenant {
		return nil
	}
	id, err := tenant.FromContext(ctx).Require(m.Name())
	if err != nil {
		return fmt.Errorf("%w (decoding an item outside a read: use the DB's UnmarshalItem or EntityOf on a handle with a tenant, or AllTenants)", err)
	}
	return plan.CheckTenant(m, id, item)
}
