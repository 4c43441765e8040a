package tests

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Relationships across tables: a model per table, the mapping model's
// reverse index serving tags' posts.

type relUser struct {
	ID      string `dynamorm:"pk"`
	Name    string
	Posts   []relPost   `dynamorm:"rel:has_many,fk:AuthorID,index:author-index"`
	Profile *relProfile `dynamorm:"rel:has_one,fk:UserID"`
}

func (relUser) TableName() string { return "rel_users" }

type relProfile struct {
	UserID string `dynamorm:"pk"`
	Bio    string
}

func (relProfile) TableName() string { return "rel_profiles" }

type relPost struct {
	ID       string `dynamorm:"pk"`
	AuthorID string `dynamorm:"index:author-index,pk"`
	Title    string
	Author   *relUser     `dynamorm:"rel:belongs_to,fk:AuthorID"`
	PostTags []relPostTag `dynamorm:"rel:has_many,fk:PostID"`
	Tags     []*relTag    `dynamorm:"rel:many_to_many,through:PostTags,fk:TagID"`
	// Pinned is the post's mapping item for PinnedTag: a belongs_to whose
	// target has a composite key (PostID, TagID).
	PinnedTag string      `dynamorm:"omitempty"`
	Pinned    *relPostTag `dynamorm:"rel:belongs_to,fk:ID+PinnedTag"`
}

func (relPost) TableName() string { return "rel_posts" }

// relPostTag maps posts to tags; tag-posts is the reverse index.
type relPostTag struct {
	PostID string `dynamorm:"pk,index:tag-posts,sk"`
	TagID  string `dynamorm:"sk,index:tag-posts,pk"`
}

func (relPostTag) TableName() string { return "rel_post_tags" }

type relTag struct {
	Name     string       `dynamorm:"pk"`
	TagPosts []relPostTag `dynamorm:"rel:has_many,fk:TagID"`
	Posts    []relPost    `dynamorm:"rel:many_to_many,through:TagPosts,fk:PostID"`
}

func (relTag) TableName() string { return "rel_tags" }

// Relationships in one table: authors, posts, tags and the post-tag
// mapping, the mapping's gsi1 serving tags' posts.

type blogAuthor struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:author,pk:AUTHOR#{ID},sk:PROFILE"`
	ID              string
	Name            string
	Posts           []blogPost `dynamorm:"rel:has_many,fk:AuthorID"`
	Bio             *blogBio   `dynamorm:"rel:has_one,fk:AuthorID"`
}

// blogBio lives in its author's partition (one per language; has_one
// expects at most one).
type blogBio struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:bio,pk:AUTHOR#{AuthorID},sk:BIO#{Lang}"`
	AuthorID        string
	Lang            string
	Text            string
}

type blogPost struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:post,pk:POST#{ID},sk:POST,gsi1pk:AUTHOR#{AuthorID},gsi1sk:POST#{ID}"`
	ID              string
	AuthorID        string
	Title           string
	Author          *blogAuthor   `dynamorm:"rel:belongs_to,fk:AuthorID"`
	Tagging         []blogPostTag `dynamorm:"rel:has_many,fk:PostID"`
	Tags            []blogTag     `dynamorm:"rel:many_to_many,through:Tagging,fk:TagID"`
}

type blogPostTag struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:posttag,pk:POST#{PostID},sk:TAG#{TagID},gsi1pk:TAG#{TagID},gsi1sk:POST#{PostID}"`
	PostID          string
	TagID           string
}

type blogTag struct {
	dynamorm.Entity `dynamorm:"table:blog,entity:tag,pk:TAG#{Name},sk:TAG"`
	Name            string
	Tagged          []blogPostTag `dynamorm:"rel:has_many,fk:TagID"`
	Posts           []*blogPost   `dynamorm:"rel:many_to_many,through:Tagged,fk:PostID"`
}

