package tests

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// Event has every kind of index and a TTL.
type Event struct {
	Tenant  string    `dynamorm:"pk"`
	At      int64     `dynamorm:"sk"`
	Kind    string    `dynamorm:"index:by-kind,pk"`
	Score   float64   `dynamorm:"index:by-kind,sk"`
	Owner   string    `dynamorm:"index:by-owner,pk"`
	Label   string    `dynamorm:"lsi:by-label"`
	Payload []byte    `json:"payload"`
	Expires time.Time `dynamorm:"ttl"`
}

// EventV2 is Event with one more GSI, for AutoMigrate.
type EventV2 struct {
	Tenant string  `dynamorm:"pk"`
	At     int64   `dynamorm:"sk"`
	Kind   string  `dynamorm:"index:by-kind,pk"`
	Score  float64 `dynamorm:"index:by-kind,sk"`
	Owner  string  `dynamorm:"index:by-owner,pk"`
	Label  string  `dynamorm:"lsi:by-label"`
	Region string  `dynamorm:"index:by-region,pk"`
}

func (EventV2) TableName() string { return "events" }

func newBareDB(t *testing.T) (*dynamorm.DB, *dynamodb.Client, string) {
	t.Helper()
	raw := testenv.Client(t)
	prefix := testenv.TableName(t, "t") + "_"
	db, err := dynamorm.New(session.Config{Client: raw, TableNamePrefix: prefix})
	require.NoError(t, err)
	return db, raw, prefix
}

func indexNames(d *types.TableDescription) (gsis, lsis []string) {
	for _, g := range d.GlobalSecondaryIndexes {
		gsis = append(gsis, aws.ToString(g.IndexName))
	}
	for _, l := range d.LocalSecondaryIndexes {
		lsis = append(lsis, aws.ToString(l.IndexName))
	}
	sort.Strings(gsis)
	return gsis, lsis
}

func TestCreateTableFromTags(t *testing.T) {
	t.Parallel()
	db, raw, prefix := newBareDB(t)
	require.NoError(t, db.CreateTable(&Event{},
		core.WithKeysOnlyProjection("by-owner"),
		core.WithIncludeProjection("by-kind", "Payload"),
		core.WithStream(types.StreamViewTypeNewAndOldImages)))
	t.Cleanup(func() { _ = db.DeleteTable(&Event{}) })

	d, err := db.DescribeTable(&Event{})
	require.NoError(t, err)
	assert.Equal(t, prefix+"events", aws.ToString(d.TableName))
	assert.Equal(t, types.TableStatusActive, d.TableStatus)
	assert.Equal(t, types.BillingModePayPerRequest, d.BillingModeSummary.BillingMode)
	gsis, lsis := indexNames(d)
	assert.Equal(t, []string{"by-kind", "by-owner"}, gsis)
	assert.Equal(t, []string{"by-label"}, lsis)
	attrTypes := map[string]types.ScalarAttributeType{}
	for _, a := range d.AttributeDefinitions {
		attrTypes[aws.ToString(a.AttributeName)] = a.AttributeType
	}
	assert.Equal(t, map[string]types.ScalarAttributeType{"Tenant": "S", "At": "N", "Kind": "S", "Score": "N", "Owner": "S", "Label": "S"}, attrTypes)
	for _, g := range d.GlobalSecondaryIndexes {
		switch aws.ToString(g.IndexName) {
		case "by-owner":
			assert.Equal(t, types.ProjectionTypeKeysOnly, g.Projection.ProjectionType)
		case "by-kind":
			assert.Equal(t, types.ProjectionTypeInclude, g.Projection.ProjectionType)
			assert.Equal(t, []string{"payload"}, g.Projection.NonKeyAttributes)
		}
	}
	assert.Equal(t, types.ProjectionTypeAll, d.LocalSecondaryIndexes[0].Projection.ProjectionType)
	require.NotNil(t, d.StreamSpecification)
	assert.True(t, aws.ToBool(d.StreamSpecification.StreamEnabled))

	ttl, err := raw.DescribeTimeToLive(context.Background(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(prefix + "events")})
	require.NoError(t, err)
	assert.Equal(t, "Expires", aws.ToString(ttl.TimeToLiveDescription.AttributeName))
	assert.Contains(t, []types.TimeToLiveStatus{types.TimeToLiveStatusEnabled, types.TimeToLiveStatusEnabling}, ttl.TimeToLiveDescription.TimeToLiveStatus)

	// The table works with the model: write, then read through each index.
	require.NoError(t, db.Model(&Event{Tenant: "t", At: 1, Kind: "k", Score: 1.5, Owner: "o", Label: "l"}).Create())
	var got []Event
	require.NoError(t, db.Model(&Event{}).Where("Kind", "=", "k").Where("Score", ">", 1).All(&got))
	require.Len(t, got, 1)
	require.NoError(t, db.Model(&Event{}).Where("Tenant", "=", "t").Where("Label", "=", "l").ConsistentRead().All(&got))
	require.Len(t, got, 1)

	// Creating it again is an error naming the table; EnsureTable is fine.
	err = db.CreateTable(&Event{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), prefix+"events")
	require.NoError(t, db.EnsureTable(&Event{}))
}

