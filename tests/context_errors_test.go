package tests

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// contextOps runs one operation of each kind on db.
func contextOps(db core.DB, ctx context.Context) map[string]func() error {
	return map[string]func() error{
		"First": func() error { return db.Model(&Wallet{ID: "w1"}).First(&Wallet{}) },
		"Query": func() error {
			return db.Model(&Wallet{}).Where("ID", "=", "w1").Filter("Balance", ">", 0).All(&[]Wallet{})
		},
		"All (scan)":   func() error { return db.Model(&Wallet{}).All(&[]Wallet{}) },
		"Count":        func() error { _, err := db.Model(&Wallet{}).Count(); return err },
		"AllPaginated": func() error { _, err := db.Model(&Wallet{}).Limit(1).AllPaginated(&[]Wallet{}); return err },
		"ScanAll":      func() error { return db.Model(&Wallet{}).ScanAllSegments(&[]Wallet{}, 2) },
		"BatchGet":     func() error { return db.Model(&Wallet{}).BatchGet([]any{"w1"}, &[]Wallet{}) },
		"TransactGet":  func() error { return db.(*dynamorm.DB).TransactGet(ctx, &Wallet{ID: "w1"}) },
	}
}

// A done context surfaces the same way from every operation: the
// context's own error (err == context.Canceled), as errors.go documents;
// batch writes report it in a *BatchError listing what was not written.
// Reads used to wrap it in an *OpError, and ScanAllSegments in a segment
// message.
func TestContextErrorsAreTheContextsOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	require.NoError(t, e.db.Model(&Wallet{ID: "w1", Balance: 1}).Create())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := e.db.WithContext(ctx)
	ops := contextOps(db, ctx)
	ops["Create"] = func() error { return db.Model(&Wallet{ID: "w2"}).Create() }
	ops["Update"] = func() error { return db.Model(&Wallet{ID: "w1", Version: 1}).Update() }
	ops["Delete"] = func() error { return db.Model(&Wallet{ID: "w1", Version: 1}).Delete() }
	ops["UpdateBuilder"] = func() error { return db.Model(&Wallet{ID: "w1"}).UpdateBuilder().Add("Balance", 1).Execute() }
	ops["Transaction"] = func() error {
		return db.Transaction(func(tx *dynamorm.Tx) error { return tx.Model(&Wallet{ID: "w3"}).Create() })
	}
	for name, op := range ops {
		err := op()
		assert.Equal(t, context.Canceled, err, "%s: %v", name, err)
	}
	for name, op := range map[string]func() error{
		"BatchDelete": func() error { return db.Model(&Wallet{}).BatchDelete([]any{"w1"}) },
		"BatchUpdate": func() error {
			return db.Model(&Wallet{}).BatchUpdateWithOptions([]any{&Wallet{ID: "w1", Version: 1}}, nil)
		},
	} {
		err := op()
		var be *dynamorm.BatchError
		require.ErrorAs(t, err, &be, name)
		assert.ErrorIs(t, err, context.Canceled, name)
		assert.Len(t, be.Failures, 1, name)
	}
	var w Wallet
	require.NoError(t, e.db.Model(&Wallet{ID: "w1"}).ConsistentRead().First(&w))
	assert.Equal(t, Wallet{ID: "w1", Balance: 1, Version: 1}, w, "nothing was written")
}

// cancellingClient cancels the context as each read request arrives, so
// the request fails in flight.
type cancellingClient struct {
	core.DynamoDBAPI
	cancel context.CancelFunc
}

func (c *cancellingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.cancel()
	return c.DynamoDBAPI.GetItem(ctx, in, o...)
}

func (c *cancellingClient) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.cancel()
	return c.DynamoDBAPI.Query(ctx, in, o...)
}

func (c *cancellingClient) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.cancel()
	return c.DynamoDBAPI.Scan(ctx, in, o...)
}

func (c *cancellingClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.cancel()
	return c.DynamoDBAPI.BatchGetItem(ctx, in, o...)
}

func (c *cancellingClient) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	c.cancel()
	return c.DynamoDBAPI.TransactGetItems(ctx, in, o...)
}

// A read whose context is cancelled while its request is in flight
// returns the context's error too.
func TestContextCancelledInFlightIsTheContextsError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Wallet{})
	require.NoError(t, e.db.Model(&Wallet{ID: "w1", Balance: 1}).Create())
	probe, stop := context.WithCancel(context.Background())
	stop()
	for name := range contextOps(e.db, probe) {
		ctx, cancel := context.WithCancel(context.Background())
		c := &cancellingClient{DynamoDBAPI: e.raw, cancel: cancel}
		db, err := dynamorm.New(sessionFor(c, e))
		require.NoError(t, err)
		err = contextOps(db.WithContext(ctx), ctx)[name]()
		assert.True(t, errors.Is(err, context.Canceled), "%s: %v", name, err)
		assert.Equal(t, context.Canceled, err, "%s: %v", name, err)
	}
}
