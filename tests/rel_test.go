package tests

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

func tagNames[T any](tags []T, name func(T) string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = name(t)
	}
	return out
}

// One table: belongs_to, has_many (through gsi1), many_to_many through the
// mapping items both ways, nested paths, on a query and on values in hand.
func TestRelSingleTable(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	seedBlog(t, e.db, 12, 4)
	ctx := context.Background()

	var posts []blogPost
	require.NoError(t, e.db.Model(&blogPost{}).Preload("Author", "Tags").Scan(&posts))
	require.Len(t, posts, 12)
	for _, p := range posts {
		var i int
		_, err := fmt.Sscanf(p.ID, "p%03d", &i)
		require.NoError(t, err)
		if i == 11 {
			assert.Nil(t, p.Author, "%s: its author does not exist", p.ID)
		} else if assert.NotNil(t, p.Author, p.ID) {
			assert.Equal(t, p.AuthorID, p.Author.ID)
			assert.Equal(t, fmt.Sprintf("Author %d", i%4), p.Author.Name)
		}
		assert.Equal(t, blogTagsOf(i), tagNames(p.Tags, func(t blogTag) string { return t.Name }), p.ID)
		assert.Len(t, p.Tagging, len(blogTagsOf(i)), "the mapping items are loaded too")
	}

	// Nested, on values in hand: authors' posts, then those posts' tags.
	authors := []*blogAuthor{{ID: "a01"}, {ID: "a03"}, {ID: "a-none"}}
	c := &opCounter{DynamoDBAPI: e.raw}
	require.NoError(t, countedDB(t, e, c).Preload(ctx, authors, "Posts.Tags", "Posts.Author"))
	// Level 1: a Query per author (3); level 2: a Query per post for its
	// tag mappings (5), one BatchGetItem for the tags, one for the authors.
	assert.Equal(t, [4]int64{0, 3 + 5, 0, 2}, c.counts(), "gets, queries, scans, batch gets")
	for _, a := range authors[:2] {
		var ids []string
		for _, p := range a.Posts {
			ids = append(ids, p.ID)
			var i int
			_, _ = fmt.Sscanf(p.ID, "p%03d", &i)
			assert.Equal(t, blogTagsOf(i), tagNames(p.Tags, func(t blogTag) string { return t.Name }), p.ID)
			if assert.NotNil(t, p.Author) {
				assert.Equal(t, a.ID, p.Author.ID)
			}
		}
		n := a.ID[2] - '0'
		want := []string{fmt.Sprintf("p%03d", n), fmt.Sprintf("p%03d", n+4), fmt.Sprintf("p%03d", n+8)}
		if a.ID == "a03" {
			want = want[:2] // p011's author is missing
		}
		assert.Equal(t, want, ids, a.ID)
	}
	assert.Empty(t, authors[2].Posts)

	// has_one in the author's own partition: the author item is not a bio;
	// two bios for one author are an error naming the relationship.
	require.NoError(t, e.db.Model(&blogBio{AuthorID: "a01", Lang: "en", Text: "hello"}).Create())
	withBio := []*blogAuthor{{ID: "a01"}, {ID: "a02"}}
	require.NoError(t, e.db.Preload(ctx, withBio, "Bio"))
	if assert.NotNil(t, withBio[0].Bio) {
		assert.Equal(t, "hello", withBio[0].Bio.Text)
	}
	assert.Nil(t, withBio[1].Bio)
	require.NoError(t, e.db.Model(&blogBio{AuthorID: "a01", Lang: "fr", Text: "salut"}).Create())
	err := e.db.Preload(ctx, withBio, "Bio")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Preload Bio: has_one Bio: 2 blogBio items refer to one owner")
	assert.Nil(t, withBio[0].Bio, "no bio is picked at random")

	// The reverse direction of the mapping: a tag's posts.
	tag := &blogTag{Name: "t1"}
	require.NoError(t, e.db.Model(tag).Preload("Posts").First(tag))
	ids := tagNames(tag.Posts, func(p *blogPost) string { return p.ID })
	assert.Equal(t, []string{"p001", "p004", "p007", "p010"}, ids)
}