// relEnv creates the tables of the relationship models, both designs.
func relEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, &relUser{}, &relProfile{}, &relPost{}, &relPostTag{}, &relTag{})
	require.NoError(t, e.db.AutoMigrate(&blogAuthor{}, &blogBio{}, &blogPost{}, &blogPostTag{}, &blogTag{}))
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&blogAuthor{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	return e
}

// opCounter counts the read requests of each kind a DB sends.
type opCounter struct {
	core.DynamoDBAPI
	gets, queries, scans, batchGets atomic.Int64
}

func (c *opCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.DynamoDBAPI.GetItem(ctx, in, o...)
}

func (c *opCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.queries.Add(1)
	return c.DynamoDBAPI.Query(ctx, in, o...)
}

func (c *opCounter) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.scans.Add(1)
	return c.DynamoDBAPI.Scan(ctx, in, o...)
}

func (c *opCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batchGets.Add(1)
	return c.DynamoDBAPI.BatchGetItem(ctx, in, o...)
}

// counts is what c counted: gets, queries, scans, batch gets.
func (c *opCounter) counts() [4]int64 {
	return [4]int64{c.gets.Load(), c.queries.Load(), c.scans.Load(), c.batchGets.Load()}
}

// countedDB is a DB on e's tables whose requests c counts.
func countedDB(t *testing.T, e *env, c core.DynamoDBAPI) *dynamorm.DB {
	t.Helper()
	db, err := dynamorm.New(sessionFor(c, e))
	require.NoError(t, err)
	return db
}

// seedBlog writes nPosts posts by nAuthors authors (post i by author
// i%nAuthors; author "a-missing" of the last post is never written), tags
// t0..t2 with post i tagged t(i%3) and, for even i, t0 too.
func seedBlog(t testing.TB, db *dynamorm.DB, nPosts, nAuthors int) {
	t.Helper()
	var authors []*blogAuthor
	for i := 0; i < nAuthors; i++ {
		authors = append(authors, &blogAuthor{ID: fmt.Sprintf("a%02d", i), Name: fmt.Sprintf("Author %d", i)})
	}
	require.NoError(t, db.Model(&blogAuthor{}).BatchCreate(authors))
	var posts []*blogPost
	var tagging []*blogPostTag
	for i := 0; i < nPosts; i++ {
		p := &blogPost{ID: fmt.Sprintf("p%03d", i), AuthorID: fmt.Sprintf("a%02d", i%nAuthors), Title: fmt.Sprintf("Post %d", i)}
		if i == nPosts-1 {
			p.AuthorID = "a-missing"
		}
		posts = append(posts, p)
		tagging = append(tagging, &blogPostTag{PostID: p.ID, TagID: fmt.Sprintf("t%d", i%3)})
		if i%2 == 0 && i%3 != 0 {
			tagging = append(tagging, &blogPostTag{PostID: p.ID, TagID: "t0"})
		}
	}
	require.NoError(t, db.Model(&blogPost{}).BatchCreate(posts))
	require.NoError(t, db.Model(&blogPostTag{}).BatchCreate(tagging))
	require.NoError(t, db.Model(&blogTag{}).BatchCreate([]*blogTag{{Name: "t0"}, {Name: "t1"}, {Name: "t2"}}))
}

// blogTagsOf is the tags seedBlog gives post i, in sort-key order.
func blogTagsOf(i int) []string {
	tags := map[string]bool{fmt.Sprintf("t%d", i%3): true}
	if i%2 == 0 {
		tags["t0"] = true
	}
	var out []string
	for _, n := range []string{"t0", "t1", "t2"} {
		if tags[n] {
			out = append(out, n)
		}
	}
	return out
}

// holdingClient leaves every key of its first hold BatchGetItems
// unprocessed.
type holdingClient struct {
	core.DynamoDBAPI
	hold, calls atomic.Int64
}

func (c *holdingClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.calls.Add(1)
	if c.hold.Add(-1) >= 0 {
		return &dynamodb.BatchGetItemOutput{UnprocessedKeys: in.RequestItems}, nil
	}
	return c.DynamoDBAPI.BatchGetItem(ctx, in, o...)
}
