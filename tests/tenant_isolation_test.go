package tests

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// totals are the Total fields of orders, in order.
func totals(os []tnOrder) []int {
	out := make([]int, len(os))
	for i, o := range os {
		out[i] = o.Total
	}
	return out
}

// TestTenantKeysAndStoredTenant checks what a tenant's write stores: every
// partition key (table, index) begins with the tenant's prefix, sort keys
// do not, and the item holds its tenant.
func TestTenantKeysAndStoredTenant(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	for _, id := range []string{"a", "b"} {
		item := e.rawItem(t, "tenancy", orderKey(id, "c1", "o1"))
		require.NotNil(t, item, "tenant %s's order under its prefixed key", id)
		require.Equal(t, &types.AttributeValueMemberS{Value: id}, item["_tenant"])
		require.Equal(t, &types.AttributeValueMemberS{Value: "$t" + id + "#STATUS#open"}, item["gsi1pk"])
		require.Equal(t, &types.AttributeValueMemberS{Value: "ORDER#o1"}, item["sk"])
		require.Equal(t, &types.AttributeValueMemberS{Value: "c1"}, item["CustomerID"], "fields keep their own value")
	}
	unprefixed := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "CUSTOMER#c1"}, "sk": &types.AttributeValueMemberS{Value: "ORDER#o1"}}
	require.Nil(t, e.rawItem(t, "tenancy", unprefixed), "no item without the tenant prefix")
	prefix, err := dynamorm.TenantKeyPrefix("a")
	require.NoError(t, err)
	require.Equal(t, "$ta#", prefix)
}

// TestTenantReadsSeeOwnItems: each tenant reads, queries (table and
// index), scans, counts and batch-reads its own items only, with the same
// keys as the other tenant.
func TestTenantReadsSeeOwnItems(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	a, b := e.db.ForTenant("a"), e.db.ForTenant("b")

	var o tnOrder
	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o1"}).First(&o))
	require.Equal(t, 1, o.Total)
	require.NoError(t, b.Model(&tnOrder{CustomerID: "c1", ID: "o1"}).First(&o))
	require.Equal(t, 101, o.Total)
	require.ErrorIs(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o3"}).First(&o), dynamorm.ErrItemNotFound, "b's o3 is not a's")

	var list []tnOrder
	require.NoError(t, a.Model(&tnOrder{}).Where("CustomerID", "=", "c1").All(&list))
	require.Equal(t, []int{1, 2}, totals(list))
	require.NoError(t, b.Model(&tnOrder{}).Where("CustomerID", "=", "c1").All(&list))
	require.Equal(t, []int{101, 102, 103}, totals(list))

	require.NoError(t, a.Model(&tnOrder{}).Index("gsi1").Where("Status", "=", "open").All(&list))
	require.Equal(t, []int{1}, totals(list), "a's index partition")
	require.NoError(t, b.Model(&tnOrder{}).Where("Status", "=", "open").All(&list))
	require.Equal(t, []int{101, 103}, totals(list), "b's index partition (index chosen)")

	require.NoError(t, a.Model(&tnOrder{}).Scan(&list))
	require.ElementsMatch(t, []int{1, 2}, totals(list), "a scan returns a's items only")
	require.NoError(t, b.Model(&tnOrder{}).Where("Total", ">", 0).All(&list))
	require.ElementsMatch(t, []int{101, 102, 103}, totals(list), "an implicit scan too")

	for id, want := range map[string]int64{"a": 2, "b": 3} {
		n, err := e.db.ForTenant(id).Model(&tnOrder{}).Count()
		require.NoError(t, err)
		require.Equal(t, want, n, "tenant %s's count (a scan)", id)
		n, err = e.db.ForTenant(id).Model(&tnOrder{}).Where("CustomerID", "=", "c1").Count()
		require.NoError(t, err)
		require.Equal(t, want, n, "tenant %s's count (a query)", id)
	}

	keys := []any{&tnOrder{CustomerID: "c1", ID: "o1"}, &tnOrder{CustomerID: "c1", ID: "o2"}, &tnOrder{CustomerID: "c1", ID: "o3"}}
	require.NoError(t, a.Model(&tnOrder{}).BatchGet(keys, &list))
	require.Equal(t, []int{1, 2}, totals(list), "a batch read of a's keys; o3 is b's")
	require.NoError(t, b.Model(&tnOrder{}).BatchGet(keys, &list))
	require.Equal(t, []int{101, 102, 103}, totals(list))

	var got1, got2 tnOrder
	got1, got2 = tnOrder{CustomerID: "c1", ID: "o1"}, tnOrder{CustomerID: "c1", ID: "o3"}
	err := a.TransactGet(context.Background(), &got1, &got2)
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "b's o3 is missing for a")
	require.Equal(t, 1, got1.Total)

	var c tnCustomer
	require.NoError(t, a.Model(&tnCustomer{ID: "c1"}).First(&c))
	require.Equal(t, "Customer of a", c.Name)
	var coll struct {
		Customer *tnCustomer
		Orders   []tnOrder
	}
	require.NoError(t, b.Model(&tnCustomer{ID: "c1"}).Collection(&coll))
	require.Equal(t, "Customer of b", coll.Customer.Name)
	require.Equal(t, []int{101, 102, 103}, totals(coll.Orders))
}

