package dynamorm_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// A blog in one table: a post belongs to its author (through AuthorID),
// an author has many posts (through gsi1, which holds posts by author), and
// posts and tags are many-to-many through PostTag items, whose gsi1 is the
// reverse index from tag to posts.
type blogAuthor struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:author,pk:AUTHOR#{ID},sk:PROFILE"`
	ID              string
	Name            string
	Posts           []blogPost `dynamorm:"rel:has_many,fk:AuthorID"`
}

type blogPost struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:post,pk:POST#{ID},sk:POST,gsi1pk:AUTHOR#{AuthorID},gsi1sk:POST#{ID}"`
	ID              string
	AuthorID        string
	Title           string
	Author          *blogAuthor   `dynamorm:"rel:belongs_to,fk:AuthorID"`
	PostTags        []blogPostTag `dynamorm:"rel:has_many,fk:PostID"`
	Tags            []blogTag     `dynamorm:"rel:many_to_many,through:PostTags,fk:TagID"`
}

type blogPostTag struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:post_tag,pk:POST#{PostID},sk:TAG#{TagID},gsi1pk:TAG#{TagID},gsi1sk:POST#{PostID}"`
	PostID          string
	TagID           string
}

type blogTag struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:tag,pk:TAG#{Name},sk:TAG"`
	Name            string
	Tagged          []blogPostTag `dynamorm:"rel:has_many,fk:TagID"`
	Posts           []blogPost    `dynamorm:"rel:many_to_many,through:Tagged,fk:PostID"`
}

// Preload loads relationships of what a query reads, batched across all of
// it: one BatchGetItem for every post's author, one Query per post for its
// tag mappings and one BatchGetItem for the tags. DB.Preload does the same
// for values in hand, and "Posts.Tags" loads level by level.
func ExampleDB_Preload() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.AutoMigrate(&blogAuthor{}, &blogPost{}, &blogPostTag{}, &blogTag{}); err != nil {
		log.Fatal(err) // Register and AutoMigrate check the relationships too
	}
	_ = db.Model(&blogAuthor{}).BatchCreate([]blogAuthor{{ID: "ada", Name: "Ada"}, {ID: "bob", Name: "Bob"}})
	_ = db.Model(&blogPost{}).BatchCreate([]blogPost{{ID: "p1", AuthorID: "ada", Title: "Engines"}, {ID: "p2", AuthorID: "bob", Title: "Looms"}})
	_ = db.Model(&blogPostTag{}).BatchCreate([]blogPostTag{{PostID: "p1", TagID: "math"}, {PostID: "p1", TagID: "history"}, {PostID: "p2", TagID: "history"}})
	_ = db.Model(&blogTag{}).BatchCreate([]blogTag{{Name: "math"}, {Name: "history"}})

	var posts []blogPost
	if err := db.Model(&blogPost{}).Where("AuthorID", "=", "ada").Preload("Author", "Tags").All(&posts); err != nil {
		log.Fatal(err)
	}
	for _, p := range posts {
		fmt.Println(p.Title, "by", p.Author.Name, "tags:", len(p.Tags), p.Tags[0].Name, p.Tags[1].Name)
	}

	authors := []blogAuthor{{ID: "ada"}, {ID: "bob"}}
	if err := db.Preload(context.Background(), authors, "Posts.Tags"); err != nil {
		log.Fatal(err)
	}
	for _, a := range authors {
		fmt.Println(a.ID, "wrote", a.Posts[0].Title, "tagged", a.Posts[0].Tags[0].Name)
	}

	history := blogTag{Name: "history"}
	if err := db.Preload(context.Background(), &history, "Posts"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("history:", history.Posts[0].Title, history.Posts[1].Title)
	// Output:
	// Engines by Ada tags: 2 history math
	// ada wrote Engines tagged history
	// bob wrote Looms tagged history
	// history: Engines Looms
}
