package tests

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// ldNote is a tenant-scoped entity.
type ldNote struct {
	dynamorm.Entity `dynamorm:"table:ld_notes,entity:note,tenant,pk:NOTE#{ID},sk:NOTE"`
	ID              string
	Text            string
}

// TestLoaderTenants: two tenants reading and writing in one scope never
// see each other's entries — a key read for one tenant is read again for
// the other, a write for one changes nothing the other reads from the
// scope — and the scope's capacity splits by tenant.
func TestLoaderTenants(t *testing.T) {
	e, db, rec := loaderEnv(t, 0)
	testenv.CreateTables(t, e.db, &ldNote{})
	bg := context.Background()
	require.NoError(t, e.db.WithContext(dynamorm.WithTenant(bg, "acme")).Model(&ldNote{ID: "n1", Text: "acme's"}).Create())
	require.NoError(t, e.db.WithContext(dynamorm.WithTenant(bg, "globex")).Model(&ldNote{ID: "n1", Text: "globex's"}).Create())

	ctx, scope := dynamorm.WithLoader(bg)
	acme := db.WithContext(dynamorm.WithTenant(ctx, "acme"))
	globex := db.WithContext(dynamorm.WithTenant(ctx, "globex"))
	n, err := dynamorm.Get(acme, ldNote{ID: "n1"})
	require.NoError(t, err)
	assert.Equal(t, "acme's", n.Text)
	n, err = dynamorm.Get(globex, ldNote{ID: "n1"})
	require.NoError(t, err)
	assert.Equal(t, "globex's", n.Text, "globex reads its own n1 (tenancy keys them apart)")
	_, batches := rec.reads()
	assert.Equal(t, []int{1, 1}, batches, "one read per tenant: globex is not served acme's entry")
	n, err = dynamorm.Get(acme, ldNote{ID: "n1"})
	require.NoError(t, err)
	assert.Equal(t, "acme's", n.Text)
	n, err = dynamorm.Get(globex, ldNote{ID: "n1"})
	require.NoError(t, err)
	assert.Equal(t, "globex's", n.Text)
	gets, batches := rec.reads()
	assert.Zero(t, gets+len(batches), "each tenant's entry serves it")

	// A write for acme is cached for acme only.
	require.NoError(t, acme.Model(&ldNote{ID: "n2", Text: "acme's n2"}).Create())
	n, err = dynamorm.Get(acme, ldNote{ID: "n2"})
	require.NoError(t, err)
	assert.Equal(t, "acme's n2", n.Text)
	_, batches = rec.reads()
	assert.Empty(t, batches)
	_, err = dynamorm.Get(globex, ldNote{ID: "n2"})
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "acme's n2 is not globex's")
	_, batches = rec.reads()
	assert.Equal(t, []int{1}, batches, "globex reads the table, not acme's write")

	a, g := scope.TenantCapacity("acme"), scope.TenantCapacity("globex")
	assert.Greater(t, a.ReadUnits, 0.0)
	assert.Greater(t, a.WriteUnits, 0.0)
	assert.Greater(t, g.ReadUnits, 0.0)
	assert.Zero(t, g.WriteUnits)
	total := scope.Capacity()
	assert.InDelta(t, total.ReadUnits, a.ReadUnits+g.ReadUnits, 1e-9)
	assert.InDelta(t, total.WriteUnits, a.WriteUnits, 1e-9)
	assert.Equal(t, map[string]core.Capacity{"acme": {ReadUnits: a.ReadUnits, WriteUnits: a.WriteUnits}, "globex": {ReadUnits: g.ReadUnits}},
		total.Tenants, "the total's own split by tenant agrees")
}
