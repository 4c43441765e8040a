package dynamorm_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// An Observer sees every library call and every DynamoDB request made for
// it, with the plan, table, items, consumed capacity and error.
func ExampleObserver() {
	type Order struct {
		Customer string `dynamorm:"pk"`
		ID       string `dynamorm:"sk"`
		Total    int64
	}
	report := dynamorm.ObserverFunc(func(_ context.Context, e dynamorm.Event) {
		switch e.Kind {
		case dynamorm.EventCallEnd:
			fmt.Printf("call %s %s: condition failed: %v\n", e.Op, e.Model, errors.Is(e.Err, dynamorm.ErrConditionFailed))
		case dynamorm.EventRequest:
			fmt.Printf("- %s on %s (plan %s, attempt %d): %d items, %.1f units, failed: %v\n",
				e.Operation, e.Table, e.Plan, e.Attempt, e.Items, e.Units().ReadUnits+e.Units().WriteUnits, e.Err != nil)
		}
	})
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Order{}); err != nil {
		log.Fatal(err)
	}
	odb := db.WithObserver(report) // or session.Config{Observer: report}
	_ = odb.Model(&Order{Customer: "c1", ID: "o1", Total: 30}).Create()
	_ = odb.Model(&Order{Customer: "c1", ID: "o1", Total: 30}).Create() // exists
	var orders []Order
	_ = odb.Model(&Order{}).Where("Customer", "=", "c1").All(&orders)
	// Output:
	// - PutItem on orders (plan Put, attempt 1): 1 items, 1.0 units, failed: false
	// call Create Order: condition failed: false
	// - PutItem on orders (plan Put, attempt 1): 1 items, 0.0 units, failed: true
	// call Create Order: condition failed: true
	// - Query on orders (plan Query, attempt 1): 1 items, 0.5 units, failed: false
	// call All Order: condition failed: false
}
