// Command sdkhandler is a minimal Lambda handler on the raw AWS SDK, the
// baseline of the cold-start measurement (see bench/coldstart): init() calls
// config.LoadDefaultConfig and dynamodb.NewFromConfig, and the handler
// writes one item built by hand. Run by the driver (outside Lambda) it
// reports its timings and allocations as JSON and exits after one
// invocation.
package main

import (
	"context"
	"log"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/bench/coldstart/internal/probe"
)

var (
	p      = probe.Start()
	client *dynamodb.Client
)

func init() {
	p.BeginInit()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	client = dynamodb.NewFromConfig(cfg)
	p.EndInit()
}

// PaymentEvent is the handler's input.
type PaymentEvent struct {
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
}

func handler(ctx context.Context, event PaymentEvent) error {
	_, err := client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("payments"),
		Item: map[string]types.AttributeValue{
			"id":          &types.AttributeValueMemberS{Value: event.PaymentID},
			"timestamp":   &types.AttributeValueMemberS{Value: "2024-01-01T00:00:00Z"},
			"customer_id": &types.AttributeValueMemberS{Value: "c1"},
			"status":      &types.AttributeValueMemberS{Value: "paid"},
			"amount":      &types.AttributeValueMemberN{Value: strconv.FormatInt(event.Amount, 10)},
			"created_at":  &types.AttributeValueMemberS{Value: "0001-01-01T00:00:00.000000000Z"},
		},
	})
	return err
}

func main() {
	if probe.UnderDriver() {
		if err := p.Finish(func(ctx context.Context) error {
			return handler(ctx, PaymentEvent{PaymentID: "p1", Amount: 1250})
		}); err != nil {
			log.Fatal(err)
		}
		return
	}
	lambda.Start(handler)
}
