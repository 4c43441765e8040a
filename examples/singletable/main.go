// Command singletable is the README's single-table example: customers,
// their orders and the orders' lines share one table, "shop". A customer
// and everything it owns live in one partition (an item collection) read
// with one Query; orders are also found by id and by status through two
// shared global indexes.
//
// It runs with zero setup on memdb, dynamorm's in-process DynamoDB, or on
// the server AWS_ENDPOINT_URL_DYNAMODB names:
//
//	go run ./examples/singletable
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// Customer is stored under CUSTOMER#<id> / PROFILE and found by e-mail
// through gsi1.
type Customer struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:customer,pk:CUSTOMER#{ID},sk:PROFILE,gsi1pk:EMAIL#{Email},gsi1sk:CUSTOMER"`
	ID              string
	Email           string
	Name            string
}

// Order lives in its customer's partition, sorted by when it was placed;
// gsi1 finds it by id and gsi2 lists orders by status, sorted by total.
type Order struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{ID},gsi1pk:ORDER#{ID},gsi1sk:ORDER,gsi2pk:STATUS#{Status},gsi2sk:{Total}#{ID}"`
	CustomerID      string
	ID              string
	PlacedAt        time.Time
	Status          string
	Total           float64
	Version         int `dynamorm:"version"`
}

// OrderLine is one line of an order, right after its order in the
// customer's partition.
type OrderLine struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:line,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{OrderID}#LINE#{N}"`
	CustomerID      string
	PlacedAt        time.Time
	OrderID         string
	N               int
	SKU             string
	Qty             int
}

func main() {
	if err := run(); err != nil {
		log.Fatal("singletable: ", err)
	}
}

func run() error {
	cfg := session.Config{Region: "us-east-1", TableNamePrefix: "singletable_"}
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" && os.Getenv("AWS_ENDPOINT_URL") == "" {
		srv := memdb.New()
		defer srv.Close()
		cfg.Client = srv.Client()
	}
	db, err := dynamorm.New(cfg)
	if err != nil {
		return err
	}
	// One table from all its entities: keys pk/sk, indexes gsi1 and gsi2.
	if err := db.AutoMigrate(&Customer{}, &Order{}, &OrderLine{}); err != nil {
		return err
	}
	defer func() {
		if err := db.DeleteTable(&Customer{}); err != nil {
			log.Printf("singletable: cleanup: %v", err)
		}
	}()

	day := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	if err := db.Model(&Customer{ID: "c1", Email: "ada@example.com", Name: "Ada"}).Create(); err != nil {
		return err
	}
	orders := []*Order{
		{CustomerID: "c1", ID: "o1", PlacedAt: day, Status: "open", Total: 42.5},
		{CustomerID: "c1", ID: "o2", PlacedAt: day.Add(26 * time.Hour), Status: "open", Total: -5}, // a refund
	}
	for _, o := range orders {
		if err := db.Model(o).Create(); err != nil {
			return err
		}
		for n := 1; n <= 2; n++ {
			line := &OrderLine{CustomerID: o.CustomerID, PlacedAt: o.PlacedAt, OrderID: o.ID, N: n, SKU: fmt.Sprintf("sku-%d", n), Qty: n}
			if err := db.Model(line).Create(); err != nil {
				return err
			}
		}
	}

	// The whole collection in one Query, each item in its own type.
	var c struct {
		Customer *Customer
		Orders   []Order
		Lines    []OrderLine
	}
	if err := db.Model(&Customer{ID: "c1"}).Collection(&c); err != nil {
		return err
	}
	fmt.Printf("customer %s: %d orders, %d lines\n", c.Customer.Name, len(c.Orders), len(c.Lines))

	// Component conditions become key conditions.
	var recent []Order
	q := db.Model(&Order{}).Where("CustomerID", "=", "c1").Where("PlacedAt", ">", day.Add(time.Hour))
	if err := q.All(&recent); err != nil {
		return err
	}
	plan, err := q.Explain()
	if err != nil {
		return err
	}
	fmt.Printf("orders after %s: %d (%s on %s, key condition %s)\n", day.Add(time.Hour).Format(time.DateOnly), len(recent), plan.Operation, "table", plan.KeyCondition)

	var byID Order
	if err := db.Model(&Order{}).Where("ID", "=", "o2").First(&byID); err != nil {
		return err
	}
	fmt.Printf("order o2 by id (gsi1): customer %s, total %.2f\n", byID.CustomerID, byID.Total)

	var open []Order
	if err := db.Model(&Order{}).Where("Status", "=", "open").OrderBy("Total", "ASC").All(&open); err != nil {
		return err
	}
	for _, o := range open {
		fmt.Printf("  open, by total (gsi2): %s %.2f\n", o.ID, o.Total)
	}

	// Changing the status recomputes gsi2's keys; the version is checked.
	o := &c.Orders[0]
	o.Status = "paid"
	if err := db.Model(o).Update("Status"); err != nil {
		return err
	}
	var paid []Order
	if err := db.Model(&Order{}).Where("Status", "=", "paid").All(&paid); err != nil {
		return err
	}
	fmt.Printf("paid orders: %d (version %d)\n", len(paid), o.Version)

	// A key component cannot change in place: MoveItem moves the item.
	moved := *o
	moved.CustomerID = "c2"
	err = db.Model(&moved).Update("CustomerID")
	fmt.Printf("update of a key component refused: %v\n", errors.Is(err, dynamorm.ErrValidation))
	if err := db.MoveItem(o, &moved); err != nil {
		return err
	}
	var c2 []Order
	if err := db.Model(&Order{}).Where("CustomerID", "=", "c2").All(&c2); err != nil {
		return err
	}
	fmt.Printf("customer c2 now has %d order(s)\n", len(c2))
	return nil
}