// TestTenantWritesStayInTenant: a tenant's update, delete, upsert and
// transaction address its own items only; the other tenant's items with
// the same keys are untouched.
func TestTenantWritesStayInTenant(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	a := e.db.ForTenant("a")
	bItem := func(o string) map[string]types.AttributeValue { return e.rawItem(t, "tenancy", orderKey("b", "c1", o)) }
	bBefore := bItem("o3")

	err := a.Model(&tnOrder{CustomerID: "c1", ID: "o3", Status: "open", Total: 9, Version: 1}).Update("Total")
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "a cannot update b's o3")
	err = a.Model(&tnOrder{CustomerID: "c1", ID: "o3"}).UpdateBuilder().Set("Total", 9).Execute()
	require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "nor with the update builder")
	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o3"}).Delete(), "a delete of a missing key succeeds...")
	require.Equal(t, bBefore, bItem("o3"), "...and b's o3 is untouched")
	require.NoError(t, a.Model(&tnOrder{}).BatchDelete([]any{&tnOrder{CustomerID: "c1", ID: "o3"}}))
	require.Equal(t, bBefore, bItem("o3"), "a batch delete of a's key leaves b's item")

	err = a.Transaction(func(tx *dynamorm.Tx) error {
		return tx.Model(&tnOrder{CustomerID: "c1", ID: "o3", Status: "open", Total: 9, Version: 1}).Update("Total")
	})
	require.Error(t, err, "a transaction of a cannot update b's o3")
	require.Equal(t, bBefore, bItem("o3"))

	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o1", Status: "open", Total: 7, Version: 1}).Update("Total"))
	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o2"}).Delete())
	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o3", Status: "new", Total: 8}).CreateOrUpdate())
	require.Equal(t, &types.AttributeValueMemberN{Value: "101"}, bItem("o1")["Total"], "b's o1 keeps its total")
	require.NotNil(t, bItem("o2"), "b's o2 is not deleted")
	require.Equal(t, bBefore, bItem("o3"), "a's upsert of o3 created a's own")
	aO3 := e.rawItem(t, "tenancy", orderKey("a", "c1", "o3"))
	require.Equal(t, &types.AttributeValueMemberS{Value: "a"}, aO3["_tenant"])

	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o3"}).UpdateBuilder().Upsert().Set("Total", 5).Execute())
	require.NoError(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o4"}).UpdateBuilder().Upsert().Set("Total", 4).Execute())
	o4 := e.rawItem(t, "tenancy", orderKey("a", "c1", "o4"))
	require.Equal(t, &types.AttributeValueMemberS{Value: "a"}, o4["_tenant"], "an upsert by the update builder stores the tenant")
	require.Nil(t, bItem("o4"))

	var bOrder tnOrder
	require.NoError(t, e.db.ForTenant("b").Model(&tnOrder{CustomerID: "c1", ID: "o1"}).First(&bOrder))
	bOrder.Total = 55
	err = a.Model(&bOrder).Update("Total")
	require.ErrorIs(t, err, dynamorm.ErrCrossTenant, "a value read for b is not written for a")
	require.ErrorIs(t, a.Model(&bOrder).Save(), dynamorm.ErrCrossTenant)
	require.Equal(t, &types.AttributeValueMemberN{Value: "101"}, bItem("o1")["Total"])
}