func TestProvisionedTableAndDelete(t *testing.T) {
	t.Parallel()
	db, _, _ := newBareDB(t)
	require.NoError(t, db.CreateTable(&Event{}, core.WithProvisionedThroughput(3, 2), core.WithoutTTL()))
	d, err := db.DescribeTable(&Event{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits))
	assert.Equal(t, int64(2), aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits))
	for _, g := range d.GlobalSecondaryIndexes {
		assert.Equal(t, int64(3), aws.ToInt64(g.ProvisionedThroughput.ReadCapacityUnits))
	}
	require.NoError(t, db.DeleteTable(&Event{}))
	_, err = db.DescribeTable(&Event{})
	require.ErrorIs(t, err, dynamorm.ErrTableNotFound)
	var rnf *types.ResourceNotFoundException
	assert.True(t, errors.As(err, &rnf))
	require.ErrorIs(t, db.Model(&Event{Tenant: "x", At: 1}).Create(), dynamorm.ErrTableNotFound)

	require.ErrorIs(t, db.CreateTable(&Event{}, core.WithKeysOnlyProjection("no-such-index")), dynamorm.ErrIndexNotFound)
	require.ErrorIs(t, db.CreateTable(&Event{}, core.WithProvisionedThroughput(0, 0)), dynamorm.ErrValidation)
	_, err = db.DescribeTable(&Event{})
	require.ErrorIs(t, err, dynamorm.ErrTableNotFound, "invalid options must not create the table")
}

func TestAutoMigrateAddsIndexes(t *testing.T) {
	t.Parallel()
	db, _, _ := newBareDB(t)
	t.Cleanup(func() { _ = db.DeleteTable(&Event{}) })
	// Missing table: created.
	require.NoError(t, db.AutoMigrate(&Event{}))
	require.NoError(t, db.Model(&Event{Tenant: "t", At: 1, Kind: "k", Owner: "o", Label: "l"}).Create())
	// The model grew a GSI: AutoMigrate adds it and keeps the data.
	require.NoError(t, db.AutoMigrate(&EventV2{}))
	d, err := db.DescribeTable(&EventV2{})
	require.NoError(t, err)
	gsis, _ := indexNames(d)
	assert.Equal(t, []string{"by-kind", "by-owner", "by-region"}, gsis)
	for _, g := range d.GlobalSecondaryIndexes {
		assert.Equal(t, types.IndexStatusActive, g.IndexStatus)
	}
	require.NoError(t, db.Model(&EventV2{Tenant: "t", At: 2, Region: "eu"}).Create())
	var got []EventV2
	require.NoError(t, db.Model(&EventV2{}).Where("Region", "=", "eu").All(&got))
	require.Len(t, got, 1)
	var old Event
	require.NoError(t, db.Model(&Event{Tenant: "t", At: 1}).First(&old))
	assert.Equal(t, "k", old.Kind)
	// Migrate re-runs over the registered models: nothing left to do.
	require.NoError(t, db.Migrate())
}

func TestContextIsHonoured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := e.db.WithContext(ctx).Model(&Account{ID: "a"}).Create()
	require.ErrorIs(t, err, context.Canceled)
	var out []Account
	require.ErrorIs(t, e.db.Model(&Account{}).WithContext(ctx).Scan(&out), context.Canceled)
	require.ErrorIs(t, e.db.WithContext(ctx).(*dynamorm.DB).CreateTable(&Order{}), context.Canceled)
	assert.Zero(t, e.itemCount(t, "accounts"))

	// WithRetry's backoff sleeps honour the context too.
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	start := time.Now()
	var a Account
	err = e.db.Model(&Account{ID: "missing"}).WithContext(short).WithRetry(50, 50*time.Millisecond).First(&a)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestClosedDBRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Close())
	require.Error(t, e.db.Model(&Account{ID: "a"}).Create())
	assert.Zero(t, e.count.writes.Load())
}
