package tests

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// TestEntitiesCreateOneTableWithTheirIndexes: the shop table holds the
// union of its entities' indexes, with generic key attributes.
func TestEntitiesCreateOneTableWithTheirIndexes(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	out, err := e.raw.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(e.prefix + "shop")})
	require.NoError(t, err)
	var names []string
	for _, g := range out.Table.GlobalSecondaryIndexes {
		names = append(names, aws.ToString(g.IndexName))
	}
	require.ElementsMatch(t, []string{"gsi1", "gsi2"}, names)
	require.Equal(t, "pk", aws.ToString(out.Table.KeySchema[0].AttributeName))
	require.Equal(t, "sk", aws.ToString(out.Table.KeySchema[1].AttributeName))
	require.NoError(t, e.db.EnsureTable(&stOrder{}), "the table matches every entity")
	require.NoError(t, e.db.AutoMigrate(&stLine{}), "migrating again changes nothing")
}

type stOtherKeys struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:other,PK:X#{ID},SK:Y"`
	ID              string
}

type stOtherIndex struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:other2,pk:X#{ID},sk:Y,gsi1pk:Z#{ID}"`
	ID              string
}

type stSameName struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:X#{ID},sk:Y"`
	ID              string
}

// TestEntitiesThatDisagreeOnTheTable are refused before any request,
// naming both entities.
func TestEntitiesThatDisagreeOnTheTable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		other any
		want  string
	}{
		{&stOtherKeys{}, "share a table but not its key"},
		{&stOtherIndex{}, `define index "gsi1" differently`},
		{&stSameName{}, `both are entity "order"`},
	} {
		e := newEnv(t)
		err := e.db.AutoMigrate(&stOrder{}, c.other)
		require.ErrorIs(t, err, dynamorm.ErrInvalidModel)
		require.Contains(t, err.Error(), c.want)
		require.Contains(t, err.Error(), "stOrder")
		_, err = e.raw.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(e.prefix + "shop")})
		require.Error(t, err, "no table was created")
	}
}

type stBadTemplate struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:bad,pk:X#{Missing}"`
	ID              string
}

type stBadLiteral struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:bad,pk:X${ID}"`
	ID              string
}

type stFieldKeys struct {
	dynamorm.Entity `dynamorm:"table:fieldkeys,entity:item"`
	Tenant          string `dynamorm:"pk"`
	Group           string `dynamorm:"pk"`
	N               int    `dynamorm:"sk"`
	Email           string `dynamorm:"index:gsi1,pk"`
}

