// Command dynamormhandler is a minimal Lambda handler on dynamorm, the
// dynamorm side of the cold-start measurement (see bench/coldstart): init()
// calls dynamorm.LambdaInit with five models, and the handler writes one
// item. Run by the driver (outside Lambda) it reports its timings and
// allocations as JSON and exits after one invocation.
package main

import (
	"context"
	"log"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/bench/coldstart/internal/probe"
)

// The five models registered at init.

type User struct {
	ID        string    `dynamorm:"pk" json:"id"`
	Email     string    `dynamorm:"sk" json:"email"`
	Name      string    `json:"name"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `dynamorm:"created_at" json:"created_at"`
}

type Payment struct {
	ID         string    `dynamorm:"pk" json:"id"`
	Timestamp  string    `dynamorm:"sk" json:"timestamp"`
	CustomerID string    `dynamorm:"index:customer-index,pk" json:"customer_id"`
	Status     string    `dynamorm:"index:customer-index,sk" json:"status"`
	Amount     int64     `json:"amount"`
	CreatedAt  time.Time `json:"created_at"`
}

type Order struct {
	CustomerID string            `dynamorm:"pk" json:"customer_id"`
	OrderID    string            `dynamorm:"sk" json:"order_id"`
	Status     string            `dynamorm:"index:status-index,pk" json:"status"`
	Total      float64           `json:"total"`
	Lines      []OrderLine       `json:"lines"`
	Tags       []string          `dynamorm:"set,omitempty" json:"tags"`
	Meta       map[string]string `json:"meta"`
	Version    int64             `dynamorm:"version" json:"version"`
}

type OrderLine struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type Product struct {
	SKU       string  `dynamorm:"pk" json:"sku"`
	Category  string  `dynamorm:"index:category-index,pk" json:"category"`
	Price     float64 `dynamorm:"index:category-index,sk" json:"price"`
	Name      string  `json:"name"`
	UpdatedAt int64   `dynamorm:"updated_at" json:"updated_at"`
}

type Session struct {
	Token     string    `dynamorm:"pk" json:"token"`
	UserID    string    `dynamorm:"index:user-index,pk" json:"user_id"`
	ExpiresAt time.Time `dynamorm:"ttl" json:"expires_at"`
	Data      []byte    `json:"data"`
}

var (
	p  = probe.Start()
	db *dynamorm.LambdaDB
)

func init() {
	p.BeginInit()
	var err error
	db, err = dynamorm.LambdaInit(&User{}, &Payment{}, &Order{}, &Product{}, &Session{})
	if err != nil {
		panic(err)
	}
	p.EndInit()
}

// PaymentEvent is the handler's input.
type PaymentEvent struct {
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
}

func handler(ctx context.Context, event PaymentEvent) error {
	payment := &Payment{ID: event.PaymentID, Timestamp: "2024-01-01T00:00:00Z", CustomerID: "c1", Status: "paid", Amount: event.Amount}
	return db.WithContext(ctx).Model(payment).CreateOrUpdate()
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
