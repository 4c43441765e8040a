package dynamorm

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// LambdaDB is the DB of an AWS Lambda function: one per process, built once
// from the Lambda environment and shared by every invocation. It embeds *DB,
// so everything a DB does works on it:
//
//	var db *dynamorm.LambdaDB
//
//	func init() {
//		var err error
//		db, err = dynamorm.LambdaInit(&Payment{})
//		if err != nil {
//			panic(err)
//		}
//	}
//
//	func handler(ctx context.Context, e PaymentEvent) error {
//		ctx, cancel := dynamorm.WithLambdaTimeout(ctx)
//		defer cancel()
//		return db.WithContext(ctx).Model(&Payment{ID: e.PaymentID, Amount: e.Amount}).Create()
//	}
//
// It is safe for concurrent use, like DB.
type LambdaDB struct {
	*DB
}

// NewLambdaOptimized returns the process's shared LambdaDB, building it on
// the first call. Later calls, from any goroutine, return the same LambdaDB
// and its one DynamoDB client, so connections are reused across invocations.
// Call it from init() (or a package-level var) rather than from the handler.
//
// The configuration comes from the Lambda environment, as for a zero
// session.Config: AWS_REGION, the credentials chain (the function's role
// credentials are in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN in Lambda), AWS_ENDPOINT_URL_DYNAMODB (or
// AWS_ENDPOINT_URL) and AWS_CA_BUNDLE. The HTTP client is the SDK's
// buildable client tuned for Lambda (see LambdaDialTimeout and
// LambdaMaxIdleConnsPerHost). No network call is made: credentials are
// resolved on the first request.
//
// When building fails (no region, a malformed endpoint URL, ...) the error
// is returned by this and every later call of NewLambdaOptimized and
// LambdaInit in the process. The *LambdaDB returned with an error is never
// nil: every request it makes fails with that error, so a handler that
// ignored the error gets it back instead of a nil-pointer panic.
func NewLambdaOptimized() (*LambdaDB, error) {
	return defaultLambda.get(nil)
}

// LambdaInit is NewLambdaOptimized that also registers models (see
// DB.Register): their metadata and codecs are compiled now, during the
// Lambda init phase, rather than on the first invocation, and an invalid
// model fails here. Models accumulate on the shared LambdaDB across calls,
// for Migrate.
//
// Init failures are sticky: after LambdaInit returns an error (an invalid
// model wraps ErrInvalidModel), every later call of LambdaInit and
// NewLambdaOptimized in the process returns the same error, together with a
// non-nil *LambdaDB whose every request fails with it. A Lambda function
// whose init failed should fail its invocations, not half-work.
func LambdaInit(models ...any) (*LambdaDB, error) {
	return defaultLambda.get(models)
}

// HTTP settings of the LambdaDB client. The SDK's defaults are meant for
// long-running servers; a Lambda function talks to one regional endpoint,
// is billed while it waits, and is frozen between invocations.
const (
	// LambdaDialTimeout bounds connecting to DynamoDB (the SDK default is
	// 30 s, longer than most Lambda timeouts). A failed dial is retried by
	// the SDK's retryer.
	LambdaDialTimeout = 2 * time.Second
	// LambdaTLSHandshakeTimeout bounds the TLS handshake (SDK default 10 s).
	LambdaTLSHandshakeTimeout = 2 * time.Second
	// LambdaKeepAlive is the TCP keep-alive period of connections.
	LambdaKeepAlive = 30 * time.Second
	// LambdaIdleConnTimeout is how long an idle connection is kept for the
	// next invocation. Time while the environment is frozen counts, so a
	// function invoked less often than this reconnects.
	LambdaIdleConnTimeout = 90 * time.Second
	// LambdaMaxIdleConnsPerHost is the number of idle connections kept to
	// the DynamoDB endpoint (SDK default 10), so that parallel batch reads
	// and segment scans reuse connections across invocations.
	LambdaMaxIdleConnsPerHost = 64
)

// LambdaHTTPClient returns the HTTP client a LambdaDB uses: the SDK's
// awshttp.BuildableClient with the Lambda settings above. It is a
// BuildableClient, never a plain *http.Client, so that the SDK can still
// apply AWS_CA_BUNDLE and its defaults mode to it. Pass it to
// config.WithHTTPClient to use the same settings with a session.Config of
// your own.
func LambdaHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) {
			d.Timeout = LambdaDialTimeout
			d.KeepAlive = LambdaKeepAlive
		}).
		WithTransportOptions(func(tr *http.Transport) {
			tr.DisableKeepAlives = false
			tr.TLSHandshakeTimeout = LambdaTLSHandshakeTimeout
			tr.IdleConnTimeout = LambdaIdleConnTimeout
			tr.MaxIdleConnsPerHost = LambdaMaxIdleConnsPerHost
			if tr.MaxIdleConns < LambdaMaxIdleConnsPerHost {
				tr.MaxIdleConns = LambdaMaxIdleConnsPerHost
			}
		})
}

