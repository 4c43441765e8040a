package tests

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
)

// The tenancy table: a tenant-scoped customer, its orders (in the
// customer's partition, with a global index by status) and users with a
// unique, case-insensitive e-mail address; and a shared (not
// tenant-scoped) plan, which every tenant reads.
type tnCustomer struct {
	dynamorm.Entity `dynamorm:"table:tenancy,entity:customer,tenant,pk:CUSTOMER#{ID},sk:PROFILE"`
	ID              string
	Name            string
}

type tnOrder struct {
	dynamorm.Entity `dynamorm:"table:tenancy,entity:order,tenant,pk:CUSTOMER#{CustomerID},sk:ORDER#{ID},gsi1pk:STATUS#{Status},gsi1sk:{ID}"`
	CustomerID      string
	ID              string
	Status          string
	Total           int
	Version         int `dynamorm:"version"`
}

type tnUser struct {
	dynamorm.Entity `dynamorm:"table:tenancy,entity:user,tenant,pk:USER#{ID},sk:PROFILE"`
	ID              string
	Email           string `dynamorm:"unique,casefold"`
	Name            string
}

type tnPlan struct {
	dynamorm.Entity `dynamorm:"table:tenancy,entity:plan,pk:PLAN#{Name},sk:PLAN"`
	Name            string
	Price           int
}

// tenantEnv is a test database with the tenancy table.
func tenantEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if err := e.db.AutoMigrate(&tnCustomer{}, &tnOrder{}, &tnUser{}, &tnPlan{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&tnOrder{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	return e
}

// orderKey is the stored key of tenant id's order o of customer c.
func orderKey(id, c, o string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "$t" + id + "#CUSTOMER#" + c},
		"sk": &types.AttributeValueMemberS{Value: "ORDER#" + o},
	}
}

// seedTenants stores, for tenants a and b, the same customer c1 and the
// same orders o1 (open) and o2 (shipped), with totals that tell the
// tenants apart (a: 1 and 2, b: 101 and 102), and order o3 for b only.
func seedTenants(t *testing.T, e *env) {
	t.Helper()
	for i, id := range []string{"a", "b"} {
		db := e.db.ForTenant(id)
		if err := db.Model(&tnCustomer{ID: "c1", Name: "Customer of " + id}).Create(); err != nil {
			t.Fatal(err)
		}
		for j, st := range []string{"open", "shipped"} {
			o := &tnOrder{CustomerID: "c1", ID: []string{"o1", "o2"}[j], Status: st, Total: 100*i + j + 1}
			if err := db.Model(o).Create(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.db.ForTenant("b").Model(&tnOrder{CustomerID: "c1", ID: "o3", Status: "open", Total: 103}).Create(); err != nil {
		t.Fatal(err)
	}
}

// putRaw writes item with the SDK, around the library.
func putRaw(t *testing.T, e *env, table string, item map[string]types.AttributeValue) {
	t.Helper()
	if _, err := e.raw.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.prefix + table), Item: item}); err != nil {
		t.Fatal(err)
	}
}
