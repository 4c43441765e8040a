package dynamorm_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

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

// SlogObserver logs requests and calls at Debug, refusals the caller
// handles at Info, retries and throttling at Warn, failures at Error. The
// handler here drops the time, latency and delay so that the output is
// the same on every run.
func ExampleSlogObserver() {
	type Order struct {
		Customer string `dynamorm:"pk"`
		ID       string `dynamorm:"sk"`
		Total    int64
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "latency", "delay", "call":
				return slog.Attr{}
			}
			return a
		},
	}))
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Order{}); err != nil {
		log.Fatal(err)
	}
	ldb := db.WithObserver(dynamorm.SlogObserver(logger)) // or session.Config{Observer: ...}
	_ = ldb.Model(&Order{Customer: "c1", ID: "o1", Total: 30}).Create()
	// A read that retries once (WithRetry) before giving up.
	var o Order
	err = ldb.Model(&Order{Customer: "c1", ID: "missing"}).WithRetry(1, time.Millisecond).First(&o)
	fmt.Println(errors.Is(err, dynamorm.ErrItemNotFound))
	// Output:
	// level=DEBUG msg="dynamorm request" op=Create model=Order operation=PutItem table=orders plan=Put attempt=1 items=1 capacity.read=0 capacity.write=1
	// level=DEBUG msg="dynamorm call" op=Create model=Order table=orders
	// level=DEBUG msg="dynamorm request" op=First model=Order operation=GetItem table=orders plan=GetItem attempt=1 items=0 capacity.read=0.5 capacity.write=0
	// level=WARN msg="dynamorm retry" op=First model=Order table=orders attempt=1 items=1 reason="item not found"
	// level=DEBUG msg="dynamorm request" op=First model=Order operation=GetItem table=orders plan=GetItem attempt=2 items=0 capacity.read=0.5 capacity.write=0
	// level=INFO msg="dynamorm call failed" op=First model=Order table=orders err="dynamorm: item not found: Order in table orders (GetItem)"
	// true
}
