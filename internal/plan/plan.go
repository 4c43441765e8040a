package plan

import (
	"fmt"

	"github.com/dynamorm/dynamorm/internal/errs"
)

// WriteOp is the kind of write a caller asks for.
type WriteOp uint8

// The write operations.
const (
	OpCreate      WriteOp = iota // Create: a put conditioned on the item not existing
	OpBatchPut                   // a put of BatchCreate/BatchWrite: unconditional
	OpUpsert                     // CreateOrUpdate
	OpUpdate                     // Update(fields...)
	OpUpdateBuild                // UpdateBuilder
	OpUpsertBuild                // UpdateBuilder().Upsert(): creates the item when missing
	OpDelete                     // Delete
	OpCheck                      // a transaction's ConditionCheck
	OpSave                       // Save: the changes since the value was read
	OpReEncrypt                  // DB.ReEncrypt: encrypted values rewritten under the current key
)

// WriteSpec says what to write: the operation and the fields of an Update.
// It holds nothing that the plan keeps, so that the caller's field list
// stays on its stack; the operation's name and an UpdateBuilder's actions
// travel in the Target.
type WriteSpec struct {
	Op     WriteOp
	Fields []string // OpUpdate: the fields to write (all when empty)
}

// PlanWrite plans one write of t (for OpSave of a value that has not
// changed, none: a nil Write and a nil error). It is the one entry point of write
// planning: every write dynamorm sends — alone, in a batch or in a
// transaction — is planned here, so a concern that applies to every write
// (derived keys, an entity type, a tenant prefix, unique guards; see
// docs/architecture.md) is added here, in one place.
func PlanWrite(t Target, s WriteSpec) (*Write, error) {
	if t.Model.Tenant {
		if err := t.CheckTenant(); err != nil {
			return nil, err
		}
	}
	if len(t.Model.Encrypted) > 0 {
		return planSealed(&t, s)
	}
	return planGuarded(&t, s)
}

// planSealed plans a write of a model with encrypted fields: the write,
// its guards, then the encryption of the values it writes (sealWrite),
// bound to the write's tenant.
func planSealed(t *Target, s WriteSpec) (*Write, error) {
	if t.Seal != nil && t.Model.Tenant {
		seal := *t.Seal
		seal.Tenant = t.Tenant
		t.Seal = &seal
	}
	var w *Write
	var err error
	if s.Op == OpReEncrypt {
		w, err = reEncrypt(t)
		if w != nil {
			w.Tenant = t.Tenant
		}
	} else {
		w, err = planGuarded(t, s)
	}
	if err != nil || w == nil {
		return nil, err
	}
	if err := sealWrite(t, w, s.Op != OpReEncrypt); err != nil {
		w.Undo()
		return nil, err
	}
	w.seal = t.Seal
	return w, nil
}

// planGuarded plans the write and the guards of its unique constraints.
func planGuarded(t *Target, s WriteSpec) (*Write, error) {
	if len(t.Model.Uniques) == 0 {
		w, err := planOp(t, s)
		if w != nil {
			w.Tenant = t.Tenant
		}
		return w, err
	}
	orig := *t
	if err := holdPrior(t, s); err != nil {
		return nil, err
	}
	w, err := planOp(t, s)
	if err != nil || w == nil {
		return nil, err // (a Save of an unchanged value plans no write)
	}
	w.Tenant = t.Tenant
	if err := planGuards(t, s, w); err != nil {
		w.Undo()
		return nil, err
	}
	if p := t.Prior; p != nil && p.Assumed {
		w.retry = &replan{t: orig, s: s, prior: p}
	}
	return w, nil
}

// CheckTenant refuses a write of a tenant-scoped model without a tenant:
// the scope's error, or ErrTenantRequired.
func (t *Target) CheckTenant() error {
	switch {
	case t.TenantErr != nil:
		return t.TenantErr
	case t.Tenant == "":
		return fmt.Errorf("%w: %s %s: the model is tenant-scoped and the write has no tenant", errs.ErrTenantRequired, nameOr(t.OpName, "write"), t.Model.Name())
	}
	return nil
}

// planOp plans the write itself, without the guards of unique constraints.
func planOp(t *Target, s WriteSpec) (*Write, error) {
	switch s.Op {
	case OpCreate:
		return create(t, nameOr(t.OpName, "Create"), true)
	case OpBatchPut:
		return create(t, t.OpName, false)
	case OpUpsert:
		return upsert(t)
	case OpUpdate:
		return updateFields(t, s.Fields)
	case OpUpdateBuild, OpUpsertBuild:
		if t.Actions == nil {
			return nil, fmt.Errorf("%w: UpdateBuilder: no update actions", errs.ErrValidation)
		}
		return updateActions(t, *t.Actions, s.Op == OpUpsertBuild)
	case OpDelete:
		return planDelete(t)
	case OpSave:
		return save(t)
	}
	return check(t)
}

func nameOr(name, def string) string {
	if name == "" {
		return def
	}
	return name
}
