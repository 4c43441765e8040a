// Package faults injects the faults a DynamoDB client meets in production
// into the HTTP transport of a real *dynamodb.Client, so that tests can check
// how code handles them: server errors and connection resets before and
// after the server applied a request, throttling, transaction conflicts,
// latency, cancellations while a request is in flight, and unprocessed items
// and keys in batches. It works with any server the client reaches: memdb
// (dynamormtest's default), DynamoDB Local or DynamoDB.
//
// Faults come from rules (a kind of fault on a chosen operation, table and
// Nth matching request) or are drawn at random from a seeded generator:
//
//	inj := faults.New(faults.Config{})
//	db := dynamormtest.NewWithConfig(t, session.Config{
//		ClientOptions: []func(*dynamodb.Options){inj.ClientOption},
//	}, &Order{})
//	// The 2nd PutItem on the orders table is throttled.
//	err := inj.Add(faults.Rule{Kind: faults.Throttle, Op: "PutItem",
//		Table: dynamormtest.TableName(t, db, &Order{}), Nth: 2})
//
// A fault "after commit" forwards the request to the real server (which
// applies it) and then loses the response, as a 500 or a reset connection
// would. The SDK retries what it considers retryable (throttling, 5xx,
// resets) up to its MaxAttempts; set session.Config.MaxAttempts to 1, or
// give a rule Times, to let the fault reach the code under test.
package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Kind is one kind of fault.
type Kind int

// The faults. Each applies to the operations that can meet it: Conflict to
// writes, Unprocessed to BatchWriteItem and BatchGetItem, the others to
// every item operation.
const (
	None         Kind = iota
	Error500          // a 500 before the server saw the request
	Error500Lost      // the server applied the request; the response is a 500
	Reset             // the connection resets before the request reaches the server
	ResetLost         // the server applied the request; the connection resets before the response
	Throttle          // a 400 ThrottlingException
	Conflict          // TransactionCanceledException (TransactionConflict) or TransactionConflictException
	Stall             // latency: the server answers after a delay (or the context's end)
	Cancel            // the caller's context is cancelled before the request is sent (see WithCancel)
	CancelLost        // the server applied the request; the caller's context is then cancelled (see WithCancel)
	Unprocessed       // part of a batch comes back unprocessed
	numKinds
)

var kindNames = [numKinds]string{"none", "500", "500-after-commit", "reset", "reset-after-commit", "throttle",
	"transaction-conflict", "stall", "cancel", "cancel-after-commit", "unprocessed"}

// String names the kind: "throttle", "500-after-commit", ...
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Config says which faults to draw at random and how often. The zero
// Config draws none: faults then come only from rules (see Injector.Add).
type Config struct {
	Seed  uint64        // the generator's seed
	Rate  float64       // the probability that a request gets a random fault, 0 to 1
	Kinds []Kind        // the faults drawn from (all when empty)
	Stall time.Duration // how long a Stall lasts when its rule gives no Delay (default 50ms)
}

// Injector injects faults into the requests of the clients it is attached
// to (see ClientOption and Client). It is safe for concurrent use.
type Injector struct {
	cfg    Config
	mu     sync.Mutex
	rng    *rand.Rand
	rules  []*rule
	counts [numKinds]atomic.Int64
	off    atomic.Bool
	sent   sync.Map // operation -> *atomic.Int64: requests seen
}

// New returns an injector drawing random faults as cfg says.
func New(cfg Config) *Injector {
	if len(cfg.Kinds) == 0 {
		for k := Error500; k < numKinds; k++ {
			cfg.Kinds = append(cfg.Kinds, k)
		}
	}
	if cfg.Stall == 0 {
		cfg.Stall = 50 * time.Millisecond
	}
	return &Injector{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
}

// ClientOption attaches in to a DynamoDB client: the client's requests go
// through in before they reach its HTTP client. Use it in
// session.Config.ClientOptions or with dynamodb.New.
func (in *Injector) ClientOption(o *dynamodb.Options) {
	o.HTTPClient = &transport{in: in, next: o.HTTPClient}
}

// FastRetries is a client option giving the client the SDK's standard
// retryer (3 attempts, or the client's RetryMaxAttempts when set, as
// session.Config.MaxAttempts sets it) with short backoffs and no retry
// quota, so that a long run of faults is retried as the first one is.
func FastRetries(o *dynamodb.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.RateLimiter = ratelimit.None
		so.MaxBackoff = 20 * time.Millisecond
	})
}

// Client returns a copy of base whose requests go through a new injector
// drawing faults as cfg says, with FastRetries.
func Client(base *dynamodb.Client, cfg Config) (*dynamodb.Client, *Injector) {
	in := New(cfg)
	return dynamodb.New(base.Options(), in.ClientOption, FastRetries), in
}

// Pause stops injecting (Resume starts again). Requests made while paused
// do not count towards a rule's Nth.
func (in *Injector) Pause() { in.off.Store(true) }

// Resume starts injecting again.
func (in *Injector) Resume() { in.off.Store(false) }

// Count returns how many faults of kind k were injected.
func (in *Injector) Count(k Kind) int64 {
	if k < 0 || k >= numKinds {
		return 0
	}
	return in.counts[k].Load()
}

// Requests returns how many requests of op (PutItem, BatchWriteItem, ...)
// reached the injector, the SDK's retries included.
func (in *Injector) Requests(op string) int64 {
	if n, ok := in.sent.Load(op); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// Injected returns how many faults were injected in all.
func (in *Injector) Injected() int64 {
	var n int64
	for k := Error500; k < numKinds; k++ {
		n += in.counts[k].Load()
	}
	return n
}

// Summary lists the faults injected, by kind.
func (in *Injector) Summary() string {
	var parts []string
	for k := Error500; k < numKinds; k++ {
		if n := in.counts[k].Load(); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	return fmt.Sprintf("%d faults (%s)", in.Injected(), strings.Join(parts, ", "))
}

type cancelKey struct{}

// WithCancel returns a context that the Cancel and CancelLost faults can
// cancel, as a caller giving up on a request in flight would. Requests made
// with another context are not cancelled by those faults (they fail as if
// the connection broke).
func WithCancel(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	return context.WithValue(ctx, cancelKey{}, cancel), cancel
}

func cancelCaller(ctx context.Context) {
	if cancel, ok := ctx.Value(cancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}
