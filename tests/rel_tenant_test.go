package tests

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Tenant-scoped blog entities: the same ids in two tenants are two items.
type tenAuthor struct {
	dynamorm.Entity `dynamorm:"table:tblog,entity:author,tenant,pk:AUTHOR#{ID},sk:PROFILE"`
	ID              string
	Name            string
	Posts           []tenPost `dynamorm:"rel:has_many,fk:AuthorID"`
}

type tenPost struct {
	dynamorm.Entity `dynamorm:"table:tblog,entity:post,tenant,pk:POST#{ID},sk:POST,gsi1pk:AUTHOR#{AuthorID},gsi1sk:POST#{ID}"`
	ID              string
	AuthorID        string
	Title           string
	Author          *tenAuthor `dynamorm:"rel:belongs_to,fk:AuthorID"`
}

// Preload never crosses tenants: in tenant acme, a post's author is acme's
// (globex's author with the same id is not seen, and an author only globex
// has is missing), an author's posts are acme's; without a tenant it is
// ErrTenantRequired before anything is sent, and a handle bound to a
// tenant loads in that tenant.
func TestRelPreloadTenants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	require.NoError(t, e.db.AutoMigrate(&tenAuthor{}, &tenPost{}))
	t.Cleanup(func() { _ = e.db.DeleteTable(&tenAuthor{}) })
	acme := dynamorm.WithTenant(context.Background(), "acme")
	globex := dynamorm.WithTenant(context.Background(), "globex")
	in := func(ctx context.Context) *dynamorm.DB { return e.db.WithContext(ctx).(*dynamorm.DB) }
	require.NoError(t, in(acme).Model(&tenAuthor{}).BatchCreate([]tenAuthor{{ID: "a1", Name: "Ann of acme"}}))
	require.NoError(t, in(globex).Model(&tenAuthor{}).BatchCreate([]tenAuthor{{ID: "a1", Name: "Ann of globex"}, {ID: "a2", Name: "Gus of globex"}}))
	require.NoError(t, in(acme).Model(&tenPost{}).BatchCreate([]tenPost{{ID: "p1", AuthorID: "a1"}, {ID: "p2", AuthorID: "a2"}}))
	require.NoError(t, in(globex).Model(&tenPost{}).BatchCreate([]tenPost{{ID: "p1", AuthorID: "a2"}, {ID: "p3", AuthorID: "a1"}}))

	var posts []tenPost
	require.NoError(t, in(acme).Model(&tenPost{}).Where("ID", "=", "p1").Preload("Author").All(&posts))
	require.Len(t, posts, 1)
	require.NotNil(t, posts[0].Author)
	assert.Equal(t, "Ann of acme", posts[0].Author.Name)

	mine := []tenPost{{ID: "p1", AuthorID: "a1"}, {ID: "p2", AuthorID: "a2"}}
	require.NoError(t, e.db.Preload(acme, mine, "Author"))
	assert.Equal(t, "Ann of acme", mine[0].Author.Name)
	assert.Nil(t, mine[1].Author, "a2 is globex's only")

	authors := []tenAuthor{{ID: "a1"}}
	require.NoError(t, e.db.ForTenant("globex").Preload(context.Background(), authors, "Posts.Author"))
	require.Len(t, authors[0].Posts, 1)
	assert.Equal(t, "p3", authors[0].Posts[0].ID)
	assert.Equal(t, "Ann of globex", authors[0].Posts[0].Author.Name)

	c := &opCounter{DynamoDBAPI: e.raw}
	db := countedDB(t, e, c)
	err := db.Preload(context.Background(), mine, "Author")
	require.ErrorIs(t, err, core.ErrTenantRequired)
	err = db.Preload(globex, &authors[0], "Posts")
	require.NoError(t, err)
	err = db.ForTenant("acme").Preload(globex, &authors[0], "Posts")
	require.ErrorIs(t, err, core.ErrCrossTenant)
	assert.Equal(t, [4]int64{0, 1, 0, 0}, c.counts(), "only globex's query was sent")
}
