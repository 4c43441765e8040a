// Package faults injects the faults a DynamoDB client meets in production
// into the HTTP transport of a real *dynamodb.Client, so that tests can check
// that what dynamorm reports is what the server stored: server errors and
// connection resets before and after the server applied a request,
// throttling, transaction conflicts, stalls, cancellations while a request
// is in flight, and unprocessed items and keys in batches.
//
// A fault "after" forwards the request to the real server (which applies
// it) and then loses the response, as a 500 or a reset connection would.
// Faults are drawn from a seeded generator, so a run injects the same mix
// each time (the order in which concurrent requests draw is not fixed).
package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	Stall             // the server answers after Config.Stall (or the context's end)
	Cancel            // the caller's context is cancelled before the request is sent
	CancelLost        // the server applied the request; the caller's context is then cancelled
	Unprocessed       // part of a batch comes back unprocessed
	numKinds
)

var kindNames = [numKinds]string{"none", "500", "500-after-commit", "reset", "reset-after-commit", "throttle",
	"transaction-conflict", "stall", "cancel", "cancel-after-commit", "unprocessed"}

func (k Kind) String() string { return kindNames[k] }

// Config says which faults to inject and how often.
type Config struct {
	Seed  uint64        // the generator's seed
	Rate  float64       // the probability that a request gets a fault, 0 to 1
	Kinds []Kind        // the faults drawn from (all when empty)
	Stall time.Duration // how long a Stall lasts (default 50ms)
}

// Injector is an aws.HTTPClient that injects faults into the requests it
// passes on to Next.
type Injector struct {
	next   dynamodb.HTTPClient
	cfg    Config
	mu     sync.Mutex
	rng    *rand.Rand
	counts [numKinds]atomic.Int64
	off    atomic.Bool
	sent   sync.Map // operation -> *atomic.Int64: requests seen
}

// New returns an injector in front of next.
func New(next dynamodb.HTTPClient, cfg Config) *Injector {
	if len(cfg.Kinds) == 0 {
		for k := Error500; k < numKinds; k++ {
			cfg.Kinds = append(cfg.Kinds, k)
		}
	}
	if cfg.Stall == 0 {
		cfg.Stall = 50 * time.Millisecond
	}
	return &Injector{next: next, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
}

// Client returns a copy of base whose requests go through a new injector.
// Its retryer is the SDK's standard one (3 attempts) with short backoffs
// and no retry quota, so that a long run of faults is retried as the first
// one is.
func Client(base *dynamodb.Client, cfg Config) (*dynamodb.Client, *Injector) {
	opts := base.Options()
	in := New(opts.HTTPClient, cfg)
	c := dynamodb.New(opts, func(o *dynamodb.Options) {
		o.HTTPClient = in
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.RateLimiter = ratelimit.None
			so.MaxBackoff = 20 * time.Millisecond
		})
	})
	return c, in
}

// Pause stops injecting (Resume starts again).
func (in *Injector) Pause() { in.off.Store(true) }

// Resume starts injecting again.
func (in *Injector) Resume() { in.off.Store(false) }

// Count returns how many faults of kind k were injected.
func (in *Injector) Count(k Kind) int64 { return in.counts[k].Load() }

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

// itemOps are the operations faults are injected into.
var itemOps = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "GetItem": true,
	"Query": true, "Scan": true, "BatchWriteItem": true, "BatchGetItem": true,
	"TransactWriteItems": true, "TransactGetItems": true}

func applies(k Kind, op string) bool {
	switch k {
	case Conflict:
		return op == "TransactWriteItems" || op == "PutItem" || op == "UpdateItem" || op == "DeleteItem"
	case Unprocessed:
		return op == "BatchWriteItem" || op == "BatchGetItem"
	}
	return true
}

// pick draws the fault of one request of op.
func (in *Injector) pick(op string) Kind {
	if in.off.Load() || !itemOps[op] {
		return None
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.rng.Float64() >= in.cfg.Rate {
		return None
	}
	k := in.cfg.Kinds[in.rng.IntN(len(in.cfg.Kinds))]
	if !applies(k, op) {
		return None
	}
	return k
}

// Do sends req through the fault drawn for it.
func (in *Injector) Do(req *http.Request) (*http.Response, error) {
	op := req.Header.Get("X-Amz-Target")
	op = op[strings.LastIndexByte(op, '.')+1:]
	n, _ := in.sent.LoadOrStore(op, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	k := in.pick(op)
	if k != None {
		in.counts[k].Add(1)
	}
	switch k {
	case Error500:
		return respond(req, http.StatusInternalServerError, errorBody("InternalServerError", "injected: internal server error")), nil
	case Error500Lost:
		if err := in.forward(req); err != nil {
			return nil, err
		}
		return respond(req, http.StatusInternalServerError, errorBody("InternalServerError", "injected: internal server error after commit")), nil
	case Reset:
		return nil, reset()
	case ResetLost:
		if err := in.forward(req); err != nil {
			return nil, err
		}
		return nil, reset()
	case Throttle:
		return respond(req, http.StatusBadRequest, errorBody("ThrottlingException", "injected: rate of requests exceeds the allowed throughput")), nil
	case Conflict:
		return respond(req, http.StatusBadRequest, conflictBody(op, req)), nil
	case Stall:
		t := time.NewTimer(in.cfg.Stall)
		defer t.Stop()
		select {
		case <-t.C:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	case Cancel:
		cancelCaller(req.Context())
		return nil, req.Context().Err()
	case CancelLost:
		if err := in.forward(req); err != nil {
			return nil, err
		}
		cancelCaller(req.Context())
		return nil, req.Context().Err()
	case Unprocessed:
		return in.unprocessed(op, req)
	}
	return in.next.Do(req)
}

// forward sends req to the server and discards the response.
func (in *Injector) forward(req *http.Request) error {
	resp, err := in.next.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func reset() error {
	return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
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

func errorBody(code, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": msg})
	return b
}

// conflictBody is DynamoDB's answer to a write that meets a transaction in
// progress: a cancelled transaction whose first item conflicted, or for a
// single write a TransactionConflictException.
func conflictBody(op string, req *http.Request) []byte {
	if op != "TransactWriteItems" {
		return errorBody("TransactionConflictException", "injected: transaction is ongoing for the item")
	}
	var in struct{ TransactItems []json.RawMessage }
	body, _ := peek(req)
	_ = json.Unmarshal(body, &in)
	reasons := make([]map[string]string, max(len(in.TransactItems), 1))
	codes := make([]string, len(reasons))
	for i := range reasons {
		reasons[i] = map[string]string{"Code": "None"}
		codes[i] = "None"
	}
	reasons[0] = map[string]string{"Code": "TransactionConflict", "Message": "injected: transaction is ongoing for the item"}
	codes[0] = "TransactionConflict"
	b, _ := json.Marshal(map[string]any{
		"__type":              "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"Message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
		"CancellationReasons": reasons,
	})
	return b
}

// peek reads req's body and puts it back.
func peek(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// respond builds a DynamoDB JSON response, with the CRC32 header the SDK checks.
func respond(req *http.Request, status int, body []byte) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}

var _ aws.HTTPClient = (*Injector)(nil)
