// Package tenant holds the tenant scope of an operation: which tenant a
// context works for (or that it is the explicit system scope, which works
// across tenants), how tenant ids are validated, and how a tenant id is
// encoded as the first segment of every partition key of a tenant-scoped
// model.
//
// An id is 1 to 64 bytes of [A-Za-z0-9._-]. Its key segment is Mark, the
// id, then the key separator '#': "$tacme#CUSTOMER#c1". The id's
// characters exclude the separator, so the first '#' after the mark ends
// the id and no tenant's prefix is a prefix of another's key; and Mark
// ('$' followed by a byte the escaping of package keyenc never produces
// after '$') occurs in no literal and no encoded component, so no key of
// a model without tenancy, or composed from any field value, begins with
// a tenant's prefix.
package tenant

import (
	"context"
	"fmt"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/keyenc"
)

// Attr is the attribute that stores, on every item of a tenant-scoped
// model, the tenant it belongs to.
const Attr = "_tenant"

// Mark starts the tenant segment of a partition key. keyenc escapes a byte
// as '$' then a byte in '@'..'d', and template literals may not contain
// '$', so "$t" begins no other segment.
const Mark = "$t"

// MaxLen is the longest tenant id, in bytes.
const MaxLen = 64

// Scope is the tenant scope of a context.
type Scope struct {
	// ID is the tenant; "" when none is set (or in the system scope
	// without one).
	ID string
	// System is the explicit system scope (dynamorm.AllTenants): reads
	// return items of every tenant, each keeping its own.
	System bool
	// Reason is why the system scope was entered.
	Reason string
	// Bound: the id comes from a tenant-bound handle (db.ForTenant), so a
	// context of another tenant given to it is an error.
	Bound bool
	// Err is set when the scope was given an invalid id or reason, or
	// contradicts a bound handle; every operation in it fails with Err.
	Err error
}

type scopeKey struct{}

// FromContext returns the scope ctx carries (the zero Scope for none).
func FromContext(ctx context.Context) Scope {
	if ctx == nil {
		return Scope{}
	}
	s, _ := ctx.Value(scopeKey{}).(*Scope)
	if s == nil {
		return Scope{}
	}
	return *s
}

// Set reports whether the scope names a tenant or is the system scope
// (or failed: Err says why).
func (s Scope) Set() bool { return s.ID != "" || s.System || s.Err != nil }

// With returns ctx scoped to tenant id (no longer the system scope). An
// invalid id, or another id than a bound handle's, gives a scope whose Err
// every operation returns.
func With(ctx context.Context, id string) context.Context {
	parent := FromContext(ctx)
	s := &Scope{ID: id, Bound: parent.Bound, Err: Validate(id)}
	if parent.Bound && parent.ID != id {
		s.Err = fmt.Errorf("%w: the handle is bound to tenant %q; the context names tenant %q", errs.ErrCrossTenant, parent.ID, id)
	}
	return context.WithValue(ctx, scopeKey{}, s)
}

// Bind returns ctx scoped to tenant id for a tenant-bound handle: later
// With calls for another tenant fail, and so does a ctx that already names
// another tenant or the system scope.
func Bind(ctx context.Context, id string) context.Context {
	parent := FromContext(ctx)
	s := &Scope{ID: id, Bound: true, Err: Validate(id)}
	switch {
	case parent.Err != nil:
		s.Err = parent.Err
	case parent.System:
		s.Err = fmt.Errorf("%w: the handle is bound to tenant %q; the context is the system scope (%s)", errs.ErrCrossTenant, id, parent.Reason)
	case parent.ID != "" && parent.ID != id:
		s.Err = fmt.Errorf("%w: the handle is bound to tenant %q; the context names tenant %q", errs.ErrCrossTenant, id, parent.ID)
	}
	return context.WithValue(ctx, scopeKey{}, s)
}

// System returns ctx in the explicit system scope, which works across
// tenants; reason (required) says why, for logs and reviews.
func System(ctx context.Context, reason string) context.Context {
	parent := FromContext(ctx)
	s := &Scope{System: true, Reason: reason}
	switch {
	case reason == "":
		s.Err = fmt.Errorf("%w: the system scope needs a reason (AllTenants(ctx, \"nightly export\"))", errs.ErrValidation)
	case parent.Bound:
		s.Err = fmt.Errorf("%w: the handle is bound to tenant %q; it cannot enter the system scope", errs.ErrCrossTenant, parent.ID)
	}
	return context.WithValue(ctx, scopeKey{}, s)
}

// Validate checks a tenant id: 1 to MaxLen bytes of [A-Za-z0-9._-].
func Validate(id string) error {
	if id == "" || len(id) > MaxLen {
		return fmt.Errorf("%w: tenant id %q: an id is 1 to %d characters of A-Z a-z 0-9 . _ -", errs.ErrValidation, clip(id), MaxLen)
	}
	for i := 0; i < len(id); i++ {
		if !allowed(id[i]) {
			return fmt.Errorf("%w: tenant id %q: byte %d (%q) is not one of A-Z a-z 0-9 . _ -", errs.ErrValidation, clip(id), i, id[i])
		}
	}
	return nil
}

func allowed(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

func clip(id string) string {
	if len(id) > MaxLen+8 {
		return id[:MaxLen+8] + "..."
	}
	return id
}

// Require is the scope's tenant for an operation on a tenant-scoped
// model (named in the error): the scope's Err, ErrTenantRequired without a
// tenant, or the id ("" in the system scope).
func (s Scope) Require(model string) (string, error) {
	switch {
	case s.Err != nil:
		return "", fmt.Errorf("%s: %w", model, s.Err)
	case s.ID == "" && !s.System:
		return "", fmt.Errorf("%w: %s is tenant-scoped; give the context a tenant (dynamorm.WithTenant(ctx, id) and db.WithContext(ctx), or db.ForTenant(id)), or use dynamorm.AllTenants(ctx, reason) for work across tenants", errs.ErrTenantRequired, model)
	}
	return s.ID, nil
}

// AppendPrefix appends the key prefix of tenant id (Mark, id, separator)
// to dst. The id must be valid (see Validate).
func AppendPrefix(dst []byte, id string) []byte {
	return append(append(append(dst, Mark...), id...), keyenc.Separator)
}

// Prefix is the key prefix of tenant id: every partition key of its items
// begins with it (what an IAM dynamodb:LeadingKeys condition matches).
func Prefix(id string) string { return string(AppendPrefix(nil, id)) }

// Owner returns the tenant whose prefix key begins with, if any.
func Owner(key string) (string, bool) {
	if len(key) < len(Mark)+2 || key[:len(Mark)] != Mark {
		return "", false
	}
	for i := len(Mark); i < len(key); i++ {
		if key[i] == keyenc.Separator {
			id := key[len(Mark):i]
			return id, Validate(id) == nil
		}
	}
	return "", false
}
