package tests

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// These tests are written as users write theirs with dynamormtest; they run
// on the suite's backend: scripts/test.sh points dynamormtest at DynamoDB
// Local (DYNAMORMTEST_ENDPOINT) in its first run and at memdb in its second.

// userDB is dynamormtest.NewWithConfig, checked to run on the suite's backend.
func userDB(t *testing.T, cfg session.Config, models ...any) *dynamorm.DB {
	t.Helper()
	onLocal := testenv.Backend(t) == testenv.BackendLocal
	if onLocal != (dynamormtest.Endpoint() != "") {
		t.Fatalf("the suite runs on %s but %s=%q: run ./scripts/test.sh, which sets it for each backend",
			testenv.Backend(t), dynamormtest.EndpointEnv, dynamormtest.Endpoint())
	}
	return dynamormtest.NewWithConfig(t, cfg, models...)
}

type shopOrder struct {
	ID       string `dynamorm:"pk"`
	Customer string `dynamorm:"index:by-customer,pk"`
	Total    int64
	Status   string
	Version  int64 `dynamorm:"version"`
}

type shopCustomer struct {
	ID     string `dynamorm:"pk"`
	Orders int64
}

// shop is a service under test, as a user would write it.
type shop struct{ db core.DB }

func (s shop) place(ctx context.Context, o *shopOrder) error {
	return s.db.WithContext(ctx).Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(o); err != nil {
			return err
		}
		return tx.Model(&shopCustomer{ID: o.Customer}).UpdateBuilder().Add("Orders", 1).Execute()
	})
}

func (s shop) ofCustomer(ctx context.Context, customer string) ([]shopOrder, error) {
	var out []shopOrder
	err := s.db.WithContext(ctx).Model(&shopOrder{}).Where("Customer", "=", customer).All(&out)
	return out, err
}

func TestDynamormtestServiceOnTheSuiteBackend(t *testing.T) {
	t.Parallel()
	db := userDB(t, session.Config{}, &shopOrder{}, &shopCustomer{})
	svc := shop{db}
	ctx := context.Background()
	require.NoError(t, db.Model(&shopCustomer{ID: "c1"}).Create())
	require.NoError(t, svc.place(ctx, &shopOrder{ID: "o1", Customer: "c1", Total: 10}))
	require.NoError(t, svc.place(ctx, &shopOrder{ID: "o2", Customer: "c1", Total: 5}))
	err := svc.place(ctx, &shopOrder{ID: "o1", Customer: "c1", Total: 99})
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed, "a second o1 is refused")

	got, err := svc.ofCustomer(ctx, "c1")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"o1", "o2"}, []string{got[0].ID, got[1].ID})
	var c shopCustomer
	require.NoError(t, db.Model(&shopCustomer{ID: "c1"}).First(&c))
	assert.Equal(t, int64(2), c.Orders, "the refused order did not count")
	var o1 shopOrder
	require.NoError(t, db.Model(&shopOrder{ID: "o1"}).First(&o1))
	assert.Equal(t, int64(10), o1.Total)
}

// The tables live on the suite's server: DynamoDB Local sees them under
// their unique names; the suite's own memdb server (another server) does not.
func TestDynamormtestUsesTheSuiteBackend(t *testing.T) {
	t.Parallel()
	db := userDB(t, session.Config{}, &shopOrder{})
	name := dynamormtest.TableName(t, db, &shopOrder{})
	assert.NotEqual(t, "shop_orders", name)
	assert.Contains(t, name, "shop_orders")
	_, err := testenv.Client(t).DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if testenv.Backend(t) == testenv.BackendLocal {
		require.NoError(t, err, "DynamoDB Local holds the table")
	} else {
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf, "dynamormtest's memdb server is its own")
	}
}

// Two DBs in one test (and so in parallel tests and reruns) never share a
// table, and every table with the DB's prefix, made by New or later by the
// test, is deleted when the test ends.
func TestDynamormtestTablesAreUniqueAndDropped(t *testing.T) {
	t.Parallel()
	var names []string
	var raws []*dynamodb.Client
	t.Run("user test", func(t *testing.T) {
		a := userDB(t, session.Config{}, &shopOrder{})
		b := userDB(t, session.Config{TableNamePrefix: "app_"}, &shopOrder{})
		require.NoError(t, a.Model(&shopOrder{ID: "o1", Total: 1}).Create())
		err := b.Model(&shopOrder{ID: "o1"}).First(&shopOrder{})
		require.ErrorIs(t, err, dynamorm.ErrItemNotFound, "b does not see a's item")
		require.NoError(t, a.EnsureTable(&shopCustomer{}), "a table the test makes itself")
		for _, n := range []string{dynamormtest.TableName(t, a, &shopOrder{}), dynamormtest.TableName(t, b, &shopOrder{}), dynamormtest.TableName(t, a, &shopCustomer{})} {
			names = append(names, n)
		}
		assert.NotEqual(t, names[0], names[1])
		assert.Contains(t, names[1], "_app_shop_orders", "the user's prefix comes after the unique one")
		raws = []*dynamodb.Client{a.Client().(*dynamodb.Client), b.Client().(*dynamodb.Client), a.Client().(*dynamodb.Client)}
	})
	require.Len(t, names, 3)
	for i, n := range names {
		_, err := raws[i].DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(n)})
		var nf *types.ResourceNotFoundException
		if testenv.Backend(t) == testenv.BackendLocal {
			assert.ErrorAs(t, err, &nf, "table %s deleted at cleanup", n)
		} else {
			assert.True(t, err != nil && !errors.As(err, &nf), "memdb: the server is closed at cleanup, not left running: %v", err)
		}
	}
}
