package tests

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// tenantOps are one call of every operation kind on the tenancy table's
// models, through db (and ctx, for the calls that take one).
func tenantOps(db *dynamorm.DB, ctx context.Context, image map[string]events.DynamoDBAttributeValue) map[string]func() error {
	order := func() *tnOrder { return &tnOrder{CustomerID: "c1", ID: "o1", Status: "open", Total: 1, Version: 1} }
	var list []tnOrder
	return map[string]func() error{
		"Create":         func() error { return db.Model(order()).Create() },
		"CreateOrUpdate": func() error { return db.Model(order()).CreateOrUpdate() },
		"Update":         func() error { return db.Model(order()).Update("Total") },
		"UpdateBuilder":  func() error { return db.Model(order()).UpdateBuilder().Set("Total", 2).Execute() },
		"UpdateBuilder Where": func() error {
			return db.Model(&tnOrder{}).Where("CustomerID", "=", "c1").Where("ID", "=", "o1").UpdateBuilder().Set("Total", 2).Execute()
		},
		"Upsert builder": func() error { return db.Model(order()).UpdateBuilder().Upsert().Set("Total", 2).Execute() },
		"Delete":         func() error { return db.Model(order()).Delete() },
		"Save":           func() error { return db.Model(order()).Save() },
		"First":          func() error { return db.Model(order()).First(&tnOrder{}) },
		"Get":            func() error { _, err := dynamorm.Get(db, tnOrder{CustomerID: "c1", ID: "o1"}); return err },
		"Query":          func() error { return db.Model(&tnOrder{}).Where("CustomerID", "=", "c1").All(&list) },
		"Index query":    func() error { return db.Model(&tnOrder{}).Where("Status", "=", "open").All(&list) },
		"Scan":           func() error { return db.Model(&tnOrder{}).Scan(&list) },
		"Count":          func() error { _, err := db.Model(&tnOrder{}).Count(); return err },
		"AllPaginated":   func() error { _, err := db.Model(&tnOrder{}).Limit(1).AllPaginated(&list); return err },
		"Explain":        func() error { _, err := db.Model(&tnOrder{}).Explain(); return err },
		"Items": func() error {
			return firstErr(dynamorm.Items[tnOrder](db.Model(&tnOrder{}).Where("CustomerID", "=", "c1")))
		},
		"Pages": func() error { return firstErr(dynamorm.Pages[tnOrder](db.Model(&tnOrder{}))) },
		"CollectionItems": func() error {
			return firstErr(db.Model(&tnCustomer{ID: "c1"}).CollectionItems(tnCustomer{}, tnOrder{}))
		},
		"BatchGet":    func() error { return db.Model(&tnOrder{}).BatchGet([]any{order()}, &list) },
		"BatchCreate": func() error { return db.Model(&tnOrder{}).AllowOverwrite().BatchCreate([]tnOrder{*order()}) },
		"BatchDelete": func() error { return db.Model(&tnOrder{}).BatchDelete([]any{order()}) },
		"BatchWrite":  func() error { return db.Model(&tnOrder{}).AllowOverwrite().BatchWrite([]any{order()}, []any{order()}) },
		"BatchUpdate": func() error { return db.Model(&tnOrder{}).BatchUpdateWithOptions([]any{order()}, []string{"Total"}) },
		"Transaction": func() error {
			return db.Transaction(func(tx *dynamorm.Tx) error { return tx.Model(order()).Create() })
		},
		"TransactWrite": func() error {
			return db.TransactWrite(ctx, func(tx core.TransactionBuilder) error {
				tx.Create(order())
				return nil
			})
		},
		"Transact":    func() error { return db.Transact().Update(order(), []string{"Total"}).Execute() },
		"TransactGet": func() error { return db.TransactGet(ctx, order()) },
		"MoveItem": func() error {
			return db.MoveItem(order(), &tnOrder{CustomerID: "c2", ID: "o1", Status: "open"})
		},
		"FindBy": func() error { _, err := dynamorm.FindBy[tnUser](db, "Email", "x@y"); return err },
		"Unique create": func() error {
			return db.Model(&tnUser{ID: "u1", Email: "x@y"}).Create()
		},
		"Collection": func() error {
			var c struct{ Orders []tnOrder }
			return db.Model(&tnCustomer{ID: "c1"}).Collection(&c)
		},
		"RepairUnique": func() error { _, err := db.RepairUnique(ctx, &tnUser{}, true); return err },
		"UnmarshalItem (DB)": func() error {
			return db.UnmarshalItem(image, &tnOrder{})
		},
		"UnmarshalItem": func() error { return dynamorm.UnmarshalItem(image, &tnOrder{}) },
		"UnmarshalItems": func() error {
			return dynamorm.UnmarshalItems([]map[string]events.DynamoDBAttributeValue{image}, &list)
		},
		"EntityOf":         func() error { _, err := dynamorm.EntityOf(image, tnOrder{}); return err },
		"EntityOf (DB)":    func() error { _, err := db.EntityOf(image, tnOrder{}); return err },
		"MarshalItem":      func() error { _, err := dynamorm.MarshalItem(order()); return err },
		"MarshalItem (DB)": func() error { _, err := db.MarshalItem(order()); return err },
	}
}

