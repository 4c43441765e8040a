// Command streams processes DynamoDB Streams records the way a Lambda
// function subscribed to a table's stream does, with the reference README's
// handlers: handleDynamoDBStream decodes each record's image into the
// dynamorm model with dynamorm.UnmarshalItem (the OldImage for REMOVE), and
// processBatchRecords decodes all new images at once with
// dynamorm.UnmarshalItems.
//
// Run it on the sample event (event.json, embedded) or on an event file of
// your own, such as one saved from a real invocation:
//
//	go run ./examples/streams
//	go run ./examples/streams path/to/event.json
//
// In a Lambda function, main would be lambda.Start(handleDynamoDBStream).
//
// endtoend_test.go tests the handlers end to end on memdb: orders written
// through dynamorm, the table's stream read back with memdb.StreamReader as
// the event Lambda would deliver, and a TTL expiry (memdb's injected clock
// and SweepTTL) arriving as a REMOVE by the TTL service.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamorm/dynamorm"
)

// Order is the model of the "orders" table whose stream is processed.
type Order struct {
	OrderID    string         `dynamorm:"pk" json:"order_id"`
	CustomerID string         `dynamorm:"index:customer-index,pk" json:"customer_id"`
	Status     string         `json:"status"`
	Total      float64        `json:"total"`
	Paid       bool           `json:"paid"`
	Lines      []OrderLine    `json:"lines"`
	Tags       []string       `dynamorm:"set" json:"tags"`
	Coupons    map[string]int `json:"coupons"`
	Signature  []byte         `json:"signature"`
	Note       *string        `json:"note"`
	CreatedAt  time.Time      `json:"created_at"`
	ExpiresAt  time.Time      `dynamorm:"ttl" json:"expires_at"`
	Version    int64          `dynamorm:"version" json:"version"`
}

// OrderLine is one line of an order, stored as a map in a list.
type OrderLine struct {
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

// sampleEvent is a stream event with an INSERT, a MODIFY, another INSERT
// and a REMOVE, as Lambda delivers it.
//
//go:embed event.json
var sampleEvent []byte

// handleDynamoDBStream is the reference README's stream handler.
func handleDynamoDBStream(ctx context.Context, event events.DynamoDBEvent) error {
	for _, record := range event.Records {
		switch record.EventName {
		case "INSERT", "MODIFY":
			var order Order
			// Use DynamORM's UnmarshalItem instead of AWS SDK
			if err := dynamorm.UnmarshalItem(record.Change.NewImage, &order); err != nil {
				return fmt.Errorf("failed to unmarshal: %w", err)
			}

			// Process the order...
			log.Printf("Order %s status: %s", order.OrderID, order.Status)

		case "REMOVE":
			var order Order
			if err := dynamorm.UnmarshalItem(record.Change.OldImage, &order); err != nil {
				return fmt.Errorf("failed to unmarshal: %w", err)
			}

			log.Printf("Order %s was removed", order.OrderID)
		}
	}
	return nil
}

// processBatchRecords is the reference README's batch variant. The
// reference collects the images in a []map[string]types.AttributeValue,
// which cannot compile: aws-lambda-go's record.Change.NewImage is a
// map[string]events.DynamoDBAttributeValue. UnmarshalItems accepts a slice
// of either form, so the images are collected as they come.
func processBatchRecords(records []events.DynamoDBEventRecord) error {
	// Extract all new images
	var items []map[string]events.DynamoDBAttributeValue
	for _, record := range records {
		if record.Change.NewImage != nil {
			items = append(items, record.Change.NewImage)
		}
	}

	// Unmarshal all at once
	var orders []Order
	if err := dynamorm.UnmarshalItems(items, &orders); err != nil {
		return fmt.Errorf("failed to unmarshal batch: %w", err)
	}

	// Process orders...
	var total float64
	for _, o := range orders {
		total += o.Total
		log.Printf("  %s (customer %s): %s, %d line(s), total %.2f, version %d", o.OrderID, o.CustomerID, o.Status, len(o.Lines), o.Total, o.Version)
	}
	log.Printf("Batch: %d new image(s), total %.2f", len(orders), total)
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run processes the event file named by args (or the sample event), logging
// to out.
func run(args []string, out io.Writer) error {
	log.SetFlags(0)
	log.SetOutput(out)

	data := sampleEvent
	if len(args) > 0 {
		var err error
		if data, err = os.ReadFile(args[0]); err != nil {
			return err
		}
	}
	var event events.DynamoDBEvent
	if err := json.Unmarshal(data, &event); err != nil {
		return fmt.Errorf("not a DynamoDB stream event: %w", err)
	}

	log.Printf("handleDynamoDBStream: %d record(s)", len(event.Records))
	if err := handleDynamoDBStream(context.Background(), event); err != nil {
		return err
	}
	log.Printf("processBatchRecords:")
	return processBatchRecords(event.Records)
}
