package tests

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// TestTenantUniqueNamespaces: each tenant has its own namespace of unique
// values: the same address is taken once per tenant, looked up in the
// tenant's namespace, and its guard keys begin with the tenant's prefix.
func TestTenantUniqueNamespaces(t *testing.T) {
	e := tenantEnv(t)
	a, b := e.db.ForTenant("a"), e.db.ForTenant("b")
	require.NoError(t, a.Model(&tnUser{ID: "u1", Email: "Ann@X.com", Name: "Ann of a"}).Create())
	require.NoError(t, b.Model(&tnUser{ID: "u7", Email: "ann@x.com", Name: "Ann of b"}).Create(), "b's namespace is its own")
	err := a.Model(&tnUser{ID: "u2", Email: "ANN@x.com"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrUniqueViolation, "taken in a")
	guard := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "$ta#UNIQUE#user#Email#ann@x.com"}, "sk": &types.AttributeValueMemberS{Value: "UNIQUE"}}
	g := e.rawItem(t, "tenancy", guard)
	require.NotNil(t, g, "a's guard under a's prefix")
	require.Equal(t, &types.AttributeValueMemberS{Value: "a"}, g["_tenant"])

	u, err := dynamorm.FindBy[tnUser](a, "Email", "ann@x.com")
	require.NoError(t, err)
	require.Equal(t, "Ann of a", u.Name)
	u, err = dynamorm.FindBy[tnUser](b, "Email", "ANN@X.COM")
	require.NoError(t, err)
	require.Equal(t, "Ann of b", u.Name)
	_, err = dynamorm.FindBy[tnUser](e.db.ForTenant("c"), "Email", "ann@x.com")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "c has no Ann")

	rep, err := a.RepairUnique(context.Background(), &tnUser{}, false)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Items, "a's repair scans a's users only")
	require.Equal(t, 1, rep.Guards, "and a's guards only")
	require.Empty(t, rep.Orphans)
	require.Empty(t, rep.Unguarded)
	_, err = e.db.RepairUnique(dynamorm.AllTenants(context.Background(), "repair"), &tnUser{}, false)
	require.ErrorIs(t, err, dynamorm.ErrTenantRequired, "repair runs per tenant")
}

// TestTenantStreamImages: a stream image decodes in its own tenant's
// scope and in the system scope, not in another tenant's.
func TestTenantStreamImages(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	raw := e.rawItem(t, "tenancy", orderKey("b", "c1", "o1"))
	image := marshal.ToStreamImage(raw)
	var o tnOrder
	require.ErrorIs(t, e.db.ForTenant("a").UnmarshalItem(image, &o), dynamorm.ErrCrossTenant)
	require.Zero(t, o.Total)
	_, err := e.db.ForTenant("a").EntityOf(image, tnOrder{}, tnCustomer{})
	require.ErrorIs(t, err, dynamorm.ErrCrossTenant)
	require.NoError(t, e.db.ForTenant("b").UnmarshalItem(image, &o))
	require.Equal(t, 101, o.Total)
	sys := e.db.WithContext(dynamorm.AllTenants(context.Background(), "stream consumer"))
	v, err := sys.(*dynamorm.DB).EntityOf(image, tnOrder{}, tnCustomer{})
	require.NoError(t, err)
	require.Equal(t, 101, v.(*tnOrder).Total)

	built, err := e.db.ForTenant("b").MarshalItem(&tnOrder{CustomerID: "c1", ID: "o1", Status: "open", Total: 101})
	require.NoError(t, err)
	require.Equal(t, raw["pk"], built["pk"], "MarshalItem composes the stored key, tenant first")
	require.Equal(t, raw["_tenant"], built["_tenant"])
}

