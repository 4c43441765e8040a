package dynamorm_test

import (
	"fmt"
	"log"
	"time"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type exampleCustomer struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:customer,pk:CUSTOMER#{ID},sk:PROFILE"`
	ID              string
	Name            string
}

type exampleOrder struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{ID},gsi1pk:STATUS#{Status},gsi1sk:{Total}"`
	CustomerID      string
	ID              string
	PlacedAt        time.Time
	Status          string
	Total           float64
}

// Entities share one table; a customer and its orders form an item
// collection read with one Query, and component conditions become key
// conditions.
func ExampleEntity() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.AutoMigrate(&exampleCustomer{}, &exampleOrder{}); err != nil {
		log.Fatal(err)
	}
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	_ = db.Model(&exampleCustomer{ID: "c1", Name: "Ada"}).Create()
	_ = db.Model(&exampleOrder{CustomerID: "c1", ID: "o1", PlacedAt: day, Status: "open", Total: 42.5}).Create()
	_ = db.Model(&exampleOrder{CustomerID: "c1", ID: "o2", PlacedAt: day.AddDate(0, 0, 1), Status: "open", Total: -5}).Create()

	var c struct {
		Customer *exampleCustomer
		Orders   []exampleOrder
	}
	if err := db.Model(&exampleCustomer{ID: "c1"}).Collection(&c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Customer.Name, len(c.Orders), "orders")

	var open []exampleOrder
	q := db.Model(&exampleOrder{}).Where("Status", "=", "open").Where("Total", "<", 10)
	if err := q.All(&open); err != nil {
		log.Fatal(err)
	}
	plan, _ := q.Explain()
	fmt.Println(len(open), "open under 10:", open[0].ID, "via", plan.Index, plan.KeyCondition)
	// Output:
	// Ada 2 orders
	// 1 open under 10: o2 via gsi1 #n0 = :v0 AND #n1 < :v1
}