// Across tables: the same relationships, has_one, and the reverse index of
// the mapping table.
func TestRelAcrossTables(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	db := e.db
	require.NoError(t, db.Model(&relUser{}).BatchCreate([]*relUser{{ID: "u1", Name: "Ann"}, {ID: "u2", Name: "Bob"}}))
	require.NoError(t, db.Model(&relProfile{UserID: "u1", Bio: "writes"}).Create())
	require.NoError(t, db.Model(&relPost{}).BatchCreate([]*relPost{
		{ID: "p1", AuthorID: "u1", Title: "one", PinnedTag: "db"}, {ID: "p2", AuthorID: "u1", Title: "two", PinnedTag: "go"},
		{ID: "p3", AuthorID: "u2", Title: "three"}, {ID: "p4", AuthorID: "ghost", Title: "four"}, {ID: "p5", Title: "anonymous"}}))
	require.NoError(t, db.Model(&relPostTag{}).BatchCreate([]*relPostTag{
		{PostID: "p1", TagID: "go"}, {PostID: "p1", TagID: "db"}, {PostID: "p3", TagID: "go"}, {PostID: "p3", TagID: "gone"}}))
	require.NoError(t, db.Model(&relTag{}).BatchCreate([]*relTag{{Name: "go"}, {Name: "db"}}))

	var posts []relPost
	require.NoError(t, db.Model(&relPost{}).ConsistentRead().Preload("Author.Profile", "Tags").Scan(&posts))
	sort.Slice(posts, func(i, j int) bool { return posts[i].ID < posts[j].ID })
	require.Len(t, posts, 5)
	authors := map[string]string{"p1": "Ann", "p2": "Ann", "p3": "Bob"}
	for _, p := range posts {
		if name, ok := authors[p.ID]; ok && assert.NotNil(t, p.Author, p.ID) {
			assert.Equal(t, name, p.Author.Name)
			assert.Equal(t, name == "Ann", p.Author.Profile != nil, "%s: only Ann has a profile", p.ID)
		} else if !ok {
			assert.Nil(t, p.Author, "%s: no such author", p.ID)
		}
	}
	assert.Equal(t, []string{"db", "go"}, tagNames(posts[0].Tags, func(t *relTag) string { return t.Name }))
	assert.Empty(t, posts[1].Tags)
	assert.Equal(t, []string{"go"}, tagNames(posts[2].Tags, func(t *relTag) string { return t.Name }), "the tag gone does not exist")
	require.NotNil(t, posts[0].Author.Profile)
	assert.Equal(t, "writes", posts[0].Author.Profile.Bio)
	assert.NotSame(t, posts[0].Author, posts[1].Author, "each post has its own copy of its author")

	// A composite key from two fields of the owner: p1's pinned mapping
	// exists, p2's does not (p2 is not tagged go), p3 pins nothing.
	require.NoError(t, db.Preload(context.Background(), posts, "Pinned"))
	if assert.NotNil(t, posts[0].Pinned) {
		assert.Equal(t, relPostTag{PostID: "p1", TagID: "db"}, *posts[0].Pinned)
	}
	assert.Nil(t, posts[1].Pinned)
	assert.Nil(t, posts[2].Pinned)

	// has_many through author-index, then many_to_many from the tag side
	// through the mapping table's reverse index.
	u := &relUser{ID: "u1"}
	require.NoError(t, db.Model(u).Preload("Posts", "Profile").First(u))
	ids := tagNames(u.Posts, func(p relPost) string { return p.ID })
	sort.Strings(ids) // author-index has no sort key
	assert.Equal(t, []string{"p1", "p2"}, ids)
	require.NotNil(t, u.Profile)
	assert.Equal(t, "writes", u.Profile.Bio)
	tags := []relTag{{Name: "go"}, {Name: "db"}, {Name: "none"}}
	require.NoError(t, db.Preload(context.Background(), &tags, "Posts.Author"))
	assert.Equal(t, []string{"p1", "p3"}, tagNames(tags[0].Posts, func(p relPost) string { return p.ID }))
	assert.Equal(t, []string{"p1"}, tagNames(tags[1].Posts, func(p relPost) string { return p.ID }))
	assert.Empty(t, tags[2].Posts)
	require.NotNil(t, tags[0].Posts[1].Author)
	assert.Equal(t, "Bob", tags[0].Posts[1].Author.Name)
}