// TestTenantGuessedKeys: a tenant names items by their key components
// only (the library composes the stored key, tenant first), never by a
// stored key; and an item planted under a tenant's key that stores
// another tenant is an error, never returned.
func TestTenantGuessedKeys(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	a := e.db.ForTenant("a")
	bKey := core.NewKeyPair("$tb#CUSTOMER#c1", "ORDER#o3")
	before := e.count.sent()
	var list []tnOrder
	require.ErrorIs(t, a.Model(&tnOrder{}).BatchGet([]any{bKey}, &list), dynamorm.ErrValidation, "an entity takes no stored keys")
	require.ErrorIs(t, a.Model(&tnOrder{}).BatchDelete([]any{bKey}), dynamorm.ErrValidation)
	require.ErrorIs(t, a.Model(&tnOrder{}).Where("pk", "=", "$tb#CUSTOMER#c1").First(&tnOrder{}), dynamorm.ErrValidation,
		"nor conditions on the stored key")
	require.NoError(t, a.Model(&tnOrder{}).Where("CustomerID", "=", "$tb#CUSTOMER#c1").All(&list))
	require.Empty(t, list, "a component that looks like b's key is escaped into a's key space")
	require.NotNil(t, e.rawItem(t, "tenancy", orderKey("b", "c1", "o3")))
	require.Equal(t, before+1, e.count.sent(), "only the read of a's key space was sent")

	// An item under a's key that says it is b's (written around the
	// library): reads that meet it fail.
	planted := orderKey("a", "c1", "o9")
	planted["_type"] = &types.AttributeValueMemberS{Value: "order"}
	planted["_tenant"] = &types.AttributeValueMemberS{Value: "b"}
	planted["CustomerID"] = &types.AttributeValueMemberS{Value: "c1"}
	planted["ID"] = &types.AttributeValueMemberS{Value: "o9"}
	planted["Total"] = &types.AttributeValueMemberN{Value: "999"}
	putRaw(t, e, "tenancy", planted)
	var o tnOrder
	require.ErrorIs(t, a.Model(&tnOrder{CustomerID: "c1", ID: "o9"}).First(&o), dynamorm.ErrCrossTenant)
	require.Zero(t, o.Total, "nothing decoded")
	require.ErrorIs(t, a.Model(&tnOrder{}).Where("CustomerID", "=", "c1").All(&list), dynamorm.ErrCrossTenant)
	require.ErrorIs(t, a.Model(&tnOrder{}).BatchGet([]any{&tnOrder{CustomerID: "c1", ID: "o9"}}, &list), dynamorm.ErrCrossTenant)
	got := tnOrder{CustomerID: "c1", ID: "o9"}
	require.ErrorIs(t, a.TransactGet(context.Background(), &got), dynamorm.ErrCrossTenant)
	var raw []map[string]types.AttributeValue
	require.ErrorIs(t, a.Model(&tnOrder{}).Where("CustomerID", "=", "c1").All(&raw), dynamorm.ErrCrossTenant, "raw items too")
	require.ErrorIs(t, e.db.ForTenant("b").Model(&tnOrder{}).Scan(&list), dynamorm.ErrCrossTenant,
		"b's scan meets an item that says it is b's under a's key: neither tenant gets it")
}

// TestTenantCursor: a cursor is bound to the tenant whose read made it.
func TestTenantCursor(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	var page []tnOrder
	res, err := e.db.ForTenant("b").Model(&tnOrder{}).Where("CustomerID", "=", "c1").Limit(1).AllPaginated(&page)
	require.NoError(t, err)
	require.NotEmpty(t, res.NextCursor)
	_, err = e.db.ForTenant("a").Model(&tnOrder{}).Where("CustomerID", "=", "c1").Limit(1).Cursor(res.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor, "b's cursor in a's read")
	_, err = e.db.ForTenant("b").Model(&tnOrder{}).Where("CustomerID", "=", "c1").Limit(1).Cursor(res.NextCursor).AllPaginated(&page)
	require.NoError(t, err, "the cursor resumes b's own read")
	require.Equal(t, []int{102}, totals(page))

	sres, err := e.db.ForTenant("b").Model(&tnOrder{}).Limit(1).AllPaginated(&page)
	require.NoError(t, err)
	require.NotEmpty(t, sres.NextCursor)
	_, err = e.db.ForTenant("a").Model(&tnOrder{}).Limit(1).Cursor(sres.NextCursor).AllPaginated(&page)
	require.ErrorIs(t, err, dynamorm.ErrInvalidCursor, "b's scan cursor in a's scan")
}
