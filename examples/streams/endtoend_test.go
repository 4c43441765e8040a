package main

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// The stream handlers tested end to end: orders are written through
// dynamorm to memdb, the table's stream is read back as the event Lambda
// would deliver, and the handlers process it. TTL expiry, driven by memdb's
// injected clock, reaches the handler as a REMOVE by the TTL service.
func TestHandlersOnTheStreamOfRealWrites(t *testing.T) {
	ctx := context.Background()
	srv := memdb.New()
	defer srv.Close()
	now := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })

	db, err := dynamorm.New(session.Config{Region: "us-east-1", Client: srv.Client()})
	require.NoError(t, err)
	require.NoError(t, db.CreateTable(&Order{}, core.WithStream(types.StreamViewTypeNewAndOldImages)))
	reader, err := memdb.NewStreamReader(ctx, srv.Client(), "orders")
	require.NoError(t, err)

	first := &Order{OrderID: "o-1", CustomerID: "c-1", Status: "pending", Total: 10, ExpiresAt: now.Add(30 * 24 * time.Hour)}
	require.NoError(t, db.Model(first).Create())
	first.Status = "paid"
	require.NoError(t, db.Model(first).Update("Status"))
	second := &Order{OrderID: "o-2", CustomerID: "c-2", Status: "paid", Total: 5.5, Lines: []OrderLine{{SKU: "s", Quantity: 1, Price: 5.5}},
		ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, db.Model(second).Create())
	require.NoError(t, db.Model(&Order{OrderID: "o-1"}).Delete())

	event, err := reader.Next(ctx)
	require.NoError(t, err)
	names := make([]string, len(event.Records))
	for i, r := range event.Records {
		names[i] = r.EventName
		assert.Equal(t, "aws:dynamodb", r.EventSource)
		assert.Nil(t, r.UserIdentity, "a write by the application has no service identity")
	}
	assert.Equal(t, []string{"INSERT", "MODIFY", "INSERT", "REMOVE"}, names)

	logs := captureLog(t)
	require.NoError(t, handleDynamoDBStream(ctx, event))
	require.NoError(t, processBatchRecords(event.Records))
	assert.Equal(t, `Order o-1 status: pending
Order o-1 status: paid
Order o-2 status: paid
Order o-1 was removed
  o-1 (customer c-1): pending, 0 line(s), total 10.00, version 1
  o-1 (customer c-1): paid, 0 line(s), total 10.00, version 2
  o-2 (customer c-2): paid, 1 line(s), total 5.50, version 1
Batch: 3 new image(s), total 25.50
`, logs.String())

	// Nothing written since: the next event is empty.
	event, err = reader.Next(ctx)
	require.NoError(t, err)
	assert.Empty(t, event.Records)

	// Two hours later o-2 has expired: the sweep deletes it and its REMOVE
	// comes from the TTL service, with the OldImage for the handler.
	now = now.Add(2 * time.Hour)
	assert.Equal(t, 1, srv.SweepTTL())
	event, err = reader.Next(ctx)
	require.NoError(t, err)
	require.Len(t, event.Records, 1)
	rec := event.Records[0]
	assert.Equal(t, "REMOVE", rec.EventName)
	assert.Equal(t, &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}, rec.UserIdentity)
	logs.Reset()
	require.NoError(t, handleDynamoDBStream(ctx, event))
	assert.Equal(t, "Order o-2 was removed\n", logs.String())

	out, err := srv.Client().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"),
		Key: map[string]types.AttributeValue{"order_id": &types.AttributeValueMemberS{Value: "o-2"}}})
	require.NoError(t, err)
	assert.Nil(t, out.Item, "the expired order is gone")
}
