package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
)

// The handlers tested with an event built from Order values by
// dynamormtest.StreamEvent, instead of a JSON file.
func TestHandlersOnABuiltEvent(t *testing.T) {
	pending := &Order{OrderID: "o-1", CustomerID: "c-1", Status: "pending", Total: 10, Version: 1,
		Lines: []OrderLine{{SKU: "s", Quantity: 2, Price: 5}}}
	paid := *pending
	paid.Status, paid.Version = "paid", 2
	event := dynamormtest.StreamEvent(t,
		dynamormtest.Insert(pending),
		dynamormtest.Modify(pending, &paid),
		dynamormtest.ExpireTTL(&paid),
	)

	logs := captureLog(t)
	require.NoError(t, handleDynamoDBStream(context.Background(), event))
	assert.Equal(t, "Order o-1 status: pending\nOrder o-1 status: paid\nOrder o-1 was removed\n", logs.String())

	logs.Reset()
	require.NoError(t, processBatchRecords(event.Records))
	assert.Equal(t, `  o-1 (customer c-1): pending, 1 line(s), total 10.00, version 1
  o-1 (customer c-1): paid, 1 line(s), total 10.00, version 2
Batch: 2 new image(s), total 20.00
`, logs.String())
}
