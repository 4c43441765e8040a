package tests

import (
	"context"
	"testing"
)

// BenchmarkPreloadAuthors loads the authors of 100 posts (30 distinct
// authors) two ways in one run: Preload("Author") on the posts in hand
// (one BatchGetItem of the 30 deduplicated keys) and a First (GetItem) per
// post, as code without Preload does. requests/op counts what each sent.
// On memdb (no endpoint) or DynamoDB Local:
//
//	go test -run '^$' -bench PreloadAuthors -benchtime 200x -benchmem ./tests/
//	DYNAMORM_TEST_ENDPOINT=http://127.0.0.1:PORT go test -run '^$' -bench PreloadAuthors -benchtime 50x -benchmem ./tests/
func BenchmarkPreloadAuthors(b *testing.B) {
	db, c := countedBenchDB(b)
	if err := db.AutoMigrate(&blogAuthor{}, &blogPost{}, &blogPostTag{}, &blogTag{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.DeleteTable(&blogAuthor{}) })
	seedBlog(b, db, 101, 30)
	var all, posts []*blogPost
	if err := db.Model(&blogPost{}).Scan(&all); err != nil {
		b.Fatal(err)
	}
	for _, p := range all {
		if p.AuthorID != "a-missing" {
			posts = append(posts, p)
		}
	}
	if len(posts) != 100 {
		b.Fatalf("%d posts", len(posts))
	}
	requests := func() int64 { n := c.counts(); return n[0] + n[1] + n[2] + n[3] }
	run := func(b *testing.B, load func() error) {
		start := requests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := load(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(requests()-start)/float64(b.N), "requests/op")
		for _, p := range posts {
			if p.Author == nil || p.Author.ID != p.AuthorID {
				b.Fatalf("%s: author %+v", p.ID, p.Author)
			}
		}
	}
	ctx := context.Background()
	b.Run("Preload", func(b *testing.B) {
		run(b, func() error { return db.Preload(ctx, posts, "Author") })
	})
	b.Run("GetItemPerPost", func(b *testing.B) {
		run(b, func() error {
			for _, p := range posts {
				a := &blogAuthor{ID: p.AuthorID}
				if err := db.Model(a).First(a); err != nil {
					return err
				}
				p.Author = a
			}
			return nil
		})
	})
}
