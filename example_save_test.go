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

type exampleAccount struct {
	dynamorm.Tracked
	ID      string   `dynamorm:"pk"`
	Plan    string   `dynamorm:"omitempty"`
	Email   string   `dynamorm:"omitempty"`
	Badges  []string `dynamorm:"set,omitempty"`
	Logins  int64    `dynamorm:"counter"`
	Version int      `dynamorm:"version"`
}

// Save sends only what changed since the value was read: here Plan, the
// badge added (ADD) and the counter's difference (ADD 1), with the
// version check. An unchanged value sends nothing.
func ExampleTracked() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&exampleAccount{}); err != nil {
		log.Fatal(err)
	}
	// A value never read: Save creates it.
	if err := db.Model(&exampleAccount{ID: "a1", Plan: "free", Email: "ann@example.com"}).Save(); err != nil {
		log.Fatal(err)
	}

	var a, b exampleAccount
	if err := db.Model(&exampleAccount{ID: "a1"}).First(&a); err != nil {
		log.Fatal(err)
	}
	if err := db.Model(&exampleAccount{ID: "a1"}).First(&b); err != nil {
		log.Fatal(err)
	}
	a.Plan = "pro"
	a.Badges = append(a.Badges, "early")
	a.Logins++
	if err := db.Model(&a).Save(); err != nil {
		log.Fatal(err)
	}
	if err := db.Model(&a).Save(); err != nil { // nothing changed: no request
		log.Fatal(err)
	}

	// b, read before that save, is stale: its Save fails with the item as
	// stored now, into which it merges its change and saves again.
	b.Email = "ann@new.example.com"
	err = db.Model(&b).Save()
	var conflict *dynamorm.ConflictError
	if errors.As(err, &conflict) {
		var now exampleAccount
		if err := conflict.Current(&now); err != nil {
			log.Fatal(err)
		}
		now.Email = b.Email // merge
		if err := db.Model(&now).Save(); err != nil {
			log.Fatal(err)
		}
	}

	// RetryConflicts reruns a read-modify-save on conflicts, at most 3 times.
	err = dynamorm.RetryConflicts(context.Background(), 3, func() error {
		var c exampleAccount
		if err := db.Model(&exampleAccount{ID: "a1"}).First(&c); err != nil {
			return err
		}
		c.Logins += 2
		return db.Model(&c).Save()
	})
	if err != nil {
		log.Fatal(err)
	}

	var got exampleAccount
	if err := db.Model(&exampleAccount{ID: "a1"}).First(&got); err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Plan, got.Email, got.Badges, got.Logins, got.Version)
	// Output: pro ann@new.example.com [early] 3 4
}
