// Command testing shows how to unit test code written against dynamorm:
// PaymentService (service.go) depends on the core.DB interface, so its
// tests (service_test.go) use the testify mocks of pkg/mocks, with no
// DynamoDB at all, while this program runs the same service on a real DB.
//
//	go test ./examples/testing    # the unit tests, on mocks
//	go run ./examples/testing     # the service on an in-process DynamoDB (memdb)
package main

import (
	"fmt"
	"log"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

func main() {
	// memdb is dynamorm's in-process DynamoDB; with
	// session.Config{Region: ..., Endpoint: ...} this would be DynamoDB
	// Local or AWS.
	server := memdb.New()
	defer server.Close()
	db, err := dynamorm.New(session.Config{Client: server.Client()})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []any{&Payment{}, &Account{}} {
		if err := db.CreateTable(m); err != nil {
			log.Fatal(err)
		}
	}

	service := NewPaymentService(db) // a *dynamorm.DB is a core.DB
	account := &Account{ID: "acct-1", Balance: 100}
	if err := db.Model(account).Create(); err != nil {
		log.Fatal(err)
	}
	if err := service.CreatePayment(&Payment{ID: "p-0", Timestamp: "2024-06-01T09:00:00Z", CustomerID: "c-1", Status: "pending", Amount: 5}); err != nil {
		log.Fatal(err)
	}
	for i, amount := range []int64{30, 50, 40} {
		p := &Payment{ID: fmt.Sprintf("p-%d", i+1), Timestamp: "2024-06-01T10:00:00Z", CustomerID: "c-1", Amount: amount}
		err := service.Pay(account, p)
		fmt.Printf("pay %s (%d): err=%v, balance %d\n", p.ID, amount, err, account.Balance)
	}
	payments, err := service.CustomerPayments("c-1", 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range payments {
		fmt.Printf("customer c-1: %s %s %d\n", p.ID, p.Status, p.Amount)
	}
}
