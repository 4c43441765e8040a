package tests

import (
	"testing"
	"time"

	"github.com/dynamorm/dynamorm"
)

// The shop: three entities in one table, two shared GSIs. Orders and their
// lines live in the customer's partition (an item collection), and lines'
// sort keys start with the orders' prefix, so only the entity type tells
// them apart.
type stCustomer struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:customer,pk:CUSTOMER#{ID},sk:PROFILE,gsi1pk:EMAIL#{Email},gsi1sk:CUSTOMER"`
	ID              string
	Email           string
	Name            string
}

type stOrder struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{ID},gsi1pk:ORDER#{ID},gsi1sk:ORDER,gsi2pk:REGION#{Region}#STATUS#{Status},gsi2sk:{Total}#{ID}"`
	CustomerID      string
	ID              string
	PlacedAt        time.Time
	Region          string
	Status          string
	Total           float64
	Note            string `dynamorm:"omitempty"`
	Version         int    `dynamorm:"version"`
}

type stLine struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:line,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{OrderID}#LINE#{N}"`
	CustomerID      string
	PlacedAt        time.Time
	OrderID         string
	N               int
	SKU             string
	Qty             int
}

// stImpostor uses the customer's key templates under another entity name:
// its reads and writes must never touch a customer.
type stImpostor struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:impostor,pk:CUSTOMER#{ID},sk:PROFILE"`
	ID              string
	Name            string
}

// shopEnv is a test database with the shop table created once from all
// its entities.
func shopEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if err := e.db.AutoMigrate(&stCustomer{}, &stOrder{}, &stLine{}, &stImpostor{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&stCustomer{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	return e
}

var stT0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

func timeHours(i int) time.Duration { return time.Duration(i) * time.Hour }
