// Command lambda is the reference README's Lambda handler: the DB is built
// once, in init(), and reused by every invocation of the function.
//
// It only runs inside AWS Lambda (lambda.Start needs the Lambda runtime
// API). Build it for the provided.al2023 runtime with:
//
//	GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -ldflags "-s -w" -o bootstrap ./examples/lambda
//
// The function's role needs dynamodb:PutItem on the payments table; the
// region, credentials and (for testing) AWS_ENDPOINT_URL_DYNAMODB come from
// the Lambda environment.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/dynamorm/dynamorm"
)

// Payment is stored in the "payments" table (partition key "id").
type Payment struct {
	ID        string `dynamorm:"pk" json:"id"`
	Amount    int64  `json:"amount"`
	Status    string `json:"status,omitempty"`
	CreatedAt int64  `dynamorm:"created_at" json:"created_at"`
}

// PaymentEvent is the function's input.
type PaymentEvent struct {
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
}

var db *dynamorm.LambdaDB

func init() {
	// Initialize once, reuse across invocations. dynamorm.LambdaInit(&Payment{})
	// would also compile the model's metadata and codec here, in the init
	// phase, and fail on an invalid model before the first invocation.
	var err error
	db, err = dynamorm.NewLambdaOptimized()
	if err != nil {
		panic(err)
	}
}

func handler(ctx context.Context, event PaymentEvent) error {
	// Stop DynamoDB requests (and their retries) shortly before the
	// invocation's deadline, so that the function reports its own error.
	ctx, cancel := dynamorm.WithLambdaTimeout(ctx)
	defer cancel()

	// Business logic using the pre-initialized connection.
	payment := &Payment{
		ID:     event.PaymentID,
		Amount: event.Amount,
	}
	return db.WithContext(ctx).Model(payment).Create()
}

func main() {
	lambda.Start(handler)
}
