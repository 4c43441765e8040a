// Command quickstart is the README's example program, extended to a full
// tour: it creates its tables, then creates, reads, queries, updates,
// transacts and deletes a few items, printing what happens, and deletes its
// tables again.
//
// With no endpoint configured it runs on memdb, dynamorm's in-process
// DynamoDB, so it needs no setup at all. When AWS_ENDPOINT_URL_DYNAMODB is
// set it talks to that server instead (DynamoDB Local, or DynamoDB itself):
//
//	go run ./examples/quickstart             # in process, on memdb
//	./scripts/run-example.sh                 # starts DynamoDB Local and runs this
//	AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000 go run ./examples/quickstart
//
// Its tables are prefixed "quickstart_" so that it never touches a real
// "users" table; it refuses to run when they already hold data.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// User is the README's model, with a global secondary index on Team, a
// balance and an optimistic-lock version.
type User struct {
	ID        string `dynamorm:"pk" json:"id"`                    // partition key
	Email     string `dynamorm:"sk" json:"email"`                 // sort key
	Name      string `json:"name"`                                // a plain attribute
	Team      string `dynamorm:"index:team-index,pk" json:"team"` // GSI partition key
	Balance   int64  `json:"balance"`
	Version   int64  `dynamorm:"version" json:"version"`       // bumped on every write
	CreatedAt int64  `dynamorm:"created_at" json:"created_at"` // Unix seconds, set once
}

// AuditLog records transfers; it is written in the same transaction.
type AuditLog struct {
	ID     string `dynamorm:"pk" json:"id"`
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
}

func main() {
	if err := run(); err != nil {
		log.Fatal("quickstart: ", err)
	}
}