// TestEntityDeclarations: invalid templates fail at first use with the
// struct, the key and the fix; field tags compose the default template.
func TestEntityDeclarations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	err := e.db.Model(&stBadTemplate{ID: "1"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrInvalidModel)
	require.Contains(t, err.Error(), "stBadTemplate")
	require.Contains(t, err.Error(), "{Missing}")
	err = e.db.Model(&stBadLiteral{ID: "1"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrInvalidModel)
	require.Contains(t, err.Error(), "X${ID}")

	require.NoError(t, e.db.CreateTable(&stFieldKeys{}))
	t.Cleanup(func() { _ = e.db.DeleteTable(&stFieldKeys{}) })
	require.NoError(t, e.db.Model(&stFieldKeys{Tenant: "t1", Group: "g", N: -3, Email: "a@x"}).Create())
	raw := e.rawItem(t, "fieldkeys", map[string]types.AttributeValue{"pk": s("item#t1#g"), "sk": s("item#M4986~")})
	require.NotNil(t, raw, "keys composed as <entity>#{field}...")
	require.Equal(t, s("item#a@x"), raw["gsi1pk"])
	var got []stFieldKeys
	require.NoError(t, e.db.Model(&stFieldKeys{}).Where("Email", "=", "a@x").All(&got))
	require.Len(t, got, 1)
	require.Equal(t, -3, got[0].N)
}

// TestEntityPaginationAndUpsert: cursors over derived keys resume where
// they stopped; an UpdateBuilder upsert creates a complete entity item.
func TestEntityPaginationAndUpsert(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	orders := seedOrders(t, e)
	var seen []string
	cursor := ""
	for {
		var page []stOrder
		q := e.db.Model(&stOrder{}).Where("Region", "=", "eu").Where("Status", "=", "open").Limit(4)
		if cursor != "" {
			q = q.Cursor(cursor)
		}
		res, err := q.AllPaginated(&page)
		require.NoError(t, err)
		for _, o := range page {
			seen = append(seen, o.ID)
		}
		if !res.HasMore {
			break
		}
		cursor = res.NextCursor
	}
	require.Len(t, seen, len(orders))

	err := e.db.Model(&stOrder{CustomerID: "c5", ID: "u1", PlacedAt: stT0}).UpdateBuilder().
		Set("Status", "new").Set("Region", "ap").Set("Total", 3).Upsert().Execute()
	require.NoError(t, err)
	var got stOrder
	require.NoError(t, e.db.Model(&stOrder{CustomerID: "c5", ID: "u1", PlacedAt: stT0}).First(&got))
	require.Equal(t, "c5", got.CustomerID, "the upsert stored the key components' own attributes")
	require.Equal(t, "u1", got.ID)
	var byStatus []stOrder
	require.NoError(t, e.db.Model(&stOrder{}).Where("Region", "=", "ap").Where("Status", "=", "new").All(&byStatus))
	require.Len(t, byStatus, 1)
}

type stNote struct {
	dynamorm.Entity `dynamorm:"table:notes,entity:note"`
	Owner           string    `dynamorm:"pk"`
	N               int       `dynamorm:"sk"`
	Text            string    `dynamorm:"index:gsi1,pk"`
	CreatedAt       time.Time `dynamorm:"created_at"`
}

// TestEntityUpsertKeepsComponentsAndCreation: CreateOrUpdate of an entity
// with a created_at field (an UpdateItem) stores the components' own
// attributes and the derived index key, and keeps the creation time.
func TestEntityUpsertKeepsComponentsAndCreation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	require.NoError(t, e.db.CreateTable(&stNote{}))
	t.Cleanup(func() { _ = e.db.DeleteTable(&stNote{}) })
	n := &stNote{Owner: "ann", N: 1, Text: "hello"}
	require.NoError(t, e.db.Model(n).CreateOrUpdate())
	created := n.CreatedAt
	e.clock.Advance(time.Hour)
	n2 := &stNote{Owner: "ann", N: 1, Text: "bye"}
	require.NoError(t, e.db.Model(n2).CreateOrUpdate())
	var got []stNote
	require.NoError(t, e.db.Model(&stNote{}).Where("Text", "=", "bye").All(&got))
	require.Len(t, got, 1)
	require.Equal(t, "ann", got[0].Owner)
	require.Equal(t, 1, got[0].N)
	require.True(t, created.Equal(got[0].CreatedAt), "created_at kept: %v vs %v", created, got[0].CreatedAt)
	require.NoError(t, e.db.Model(&stNote{}).Where("Text", "=", "hello").All(&got))
	require.Empty(t, got, "the old index key was replaced")
}

// TestEntityBatchGetSkipsOtherEntities: a key that holds another entity's
// item holds none of this one, in a batch too.
func TestEntityBatchGetSkipsOtherEntities(t *testing.T) {
	t.Parallel()
	e := shopEnv(t)
	require.NoError(t, e.db.Model(&stCustomer{ID: "c1", Email: "a@x", Name: "Ada"}).Create())
	var imps []stImpostor
	require.NoError(t, e.db.Model(&stImpostor{}).BatchGet([]any{&stImpostor{ID: "c1"}}, &imps))
	require.Empty(t, imps)
	var cs []stCustomer
	require.NoError(t, e.db.Model(&stCustomer{}).BatchGetWithOptions([]any{&stCustomer{ID: "c1"}}, &cs, &core.BatchGetOptions{ProjectionFields: []string{"Name"}}))
	require.Len(t, cs, 1)
	require.Equal(t, "Ada", cs[0].Name)
}
