// Package dynamormtest gives tests a ready *dynamorm.DB on a fresh,
// in-process memdb server: no Java, no network, no setup.
//
//	func TestSignup(t *testing.T) {
//		db := dynamormtest.New(t, &User{})
//		svc := NewService(db)
//		...
//	}
//
// Each call starts its own server, so tests run in parallel without sharing
// data. Tables are created from the models' tags before New returns; models
// that share a table (single-table designs) create it once, and must agree
// on its keys.
package dynamormtest

import (
	"testing"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// New starts a memdb server, creates the tables of models on it and returns
// a DB using it. The server is closed when t ends. Any problem fails t.
func New(t testing.TB, models ...any) *dynamorm.DB {
	t.Helper()
	return NewWithConfig(t, session.Config{}, models...)
}

// NewWithConfig is New with a session configuration (a Clock, a CursorKey,
// a TableNamePrefix, ...). Its Client is replaced by the memdb client, to
// which its ClientOptions apply.
func NewWithConfig(t testing.TB, cfg session.Config, models ...any) *dynamorm.DB {
	t.Helper()
	srv := memdb.New()
	t.Cleanup(srv.Close)
	cfg.Client = srv.Client()
	db, err := dynamorm.New(cfg)
	if err != nil {
		t.Fatalf("dynamormtest: %v", err)
	}
	for _, m := range models {
		// AutoMigrate, not CreateTable: models sharing a table create it
		// once, each adding its indexes, and must agree on its keys.
		if err := db.AutoMigrateWithOptions(m); err != nil {
			t.Fatalf("dynamormtest: create table for %T: %v", m, err)
		}
	}
	return db
}
