package dynamorm

// Work in progress: the methods in this file are being written (batches and
// fluent transactions). Each returns an explicit error until it lands; this
// file is deleted when the last one does.

import (
	"context"
	"errors"

	"github.com/dynamorm/dynamorm/pkg/core"
)

var errUnimplemented = errors.New("dynamorm: not implemented yet")

func (q *query) BatchGet(keys []any, dest any) error { return errUnimplemented }
func (q *query) BatchGetWithOptions(keys []any, dest any, opts *core.BatchGetOptions) error {
	return errUnimplemented
}
func (q *query) BatchGetBuilder() core.BatchGetBuilder      { return nil }
func (q *query) BatchCreate(items any) error                { return errUnimplemented }
func (q *query) BatchDelete(keys []any) error               { return errUnimplemented }
func (q *query) BatchWrite(puts []any, deletes []any) error { return errUnimplemented }
func (q *query) BatchUpdateWithOptions(items []any, fields []string, opts ...core.BatchOption) error {
	return errUnimplemented
}
func (db *DB) Transact() core.TransactionBuilder { return nil }
func (db *DB) TransactWrite(ctx context.Context, fn func(core.TransactionBuilder) error) error {
	return errUnimplemented
}
func (db *DB) TransactGet(ctx context.Context, dests ...any) error { return errUnimplemented }