// TestTenantSystemScope: the system scope reads every tenant's items,
// each keeping its tenant, and writes a value back to the tenant it was
// read for; a value it did not read needs a tenant.
func TestTenantSystemScope(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	sys := e.db.WithContext(dynamorm.AllTenants(context.Background(), "nightly migration"))
	var all []*tnOrder
	require.NoError(t, sys.Model(&tnOrder{}).Scan(&all))
	require.Len(t, all, 5, "2 of a, 3 of b")
	byTenant := map[string]int{}
	for _, o := range all {
		id, ok := dynamorm.TenantOf(o)
		require.True(t, ok)
		byTenant[id]++
		o.Total += 1000
		require.NoError(t, sys.Model(o).Update("Total"), "written back to its own tenant")
	}
	require.Equal(t, map[string]int{"a": 2, "b": 3}, byTenant)
	for id, want := range map[string]string{"a": "1001", "b": "1101"} {
		item := e.rawItem(t, "tenancy", orderKey(id, "c1", "o1"))
		require.Equal(t, &types.AttributeValueMemberN{Value: want}, item["Total"], "tenant %s's o1", id)
	}
	n, err := sys.Model(&tnOrder{}).Count()
	require.NoError(t, err)
	require.EqualValues(t, 5, n)
	err = sys.Model(&tnOrder{CustomerID: "c9", ID: "o1", Status: "open"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrTenantRequired, "a new value names no tenant")
	require.NoError(t, e.db.WithContext(dynamorm.WithTenant(context.Background(), "c")).Model(&tnOrder{CustomerID: "c9", ID: "o1", Status: "open"}).Create())

	ex, err := sys.Model(&tnOrder{}).Explain()
	require.NoError(t, err)
	require.Contains(t, ex.String(), "system scope")
	ex, err = e.db.ForTenant("a").Model(&tnOrder{}).Explain()
	require.NoError(t, err)
	require.Equal(t, "Scan", ex.Operation)
	require.Contains(t, ex.String(), `_tenant = "a"`, "the scan's filter")
	require.Contains(t, ex.Tenant, "every tenant's items", "the cost, said")
	ex, err = e.db.ForTenant("a").Model(&tnOrder{}).Where("CustomerID", "=", "c1").Explain()
	require.NoError(t, err)
	require.Equal(t, "Query", ex.Operation)
	require.Contains(t, ex.Tenant, `"$ta#"`)
}

// TestTenantCapacity: collectors total capacity per tenant.
func TestTenantCapacity(t *testing.T) {
	e := tenantEnv(t)
	c := &core.CapacityCollector{}
	db := e.db.WithCapacityCollector(c)
	for i, id := range []string{"a", "b", "b"} {
		require.NoError(t, db.ForTenant(id).Model(&tnOrder{CustomerID: "c1", ID: fmt.Sprint("o", i), Status: "open", Total: i}).Create())
	}
	var list []tnOrder
	require.NoError(t, db.ForTenant("b").Model(&tnOrder{}).Where("CustomerID", "=", "c1").ConsistentRead().All(&list))
	require.Len(t, list, 2)
	total := c.Total()
	require.Equal(t, 4, total.Requests)
	a, b := total.Tenants["a"], total.Tenants["b"]
	require.Greater(t, a.WriteUnits, 0.0)
	require.Greater(t, b.WriteUnits, a.WriteUnits, "b wrote twice")
	require.Greater(t, b.ReadUnits, 0.0)
	require.Zero(t, a.ReadUnits)
	require.InDelta(t, total.Total(), a.ReadUnits+a.WriteUnits+b.ReadUnits+b.WriteUnits, 1e-9, "every request was in a tenant's scope")
}

// TestTenantConcurrentIsolation: 64 goroutines, each a tenant, write and
// read the same keys on one DB and never see another tenant's data.
func TestTenantConcurrentIsolation(t *testing.T) {
	e := tenantEnv(t)
	const tenants, orders = 64, 3
	var wg sync.WaitGroup
	errs := make(chan error, tenants)
	for i := range tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- isolatedTenant(e.db.ForTenant(fmt.Sprintf("t%02d", i)), i, orders)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	n, err := e.db.WithContext(dynamorm.AllTenants(context.Background(), "test check")).Model(&tnOrder{}).Count()
	require.NoError(t, err)
	require.EqualValues(t, tenants*orders, n)
}

// isolatedTenant writes tenant i's orders (totals i*100+j) under keys every
// tenant uses, then reads them back every way and checks it sees its own.
func isolatedTenant(db *dynamorm.DB, i, orders int) error {
	for j := range orders {
		if err := db.Model(&tnOrder{CustomerID: "c1", ID: fmt.Sprint("o", j), Status: "open", Total: i*100 + j}).Create(); err != nil {
			return err
		}
	}
	check := func(how string, list []tnOrder) error {
		if len(list) != orders {
			return fmt.Errorf("tenant %d, %s: %d orders, want %d", i, how, len(list), orders)
		}
		for _, o := range list {
			if o.Total/100 != i {
				return fmt.Errorf("tenant %d, %s: saw order %s with total %d, another tenant's", i, how, o.ID, o.Total)
			}
		}
		return nil
	}
	var list []tnOrder
	if err := db.Model(&tnOrder{}).Where("CustomerID", "=", "c1").ConsistentRead().All(&list); err != nil {
		return err
	}
	if err := check("query", list); err != nil {
		return err
	}
	keys := make([]any, orders)
	for j := range keys {
		keys[j] = &tnOrder{CustomerID: "c1", ID: fmt.Sprint("o", j)}
	}
	if err := db.Model(&tnOrder{}).BatchGetWithOptions(keys, &list, &core.BatchGetOptions{ConsistentRead: true}); err != nil {
		return err
	}
	if err := check("batch get", list); err != nil {
		return err
	}
	var o tnOrder
	if err := db.Model(&tnOrder{CustomerID: "c1", ID: "o0"}).ConsistentRead().First(&o); err != nil {
		return err
	}
	if o.Total != i*100 {
		return fmt.Errorf("tenant %d, get: total %d, another tenant's", i, o.Total)
	}
	return nil
}
