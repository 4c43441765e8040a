package dynamorm_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type exampleAuthor struct {
	ID   string `dynamorm:"pk"`
	Name string
}

// A request scope: ten goroutines reading three authors send one
// BatchGetItem of the three keys; later reads are served by the scope, a
// delete through it leaves a tombstone, and the scope totals what it did.
func ExampleWithLoader() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&exampleAuthor{}); err != nil {
		log.Fatal(err)
	}
	for _, id := range []string{"a1", "a2", "a3"} {
		if err := db.Model(&exampleAuthor{ID: id, Name: "Author " + id}).Create(); err != nil {
			log.Fatal(err)
		}
	}

	ctx, scope := dynamorm.WithLoader(context.Background())
	rdb := db.WithContext(ctx)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := dynamorm.Get(rdb, exampleAuthor{ID: fmt.Sprintf("a%d", i%3+1)}); err != nil {
				log.Fatal(err)
			}
		}()
	}
	wg.Wait()
	a, err := dynamorm.Get(rdb, exampleAuthor{ID: "a2"}) // from the scope's cache
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Name)
	if err := rdb.Model(&exampleAuthor{ID: "a2"}).Delete(); err != nil {
		log.Fatal(err)
	}
	_, err = dynamorm.Get(rdb, exampleAuthor{ID: "a2"}) // the tombstone: no request
	fmt.Println(errors.Is(err, dynamorm.ErrItemNotFound))
	c := scope.Capacity()
	fmt.Printf("read %.1f, write %.1f units\n", c.ReadUnits, c.WriteUnits)
	// Output:
	// Author a2
	// true
	// read 1.5, write 1.0 units
}
