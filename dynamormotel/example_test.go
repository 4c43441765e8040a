package dynamormotel_test

import (
	"context"
	"fmt"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/dynamormotel"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// Each library call is a span; each DynamoDB request made for it is a
// child span with the semantic-convention attributes.
func Example() {
	type Order struct {
		Customer string `dynamorm:"pk"`
		ID       string `dynamorm:"sk"`
	}
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	obs, err := dynamormotel.New(dynamormotel.WithTracerProvider(tp)) // metrics: WithMeterProvider
	if err != nil {
		log.Fatal(err)
	}
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client(), Observer: obs})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.WithObserver(nil).CreateTable(&Order{}); err != nil { // not traced
		log.Fatal(err)
	}
	ctx, handler := tp.Tracer("app").Start(context.Background(), "handler")
	orders := []Order{{"c1", "o1"}, {"c1", "o2"}}
	if err := db.WithContext(ctx).Model(&Order{}).BatchCreate(orders); err != nil {
		log.Fatal(err)
	}
	var found []Order
	if err := db.WithContext(ctx).Model(&Order{}).Where("Customer", "=", "c1").All(&found); err != nil {
		log.Fatal(err)
	}
	handler.End()

	names := map[string]string{} // span id -> name
	for _, s := range spans.Ended() {
		names[s.SpanContext().SpanID().String()] = s.Name()
	}
	for _, s := range spans.Ended() {
		parent := names[s.Parent().SpanID().String()]
		if parent == "" {
			continue // the handler itself
		}
		fmt.Printf("%s <- %s", parent, s.Name())
		for _, a := range s.Attributes() {
			if a.Key == "db.operation.name" || a.Key == "aws.dynamodb.table_names" {
				fmt.Printf(" %s=%s", a.Key, a.Value.Emit())
			}
		}
		fmt.Println()
	}
	// Output:
	// dynamorm.BatchCreate <- BatchWriteItem orders db.operation.name=BatchWriteItem aws.dynamodb.table_names=["orders"]
	// handler <- dynamorm.BatchCreate aws.dynamodb.table_names=["orders"]
	// dynamorm.All <- Query orders db.operation.name=Query aws.dynamodb.table_names=["orders"]
	// handler <- dynamorm.All aws.dynamodb.table_names=["orders"]
}
