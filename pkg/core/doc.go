// Package core holds dynamorm's public interfaces (DB, ExtendedDB, Query,
// UpdateBuilder, TransactionBuilder, BatchGetBuilder), the client interface
// DynamoDBAPI, the types they share, and the sentinel errors.
//
// Application code depends on these interfaces rather than on *dynamorm.DB,
// so that services can be unit tested with the mocks in pkg/mocks:
//
//	type PaymentService struct{ db core.DB }
//
//	func (s *PaymentService) CreatePayment(p *Payment) error {
//		return s.db.Model(p).Create()
//	}
package core