// TestTenantRequiredSendsNothing: every operation kind on a tenant-scoped
// model fails without a tenant with ErrTenantRequired, before sending.
func TestTenantRequiredSendsNothing(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	item, err := e.db.ForTenant("a").MarshalItem(&tnOrder{CustomerID: "c1", ID: "o1", Status: "open", Total: 1})
	require.NoError(t, err)
	image := marshal.ToStreamImage(item)
	before := e.count.sent()
	for name, op := range tenantOps(e.db, context.Background(), image) {
		err := op()
		if !errors.Is(err, dynamorm.ErrTenantRequired) {
			t.Errorf("%s without a tenant: %v, want ErrTenantRequired", name, err)
		}
	}
	require.Equal(t, before, e.count.sent(), "requests sent by operations without a tenant")
}

// TestTenantScopeErrorsSendNothing: an invalid tenant id, and a bound
// handle given another tenant's context, fail every operation kind
// before sending.
func TestTenantScopeErrorsSendNothing(t *testing.T) {
	e := tenantEnv(t)
	seedTenants(t, e)
	item, err := e.db.ForTenant("a").MarshalItem(&tnOrder{CustomerID: "c1", ID: "o1", Status: "open", Total: 1})
	require.NoError(t, err)
	image := marshal.ToStreamImage(item)
	ofB, system := dynamorm.WithTenant(context.Background(), "b"), dynamorm.AllTenants(context.Background(), "test")
	cases := map[string]struct {
		db   *dynamorm.DB
		ctx  context.Context
		want error
	}{
		"invalid id":       {e.db.ForTenant("a#b"), context.Background(), dynamorm.ErrValidation},
		"context of b":     {e.db.ForTenant("a").WithContext(ofB).(*dynamorm.DB), ofB, dynamorm.ErrCrossTenant},
		"bound and system": {e.db.ForTenant("a").WithContext(system).(*dynamorm.DB), system, dynamorm.ErrCrossTenant},
		"unbound, invalid": {e.db.WithContext(dynamorm.WithTenant(context.Background(), "")).(*dynamorm.DB), dynamorm.WithTenant(context.Background(), ""), dynamorm.ErrValidation},
	}
	before := e.count.sent()
	for cname, c := range cases {
		for name, op := range tenantOps(c.db, c.ctx, image) {
			if name == "UnmarshalItem" || name == "UnmarshalItems" || name == "EntityOf" || name == "MarshalItem" {
				continue // package functions: no handle, no scope
			}
			if err := op(); !errors.Is(err, c.want) {
				t.Errorf("%s, %s: %v, want %v", cname, name, err, c.want)
			}
		}
	}
	require.Equal(t, before, e.count.sent(), "requests sent in a failed scope")
}

// firstErr is the first error an iterator yields (nil for none).
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
