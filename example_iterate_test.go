package dynamorm_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// exampleVisit is iterable: its items are spread over 10 buckets of the
// sparse index iter10, which the iteration reads instead of scanning the
// table it shares.
type exampleVisit struct {
	dynamorm.Entity `dynamorm:"table:site,entity:visit,pk:VISIT#{ID},sk:VISIT,iterable"`
	ID              string
	Page            string
	Counted         bool
}

func exampleVisits() (*dynamorm.DB, func()) {
	srv := memdb.New()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.AutoMigrate(&exampleVisit{}); err != nil {
		log.Fatal(err)
	}
	visits := make([]exampleVisit, 250)
	for i := range visits {
		visits[i] = exampleVisit{ID: fmt.Sprintf("v%03d", i), Page: []string{"/", "/docs"}[i%2]}
	}
	if err := db.Model(&exampleVisit{}).BatchCreate(visits); err != nil {
		log.Fatal(err)
	}
	return db, srv.Close
}

// Iterate reads every item of an iterable entity, its buckets in parallel;
// a checkpoint taken when the loop stops resumes the rest.
func ExampleIterate() {
	db, done := exampleVisits()
	defer done()
	it := dynamorm.Iterate[exampleVisit](db.Model(&exampleVisit{}).Filter("Page", "=", "/docs"), dynamorm.IterateOptions{BatchSize: 50})
	n := 0
	for _, err := range it.All() {
		if err != nil {
			log.Fatal(err)
		}
		if n++; n == 100 {
			break // a crash, a deploy...
		}
	}
	checkpoint, err := it.Checkpoint()
	if err != nil {
		log.Fatal(err)
	}
	rest := dynamorm.Iterate[exampleVisit](db.Model(&exampleVisit{}).Filter("Page", "=", "/docs"), dynamorm.IterateOptions{Checkpoint: checkpoint})
	for batch, err := range rest.Batches() {
		if err != nil {
			log.Fatal(err)
		}
		n += len(batch)
	}
	fmt.Println(n, "visits of /docs, done:", rest.Done())
	// Output: 125 visits of /docs, done: true
}

// RunBackfill runs a function over every item within a capacity budget,
// measured from what DynamoDB reports; the function's writes count when
// they use the context it gets.
func ExampleRunBackfill() {
	db, done := exampleVisits()
	defer done()
	res, err := dynamorm.RunBackfill(db.Model(&exampleVisit{}), dynamorm.Backfill[exampleVisit]{
		Each: func(ctx context.Context, v exampleVisit) error {
			return db.WithContext(ctx).Model(&exampleVisit{ID: v.ID}).UpdateBuilder().Set("Counted", true).Execute()
		},
		WriteUnits: 5000, // per second
		ReadUnits:  1000,
	})
	if err != nil {
		log.Fatal(err) // a *dynamorm.BackfillError names each item that failed
	}
	fmt.Println(res.Done, "visits counted, complete:", res.Complete, "writes:", res.Capacity.WriteUnits > 0)
	// Output: 250 visits counted, complete: true writes: true
}