// Relationship fields are not stored: writing a value with them set writes
// only its own attributes.
func TestRelFieldsNotStored(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	p := &relPost{ID: "p1", AuthorID: "u1", Author: &relUser{ID: "u1", Name: "Ann"}, Tags: []*relTag{{Name: "go"}}}
	require.NoError(t, e.db.Model(p).Create())
	item := e.rawItem(t, "rel_posts", map[string]types.AttributeValue{"ID": &types.AttributeValueMemberS{Value: "p1"}})
	keys := make([]string, 0, len(item))
	for k := range item {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"AuthorID", "ID", "Title"}, keys)
	var back relPost
	require.NoError(t, e.db.Model(&relPost{ID: "p1"}).First(&back))
	assert.Nil(t, back.Author, "a read without Preload loads nothing")
	assert.Nil(t, back.Tags)
}

// Preload of 100 posts by 30 distinct authors reads the authors with one
// BatchGetItem, and no GetItem or Query, on a query and on values in hand.
func TestRelPreloadOneBatchGet(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	seedBlog(t, e.db, 101, 30) // the last post's author is missing
	c := &opCounter{DynamoDBAPI: e.raw}
	db := countedDB(t, e, c)

	var all, posts []*blogPost
	require.NoError(t, db.Model(&blogPost{}).Scan(&all))
	require.Len(t, all, 101)
	for _, p := range all {
		if p.AuthorID != "a-missing" {
			posts = append(posts, p)
		}
	}
	require.Len(t, posts, 100)
	before := c.counts()
	require.NoError(t, db.Preload(context.Background(), posts, "Author"))
	assert.Equal(t, [4]int64{0, 0, 0, 1}, diff(c.counts(), before), "gets, queries, scans, batch gets")
	for _, p := range posts {
		if assert.NotNil(t, p.Author, p.ID) {
			assert.Equal(t, p.AuthorID, p.Author.ID)
		}
	}

	before = c.counts()
	var again []blogPost
	withAuthors := db.Model(&blogPost{}).Preload("Author")
	require.NoError(t, withAuthors.Scan(&again))
	got := diff(c.counts(), before)
	plain := db.Model(&blogPost{})
	require.NoError(t, plain.Scan(&all))
	assert.Greater(t, withAuthors.ConsumedCapacity().ReadUnits, plain.ConsumedCapacity().ReadUnits, "the batch get adds to the query's capacity")
	assert.Equal(t, [4]int64{0, 0, got[2], 1}, got, "one batch get for 30 authors after the scan")
	missing := 0
	for _, p := range again {
		if p.Author == nil {
			missing++
			assert.Equal(t, "a-missing", p.AuthorID)
		}
	}
	assert.Equal(t, 1, missing)
}

func diff(a, b [4]int64) [4]int64 {
	for i := range a {
		a[i] -= b[i]
	}
	return a
}

