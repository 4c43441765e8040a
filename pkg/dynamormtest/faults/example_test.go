package faults_test

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type Order struct {
	ID string `dynamorm:"pk"`
}

// The 2nd PutItem is throttled; with one attempt per request, the error
// reaches the caller and nothing is written. In a test, build the DB with
// dynamormtest.NewWithConfig and name the table with dynamormtest.TableName.
func ExampleInjector_Add() {
	srv := memdb.New()
	defer srv.Close()
	inj := faults.New(faults.Config{})
	oneAttempt := func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }
	db, _ := dynamorm.New(session.Config{Client: srv.Client(oneAttempt), ClientOptions: []func(*dynamodb.Options){inj.ClientOption}})
	_ = db.CreateTable(&Order{})

	if err := inj.Add(faults.Rule{Kind: faults.Throttle, Op: "PutItem", Table: "orders", Nth: 2}); err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"o1", "o2", "o3"} {
		err := db.Model(&Order{ID: id}).Create()
		var ae smithy.APIError
		if errors.As(err, &ae) {
			fmt.Println(id, ae.ErrorCode())
		} else {
			fmt.Println(id, err)
		}
	}
	n, _ := db.Model(&Order{}).Count()
	fmt.Println("stored:", n, "faults:", inj.Summary())
	// Output:
	// o1 <nil>
	// o2 ThrottlingException
	// o3 <nil>
	// stored: 2 faults: 1 faults (throttle 1)
}