func run() error {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	// Endpoint and credentials come from the environment
	// (AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, ...). Without an
	// endpoint, an in-process memdb server stands in for DynamoDB.
	cfg := session.Config{Region: region, TableNamePrefix: "quickstart_"}
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" && os.Getenv("AWS_ENDPOINT_URL") == "" {
		srv := memdb.New()
		defer srv.Close()
		cfg.Client = srv.Client()
		fmt.Println("no AWS_ENDPOINT_URL_DYNAMODB set: running on memdb, in process")
	}
	db, err := dynamorm.New(cfg)
	if err != nil {
		return err
	}

	// Tables from the models' tags: key schema, the GSI, on-demand billing.
	for _, m := range []any{&User{}, &AuditLog{}} {
		if err := db.EnsureTable(m); err != nil {
			return err
		}
	}
	defer func() {
		for _, m := range []any{&User{}, &AuditLog{}} {
			if err := db.DeleteTable(m); err != nil {
				log.Printf("quickstart: cleanup: %v", err)
			}
		}
		fmt.Println("deleted tables quickstart_users and quickstart_audit_logs")
	}()
	if n, err := db.Model(&User{}).Count(); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("table quickstart_users already holds %d items; delete it first", n)
	}
	fmt.Println("created tables quickstart_users and quickstart_audit_logs")

	// Create.
	users := []*User{
		{ID: "user123", Email: "john@example.com", Name: "John Doe", Team: "eng", Balance: 100},
		{ID: "user456", Email: "jane@example.com", Name: "Jane Roe", Team: "eng", Balance: 50},
		{ID: "user789", Email: "ann@example.com", Name: "Ann Poe", Team: "ops", Balance: 10},
	}
	for _, u := range users {
		if err := db.Model(u).Create(); err != nil {
			return err
		}
		fmt.Printf("created %s (%s), version %d\n", u.ID, u.Name, u.Version)
	}
	err = db.Model(&User{ID: "user123", Email: "john@example.com", Name: "Impostor"}).Create()
	fmt.Printf("creating user123 again: ErrConditionFailed=%v\n", errors.Is(err, dynamorm.ErrConditionFailed))

	// Read by key (GetItem).
	var john User
	if err := db.Model(&User{ID: "user123", Email: "john@example.com"}).First(&john); err != nil {
		return err
	}
	fmt.Printf("read user123: %s, team %s, balance %d\n", john.Name, john.Team, john.Balance)

	// Query on the table key (the README's query), then on the index.
	var found []User
	if err := db.Model(&User{}).Where("ID", "=", "user123").All(&found); err != nil {
		return err
	}
	fmt.Printf("query ID = user123: %d item(s)\n", len(found))

	eng := db.Model(&User{}).Where("Team", "=", "eng").OrderBy("Email", "ASC")
	plan, err := eng.Explain()
	if err != nil {
		return err
	}
	fmt.Print("plan for Team = eng: ", plan)
	if err := eng.All(&found); err != nil {
		return err
	}
	for _, u := range found {
		fmt.Printf("  team eng: %s <%s>\n", u.Name, u.Email)
	}

	// Update one field; the version is checked and bumped.
	john.Name = "John Q. Doe"
	if err := db.Model(&john).Update("Name"); err != nil {
		return err
	}
	fmt.Printf("renamed user123 to %q, version now %d\n", john.Name, john.Version)

	// Atomic update of a counter with the update builder.
	if err := db.Model(&User{ID: "user789", Email: "ann@example.com"}).UpdateBuilder().Add("Balance", 5).Execute(); err != nil {
		return err
	}
	var ann User
	if err := db.Model(&User{ID: "user789", Email: "ann@example.com"}).First(&ann); err != nil {
		return err
	}
	fmt.Printf("added 5 to user789's balance: %d\n", ann.Balance)

	// Transaction: a transfer and its audit record commit together.
	var jane User
	if err := db.Model(&User{ID: "user456", Email: "jane@example.com"}).First(&jane); err != nil {
		return err
	}
	if err := transfer(db, &john, &jane, 30, "tx-1"); err != nil {
		return err
	}
	fmt.Printf("transferred 30: user123 has %d, user456 has %d\n", john.Balance, jane.Balance)

	// A transaction with a failing part writes nothing: a stale copy of
	// john (old version) makes the whole transfer fail.
	stale := john
	stale.Version--
	err = transfer(db, &stale, &jane, 10, "tx-2")
	fmt.Printf("transfer with a stale version: ErrConditionFailed=%v\n", errors.Is(err, dynamorm.ErrConditionFailed))
	var janeNow User
	if err := db.Model(&User{ID: "user456", Email: "jane@example.com"}).First(&janeNow); err != nil {
		return err
	}
	fmt.Printf("nothing was written: user456 still has %d\n", janeNow.Balance)
	var logs []AuditLog
	if err := db.Model(&AuditLog{}).Scan(&logs); err != nil {
		return err
	}
	fmt.Printf("audit log has %d record(s)\n", len(logs))

	// Delete.
	if err := db.Model(&User{ID: "user789", Email: "ann@example.com"}).Delete(); err != nil {
		return err
	}
	err = db.Model(&User{ID: "user789", Email: "ann@example.com"}).First(&ann)
	fmt.Printf("deleted user789: ErrItemNotFound=%v\n", errors.Is(err, dynamorm.ErrItemNotFound))
	n, err := db.Model(&User{}).Count()
	if err != nil {
		return err
	}
	fmt.Printf("%d users left\n", n)
	return nil
}

// transfer moves amount from one user to another and records it, all or
// nothing.
func transfer(db *dynamorm.DB, from, to *User, amount int64, id string) error {
	return db.Transaction(func(tx *dynamorm.Tx) error {
		from.Balance -= amount
		if err := tx.Model(from).Update("Balance"); err != nil {
			return err
		}
		to.Balance += amount
		if err := tx.Model(to).Update("Balance"); err != nil {
			return err
		}
		return tx.Model(&AuditLog{ID: id, Action: "transfer", From: from.ID, To: to.ID, Amount: amount}).Create()
	})
}