// Unprocessed keys are retried until read; when retries end, the error
// lists the unread keys, the posts whose author could not be read have
// none, and every other post has its author.
func TestRelUnprocessedKeys(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	require.NoError(t, e.db.Model(&relUser{}).BatchCreate([]*relUser{{ID: "u1", Name: "Ann"}, {ID: "u2", Name: "Bob"}, {ID: "u3", Name: "Cy"}}))
	posts := func() []relPost {
		var ps []relPost
		for i := 0; i < 30; i++ {
			ps = append(ps, relPost{ID: fmt.Sprint("p", i), AuthorID: fmt.Sprint("u", 1+i%3)})
		}
		return ps
	}

	held := &holdingClient{DynamoDBAPI: e.raw}
	held.hold.Store(2)
	ps := posts()
	require.NoError(t, batchDB(t, e, held).Preload(context.Background(), ps, "Author"))
	assert.Equal(t, int64(3), held.calls.Load(), "every key left unprocessed twice, then read")
	for _, p := range ps {
		require.NotNil(t, p.Author, p.ID)
		assert.Equal(t, p.AuthorID, p.Author.ID)
	}

	stuck := newBatchClient(e.raw, false, "u2")
	ps = posts()
	err := batchDB(t, e, stuck).Preload(context.Background(), ps, "Author")
	require.Error(t, err)
	assert.NotErrorIs(t, err, core.ErrItemNotFound)
	var be *dynamorm.BatchError
	require.True(t, errors.As(err, &be), "%T: %v", err, err)
	require.Len(t, be.Failures, 1, "one distinct key was not read")
	assert.Contains(t, be.Failures[0].Key, "u2")
	assert.Contains(t, err.Error(), "u2")
	assert.Greater(t, stuck.batchGets.Load(), int64(2), "the key was retried")
	for _, p := range ps {
		if p.AuthorID == "u2" {
			assert.Nil(t, p.Author, p.ID)
		} else if assert.NotNil(t, p.Author, p.ID) {
			assert.Equal(t, p.AuthorID, p.Author.ID)
		}
	}
}

// An unknown path is an error before anything is sent.
func TestRelPreloadBadPath(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	c := &opCounter{DynamoDBAPI: e.raw}
	db := countedDB(t, e, c)
	var posts []relPost
	err := db.Model(&relPost{}).Preload("Author.Nope").Scan(&posts)
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), `relUser has no relationship "Nope" (relationships: Posts, Profile)`)
	err = db.Preload(context.Background(), &posts, "Title")
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), `relPost has no relationship "Title"`)
	assert.Equal(t, [4]int64{}, c.counts())

	err = db.Register(&relBroken{})
	require.ErrorIs(t, err, core.ErrInvalidModel)
	assert.Contains(t, err.Error(), "relBroken.Owner: fk:OwnerID: relBroken has no stored field OwnerID (fields: ID, Owner_)")
	err = db.Preload(context.Background(), &relBroken{ID: "x"}, "Owner")
	require.ErrorIs(t, err, core.ErrInvalidModel)
	assert.Equal(t, [4]int64{}, c.counts())
}

// relBroken's relationship names a field it does not have.
type relBroken struct {
	ID     string   `dynamorm:"pk"`
	Owner_ string   `dynamorm:"attr:owner"`
	Owner  *relUser `dynamorm:"rel:belongs_to,fk:OwnerID"`
}

// Every read terminal loads what Preload names: All, First, AllPaginated,
// Scan, BatchGet, and the Items and Pages iterators (page by page).
func TestRelPreloadEveryTerminal(t *testing.T) {
	t.Parallel()
	e := relEnv(t)
	seedBlog(t, e.db, 6, 2)
	q := e.db.Model(&blogPost{}).Where("AuthorID", "=", "a00").Preload("Author")
	check := func(how string, posts []blogPost) {
		t.Helper()
		require.Len(t, posts, 3, how)
		for _, p := range posts {
			if assert.NotNil(t, p.Author, "%s: %s", how, p.ID) {
				assert.Equal(t, "Author 0", p.Author.Name, how)
			}
		}
	}
	var all []blogPost
	require.NoError(t, q.All(&all))
	check("All", all)
	var first blogPost
	require.NoError(t, q.First(&first))
	check("First", []blogPost{first, first, first})
	var page []blogPost
	_, err := q.AllPaginated(&page)
	require.NoError(t, err)
	check("AllPaginated", page)
	var got []blogPost
	require.NoError(t, e.db.Model(&blogPost{}).Preload("Author").BatchGet([]any{&blogPost{ID: "p000"}, &blogPost{ID: "p002"}, &blogPost{ID: "p004"}}, &got))
	check("BatchGet", got)
	got = nil
	for p, err := range dynamorm.Items[blogPost](q) {
		require.NoError(t, err)
		got = append(got, p)
	}
	check("Items", got)
	got = nil
	for pg, err := range dynamorm.Pages[*blogPost](q) {
		require.NoError(t, err)
		for _, p := range pg {
			got = append(got, *p)
		}
	}
	check("Pages", got)
}