// lambdaConfig is the session.Config of a LambdaDB: the environment, with
// the Lambda HTTP client. It goes in through ConfigOptions (not
// session.Config.HTTPClient) so that LoadDefaultConfig applies
// AWS_CA_BUNDLE to it.
func lambdaConfig() session.Config {
	return session.Config{
		ConfigOptions: []func(*config.LoadOptions) error{config.WithHTTPClient(LambdaHTTPClient())},
	}
}

// defaultLambda is the process's LambdaDB state.
var defaultLambda = &lambdaState{config: lambdaConfig}

// lambdaState builds one LambdaDB and remembers the first init failure.
type lambdaState struct {
	config func() session.Config

	once sync.Once
	db   *LambdaDB // built by once; nil when building failed

	mu     sync.Mutex
	err    error     // the first failure; sticky
	failed *LambdaDB // returned with err
}

func (s *lambdaState) get(models []any) (*LambdaDB, error) {
	s.once.Do(func() {
		db, err := New(s.config())
		if err != nil {
			s.fail(fmt.Errorf("dynamorm: Lambda init: %w", err))
			return
		}
		s.db = &LambdaDB{DB: db}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.failed, s.err
	}
	if err := s.db.Register(models...); err != nil {
		s.failLocked(fmt.Errorf("dynamorm: LambdaInit: %w", err))
		return s.failed, s.err
	}
	return s.db, nil
}

func (s *lambdaState) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLocked(err)
}

func (s *lambdaState) failLocked(err error) {
	if s.err != nil {
		return
	}
	s.err = err
	db, newErr := New(session.Config{Client: failedClient{err}})
	if newErr != nil { // cannot happen: an injected client is used as is
		panic(newErr)
	}
	s.failed = &LambdaDB{DB: db}
}

// LambdaTimeoutBuffer is the most time WithLambdaTimeout keeps in reserve
// before the invocation's deadline.
const LambdaTimeoutBuffer = 500 * time.Millisecond

// WithLambdaTimeout derives a context that ends a safety buffer before
// ctx's deadline, which in a Lambda handler is the invocation's deadline:
// requests (and the SDK's retries and backoff waits) made with it stop in
// time for the handler to log, clean up and return its own error instead of
// being killed by the Lambda timeout.
//
// The buffer is a tenth of the time remaining when WithLambdaTimeout is
// called, at most LambdaTimeoutBuffer (500 ms): with 3 s left the context
// ends 300 ms early, with 15 min left 500 ms early. When ctx has no deadline
// the result is only cancellable. Call cancel when done, as for
// context.WithDeadline.
func WithLambdaTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, lambdaDeadline(deadline, time.Now()))
}

// lambdaDeadline is deadline moved earlier by the safety buffer.
func lambdaDeadline(deadline, now time.Time) time.Time {
	remaining := deadline.Sub(now)
	if remaining <= 0 {
		return deadline
	}
	return deadline.Add(-min(remaining/10, LambdaTimeoutBuffer))
}

// failedClient is the client of the LambdaDB returned with an init error:
// every request fails with that error.
type failedClient struct{ err error }

var _ core.DynamoDBAPI = failedClient{}

func (c failedClient) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return nil, c.err
}

func (c failedClient) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return nil, c.err
}

func (c failedClient) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return nil, c.err
}

func (c failedClient) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return nil, c.err
}

func (c failedClient) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return nil, c.err
}

func (c failedClient) Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	return nil, c.err
}

func (c failedClient) BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return nil, c.err
}

func (c failedClient) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return nil, c.err
}

func (c failedClient) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return nil, c.err
}

func (c failedClient) TransactGetItems(context.Context, *dynamodb.TransactGetItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	return nil, c.err
}

func (c failedClient) CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	return nil, c.err
}

func (c failedClient) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return nil, c.err
}

func (c failedClient) UpdateTable(context.Context, *dynamodb.UpdateTableInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	return nil, c.err
}

func (c failedClient) DeleteTable(context.Context, *dynamodb.DeleteTableInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	return nil, c.err
}

func (c failedClient) UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error) {
	return nil, c.err
}

func (c failedClient) DescribeTimeToLive(context.Context, *dynamodb.DescribeTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error) {
	return nil, c.err
}
