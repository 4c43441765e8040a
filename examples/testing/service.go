package main

import (
	"errors"
	"fmt"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Payment is the README's canonical model with a global secondary index.
type Payment struct {
	ID         string `dynamorm:"pk" json:"id"`
	Timestamp  string `dynamorm:"sk" json:"timestamp"`
	CustomerID string `dynamorm:"index:customer-index,pk" json:"customer_id"`
	Status     string `dynamorm:"index:customer-index,sk" json:"status"`
	Amount     int64  `json:"amount"`
}

// Account holds a customer's balance.
type Account struct {
	ID      string `dynamorm:"pk" json:"id"`
	Balance int64  `json:"balance"`
	Version int64  `dynamorm:"version" json:"version"`
}

// ErrInsufficientFunds is returned by Pay when the balance is too low.
var ErrInsufficientFunds = errors.New("insufficient funds")

// PaymentService is business logic written against core.DB, the interface
// both *dynamorm.DB and mocks.MockDB implement: production code passes the
// real DB, unit tests pass a mock.
type PaymentService struct {
	db core.DB // Interface allows mocking
}

// NewPaymentService returns a service using db.
func NewPaymentService(db core.DB) *PaymentService {
	return &PaymentService{db: db}
}

// CreatePayment stores a new payment (the reference README's method).
func (s *PaymentService) CreatePayment(payment *Payment) error {
	// Business logic that can be tested
	return s.db.Model(payment).Create()
}

// Pay debits account and records payment as completed, atomically: either
// both writes happen or neither does. Invalid amounts and insufficient
// funds are refused before anything is sent.
func (s *PaymentService) Pay(account *Account, payment *Payment) error {
	if payment.Amount <= 0 {
		return fmt.Errorf("pay %s: amount must be positive, got %d", payment.ID, payment.Amount)
	}
	if account.Balance < payment.Amount {
		return fmt.Errorf("pay %s from %s: %w", payment.ID, account.ID, ErrInsufficientFunds)
	}
	return s.db.Transaction(func(tx *core.Tx) error {
		account.Balance -= payment.Amount
		if err := tx.Model(account).Update("Balance"); err != nil {
			return err
		}
		payment.Status = "completed"
		return tx.Model(payment).Create()
	})
}

// CustomerPayments returns a customer's payments with the given status,
// newest status first, at most limit of them, through the customer index.
func (s *PaymentService) CustomerPayments(customerID string, limit int) ([]Payment, error) {
	var payments []Payment
	err := s.db.Model(&Payment{}).
		Index("customer-index").
		Where("CustomerID", "=", customerID).
		OrderBy("Status", "DESC").
		Limit(limit).
		All(&payments)
	if err != nil {
		return nil, fmt.Errorf("payments of %s: %w", customerID, err)
	}
	return payments, nil
}
