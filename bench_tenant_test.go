package dynamorm_test

// The cost of tenancy on an entity's Create and First: the same entity
// with and without the tenant option (the tenant segment composed into the
// partition key, the _tenant attribute stored, the scope looked up in the
// context, every item read checked). Same stub client as bench_test.go.
//
//	go test -run '^$' -bench 'BenchmarkTenantEntity' -benchmem -count 6 .

import (
	"context"
	"testing"
	"time"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// benchTenantOrder is benchEntityOrder, tenant-scoped.
type benchTenantOrder struct {
	dynamorm.Entity `dynamorm:"table:bench_shop,entity:order,tenant,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{OrderID}"`
	CustomerID      string            `json:"customer_id"`
	OrderID         string            `json:"order_id"`
	Status          string            `json:"status"`
	Total           int64             `json:"total"`
	Quantity        int               `json:"quantity"`
	Tags            []string          `dynamorm:"set" json:"tags"`
	Meta            map[string]string `json:"meta"`
	PlacedAt        time.Time         `json:"placed_at"`
	Version         int64             `dynamorm:"version" json:"version"`
	UpdatedAt       time.Time         `dynamorm:"updated_at" json:"updated_at"`
}

func BenchmarkTenantEntityCreate(b *testing.B) {
	db, _ := benchSetup(b, 1)
	ctxDB := db.WithContext(dynamorm.WithTenant(context.Background(), "acme"))
	plain := func() any { o := entityOrder(1); return &o }
	tenant := func() any { o := benchTenantOrder(entityOrder(1)); return &o }
	benchTenantCases(b, []tenantCase{
		{"tenancy=none", db, plain},
		{"tenancy=ForTenant", db.ForTenant("acme"), tenant},
		{"tenancy=WithTenant", ctxDB, tenant},
	}, func(db core.DB, v any) error { return db.Model(v).Create() })
}

func BenchmarkTenantEntityFirst(b *testing.B) {
	o := entityOrder(1)
	plainDB, err := dynamorm.New(session.Config{Client: newStubClient(entityItem(b, &o), nil)})
	if err != nil {
		b.Fatal(err)
	}
	to := benchTenantOrder(o)
	marshalDB, err := dynamorm.New(session.Config{Client: newStubClient(nil, nil)})
	if err != nil {
		b.Fatal(err)
	}
	item, err := marshalDB.ForTenant("acme").MarshalItem(&to)
	if err != nil {
		b.Fatal(err)
	}
	tenantDB, err := dynamorm.New(session.Config{Client: newStubClient(item, nil)})
	if err != nil {
		b.Fatal(err)
	}
	benchTenantCases(b, []tenantCase{
		{"tenancy=none", plainDB, func() any {
			return &benchEntityOrder{CustomerID: o.CustomerID, OrderID: o.OrderID, PlacedAt: o.PlacedAt}
		}},
		{"tenancy=ForTenant", tenantDB.ForTenant("acme"), func() any {
			return &benchTenantOrder{CustomerID: o.CustomerID, OrderID: o.OrderID, PlacedAt: o.PlacedAt}
		}},
	}, func(db core.DB, v any) error { return db.Model(v).First(v) })
}

// tenantCase is one sub-benchmark: op on a new value per iteration.
type tenantCase struct {
	name  string
	db    core.DB
	value func() any
}

func benchTenantCases(b *testing.B, cases []tenantCase, op func(core.DB, any) error) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := op(c.db, c.value()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
