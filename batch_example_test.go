package dynamorm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type Book struct {
	ISBN  string `dynamorm:"pk"`
	Title string
	Stock int
}

// exampleDB is a DB on an in-process memdb server with Book's table.
func exampleDB() (*dynamorm.DB, func()) {
	srv := memdb.New()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		panic(err)
	}
	if err := db.CreateTable(&Book{}); err != nil {
		panic(err)
	}
	return db, srv.Close
}

// Batches write and read many items with few requests. BatchGet returns
// the items in the order of the keys; keys with no item are left out.
func Example_batch() {
	db, done := exampleDB()
	defer done()

	books := []Book{{ISBN: "1", Title: "Dune"}, {ISBN: "2", Title: "Emma"}, {ISBN: "3", Title: "Ulysses"}}
	if err := db.Model(&Book{}).BatchCreate(books); err != nil {
		fmt.Println(err)
		return
	}
	var got []Book
	if err := db.Model(&Book{}).BatchGet([]any{"3", "missing", "1"}, &got); err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range got {
		fmt.Println(b.ISBN, b.Title)
	}

	// Items DynamoDB could not write even after retries are listed.
	var be *dynamorm.BatchError
	if err := db.Model(&Book{}).BatchDelete([]any{"1", "2"}); errors.As(err, &be) {
		fmt.Println("not deleted:", len(be.Failures))
	}
	// Output:
	// 3 Ulysses
	// 1 Dune
}

// A fluent transaction: every operation is written, or none is.
func ExampleDB_Transact() {
	db, done := exampleDB()
	defer done()
	_ = db.Model(&Book{ISBN: "1", Title: "Dune", Stock: 1}).Create()
	_ = db.Model(&Book{ISBN: "2", Title: "Emma", Stock: 1}).Create()

	// Sell book 1 only while book 2 has at least 2 copies.
	err := db.Transact().
		Update(&Book{ISBN: "1", Stock: 0}, []string{"Stock"}).
		ConditionCheck(&Book{ISBN: "2"}, core.Condition("Stock", ">=", 2)).
		Execute()
	fmt.Println(errors.Is(err, dynamorm.ErrConditionFailed))
	var te *dynamorm.TransactionError
	if errors.As(err, &te) {
		f := te.Failures[0]
		fmt.Println(f.Index, f.Op, f.Key, f.Code)
	}
	// Output:
	// true
	// 1 ConditionCheck Book{ISBN="2"} ConditionalCheckFailed
}

// TransactGet reads several items atomically into their models.
func ExampleDB_TransactGet() {
	db, done := exampleDB()
	defer done()
	_ = db.Model(&Book{ISBN: "1", Title: "Dune"}).Create()

	a, b := &Book{ISBN: "1"}, &Book{ISBN: "2"}
	err := db.TransactGet(context.Background(), a, b)
	fmt.Println(a.Title)
	fmt.Println(errors.Is(err, dynamorm.ErrItemNotFound))
	// Output:
	// Dune
	// true
}
