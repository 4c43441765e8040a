package dynamorm_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type exampleSignup struct {
	ID    string `dynamorm:"pk"`
	Email string `dynamorm:"unique,casefold"`
}

// A unique e-mail address: each create is one transaction of the item and
// the guard of its address, a taken address is ErrUniqueViolation, and
// FindBy reads the guard and then its owner.
func ExampleFindBy() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&exampleSignup{}); err != nil {
		log.Fatal(err)
	}
	if err := db.Model(&exampleSignup{ID: "a1", Email: "Ada@example.com"}).Create(); err != nil {
		log.Fatal(err)
	}
	err = db.Model(&exampleSignup{ID: "a2", Email: "ada@EXAMPLE.com"}).Create()
	var uv *dynamorm.UniqueViolationError
	fmt.Println(errors.Is(err, dynamorm.ErrUniqueViolation), errors.As(err, &uv) && uv.Owner == `exampleSignup{ID="a1"}`)

	a, err := dynamorm.FindBy[exampleSignup](db, "Email", "ADA@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.ID, a.Email)
	// Output:
	// true true
	// a1 Ada@example.com
}
