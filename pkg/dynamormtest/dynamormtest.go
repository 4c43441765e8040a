// Package dynamormtest gives tests a ready *dynamorm.DB with the models'
// tables created: on a fresh, in-process memdb server by default (no Java,
// no network, no setup), or on the DynamoDB-compatible server named by
// DYNAMORMTEST_ENDPOINT (DynamoDB Local, say), so the same tests run on
// both:
//
//	func TestSignup(t *testing.T) {
//		db := dynamormtest.New(t, &User{})
//		svc := NewService(db)
//		...
//	}
//
//	go test ./...                                              # memdb
//	DYNAMORMTEST_ENDPOINT=http://localhost:8000 go test ./...  # DynamoDB Local
//
// Every call gets table names of its own on either backend: a prefix unique
// to the call (from the test's name and a random part) is put before every
// model's table name (see TableName), so parallel tests and reruns never
// share a table. The tables with that prefix, including those the test
// creates itself through the DB, are deleted when the test ends. Tables are
// created from the models' tags before New returns; models that share a
// table (single-table designs) create it once, and must agree on its keys.
//
// Package faults (pkg/dynamormtest/faults) injects throttling, lost
// responses, conflicts, latency and unprocessed batch items into the DB's
// requests; StreamEvent builds the events.DynamoDBEvent a stream handler
// receives.
package dynamormtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// EndpointEnv is the environment variable naming the DynamoDB-compatible
// endpoint New uses, e.g. "http://localhost:8000"; memdb is used when it is
// unset or empty.
const EndpointEnv = "DYNAMORMTEST_ENDPOINT"

// Endpoint returns the endpoint New uses, "" for memdb.
func Endpoint() string { return strings.TrimSpace(os.Getenv(EndpointEnv)) }

// New returns a DB on a fresh memdb server (or on the server at Endpoint),
// with the tables of models created. The server is closed and the tables
// are deleted when t ends. Any problem fails t.
func New(t testing.TB, models ...any) *dynamorm.DB {
	t.Helper()
	return NewWithConfig(t, session.Config{}, models...)
}

// NewWithConfig is New with a session configuration (a Clock, a CursorKey,
// a TableNamePrefix, BatchRetry, MaxAttempts, ClientOptions, ...). Its
// Client and Endpoint are replaced by the backend's; its ClientOptions apply to the
// DB's client (not to the one that deletes the tables at the end). Its
// TableNamePrefix comes after the unique prefix. On an endpoint, Region
// defaults to us-east-1 and Credentials to static test credentials when
// the environment has none.
func NewWithConfig(t testing.TB, cfg session.Config, models ...any) *dynamorm.DB {
	t.Helper()
	raw := backend(t, cfg)
	prefix := UniqueName(t, "dmt") + "_"
	cfg.Client, cfg.Endpoint = raw, ""
	cfg.TableNamePrefix = prefix + cfg.TableNamePrefix
	db, err := dynamorm.New(cfg)
	if err != nil {
		t.Fatalf("dynamormtest: %v", err)
	}
	t.Cleanup(func() { dropTables(t, raw, prefix) })
	createTables(t, db, models)
	return db
}

// createTables creates the tables of models on db: the one place tables are
// made from models.
func createTables(t testing.TB, db *dynamorm.DB, models []any) {
	t.Helper()
	// Registered first: entities sharing a table create it once, with the
	// union of their indexes.
	if err := db.Register(models...); err != nil {
		t.Fatalf("dynamormtest: %v", err)
	}
	for _, m := range models {
		// AutoMigrate, not CreateTable: models sharing a table create it
		// once, each adding its indexes, and must agree on its keys.
		if err := db.AutoMigrateWithOptions(m); err != nil {
			t.Fatalf("dynamormtest: create table for %T%s: %v", m, where(), err)
		}
	}
}

// where names the endpoint in messages, when there is one.
func where() string {
	if ep := Endpoint(); ep != "" {
		return " at " + ep + " (" + EndpointEnv + ")"
	}
	return ""
}

// backend returns the client of the backend: a new memdb server's (closed
// when t ends), or one for Endpoint built from cfg.
func backend(t testing.TB, cfg session.Config) *dynamodb.Client {
	t.Helper()
	ep := Endpoint()
	if ep == "" {
		srv := memdb.New()
		t.Cleanup(srv.Close)
		if cfg.MaxAttempts > 0 { // as a client built for an endpoint honours it
			return srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = cfg.MaxAttempts })
		}
		return srv.Client()
	}
	cfg.Client, cfg.ClientOptions, cfg.Endpoint = nil, nil, ep
	if cfg.Region == "" && cfg.AWSConfig == nil && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Credentials == nil && cfg.AWSConfig == nil && os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		cfg.Credentials = credentials.NewStaticCredentialsProvider("dynamormtest", "dynamormtest", "")
	}
	c, err := cfg.NewClient(context.Background())
	if err != nil {
		t.Fatalf("dynamormtest: client for %s=%s: %v", EndpointEnv, ep, err)
	}
	return c.(*dynamodb.Client) // NewClient builds a *dynamodb.Client when none is injected
}

// dropTables deletes every table whose name starts with prefix.
func dropTables(t testing.TB, c *dynamodb.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in := &dynamodb.ListTablesInput{}
	for {
		out, err := c.ListTables(ctx, in)
		if err != nil {
			t.Errorf("dynamormtest: list tables to delete%s: %v", where(), err)
			return
		}
		for _, name := range out.TableNames {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
				t.Errorf("dynamormtest: delete table %s: %v", name, err)
			}
		}
		if out.LastEvaluatedTableName == nil {
			return
		}
		in.ExclusiveStartTableName = out.LastEvaluatedTableName
	}
}

// TableName returns the name of model's table in db, with the prefix New
// put before it: the name to give raw SDK calls and fault rules. It sends
// nothing. An invalid model fails t.
func TableName(t testing.TB, db core.DB, model any) string {
	t.Helper()
	e, err := db.Model(model).Explain()
	if err != nil {
		t.Fatalf("dynamormtest: table of %T: %v", model, err)
	}
	return e.Table
}
