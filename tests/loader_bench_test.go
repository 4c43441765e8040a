package tests

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// BenchmarkLoaderReads measures the loader against plain reads on a real
// request path, in one run: a First by key (one GetItem), the same First in
// a scope that has the item cached, and in a new scope each time (a batch
// of one key: one BatchGetItem); and 100 goroutines each reading one of 100
// distinct items, without a scope (100 GetItems) and in one scope.
// requests/op counts what each sent. On memdb (no endpoint) or DynamoDB
// Local:
//
//	go test -run '^$' -bench LoaderReads -benchtime 200x -benchmem ./tests/
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:PORT go test -run '^$' -bench LoaderReads -benchtime 50x -benchmem ./tests/
func BenchmarkLoaderReads(b *testing.B) {
	db, c := countedBenchDB(b)
	testenv.CreateTables(b, db, &loaderUser{})
	users := make([]loaderUser, 100)
	for i := range users {
		users[i] = loaderUser{ID: fmt.Sprintf("u%02d", i), Name: fmt.Sprintf("user %d", i)}
	}
	if err := db.Model(&loaderUser{}).BatchCreate(users); err != nil {
		b.Fatal(err)
	}
	requests := func() int64 { return c.gets.Load() + c.batchGets.Load() }
	run := func(name string, read func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start, n := requests(), 0
			for b.Loop() {
				if err := read(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(requests()-start)/float64(n), "requests/op")
		})
	}
	one := func(db core.DB) error {
		u, err := getUser(db, "u07")
		if err == nil && u.Name != "user 7" {
			err = fmt.Errorf("read %+v", u)
		}
		return err
	}
	ctx, _ := dynamorm.WithLoader(context.Background())
	cached := db.WithContext(ctx)
	if err := one(cached); err != nil {
		b.Fatal(err)
	}
	run("read=first", func() error { return one(db) })
	run("read=scope-hit", func() error { return one(cached) })
	run("read=scope-miss", func() error {
		ctx, _ := dynamorm.WithLoader(context.Background(), dynamorm.LoaderWindow(0))
		return one(db.WithContext(ctx))
	})
	run("readers=100/scope=false", func() error { return readUsers(db, users) })
	run("readers=100/scope=true", func() error {
		ctx, _ := dynamorm.WithLoader(context.Background())
		return readUsers(db.WithContext(ctx), users)
	})
}

// countedBenchDB is a benchmark's DB on the test backend (memdb, or the
// server of DYNAMORM_TEST_ENDPOINT), under a table prefix of its own, with
// its requests counted.
func countedBenchDB(b *testing.B) (*dynamorm.DB, *opCounter) {
	c := &opCounter{DynamoDBAPI: testenv.Client(b)}
	db, err := dynamorm.New(session.Config{Client: c, TableNamePrefix: testenv.TableName(b, "bench") + "_"})
	if err != nil {
		b.Fatal(err)
	}
	return db, c
}

// readUsers reads every user from a goroutine of its own.
func readUsers(db core.DB, users []loaderUser) error {
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := getUser(db, users[i].ID)
			if err == nil && u.Name != users[i].Name {
				err = fmt.Errorf("read %+v", u)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
