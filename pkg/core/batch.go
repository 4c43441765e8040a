package core

import (
	"time"

	"github.com/dynamorm/dynamorm/internal/backoff"
)

// KeyPair is a primary key given explicitly: the partition key value and,
// for tables with one, the sort key value.
type KeyPair struct {
	PartitionKey any
	SortKey      any
}

// NewKeyPair returns the key with partition key pk and, if given, sort key sk.
func NewKeyPair(pk any, sk ...any) KeyPair {
	k := KeyPair{PartitionKey: pk}
	if len(sk) > 0 {
		k.SortKey = sk[0]
	}
	return k
}

// RetryPolicy controls how unprocessed items of a batch are retried: with
// exponential backoff from InitialDelay, multiplied by BackoffFactor up to
// MaxDelay, each delay randomised by +/- Jitter (a fraction, 0..1).
type RetryPolicy struct {
	MaxRetries    int
	InitialDelay  time.Duration
	MaxDelay      time.Duration
	BackoffFactor float64
	Jitter        float64
}

// DefaultRetryPolicy is used when no policy is given.
func DefaultRetryPolicy() *RetryPolicy {
	return (*RetryPolicy)(backoff.Default())
}

// BatchGetOptions tunes BatchGetWithOptions. Zero values take defaults.
type BatchGetOptions struct {
	ChunkSize        int          // keys per request, at most 100 (default 100)
	Parallel         bool         // run chunks concurrently
	MaxConcurrency   int          // chunks in flight when Parallel (default 4)
	ConsistentRead   bool         // strongly consistent reads
	ProjectionFields []string     // read only these fields (keys are always read)
	RetryPolicy      *RetryPolicy // retries of UnprocessedKeys (default DefaultRetryPolicy)
	// ProgressCallback, if set, is called after each chunk with the number of
	// items retrieved so far and the number of keys requested.
	ProgressCallback func(retrieved, total int)
}

// BatchGetBuilder builds a batch read fluently.
type BatchGetBuilder interface {
	// Keys sets the keys to read (scalars, models or KeyPairs).
	Keys(keys []any) BatchGetBuilder
	// ChunkSize sets the keys per request (at most 100).
	ChunkSize(n int) BatchGetBuilder
	// ConsistentRead asks for strongly consistent reads.
	ConsistentRead() BatchGetBuilder
	// Parallel runs up to maxConcurrency chunks at once.
	Parallel(maxConcurrency int) BatchGetBuilder
	// WithRetry sets the retry policy for unprocessed keys.
	WithRetry(policy *RetryPolicy) BatchGetBuilder
	// Select reads only the named fields (keys are always read).
	Select(fields ...string) BatchGetBuilder
	// OnProgress registers a progress callback.
	OnProgress(fn func(retrieved, total int)) BatchGetBuilder
	// Execute reads the items into dest, a pointer to a slice, in key order.
	Execute(dest any) error
}

// BatchOption tunes batch writes.
type BatchOption func(*BatchOptions)

// BatchOptions are the settings BatchOption functions change.
type BatchOptions struct {
	MaxConcurrency int // requests in flight (default 4)
	// RetryPolicy governs BatchUpdateWithOptions' retries of updates DynamoDB
	// still throttles after the SDK's own attempts (default: the DB's batch
	// policy, session.Config.BatchRetry).
	RetryPolicy *RetryPolicy
	// ProgressCallback, if set, is called after each chunk with the number of
	// items written so far and the number requested.
	ProgressCallback func(done, total int)
}

// WithMaxConcurrency bounds the number of batch requests in flight.
func WithMaxConcurrency(n int) BatchOption { return func(o *BatchOptions) { o.MaxConcurrency = n } }

// WithBatchRetry sets the retry policy for throttled updates (see
// BatchOptions.RetryPolicy).
func WithBatchRetry(p *RetryPolicy) BatchOption { return func(o *BatchOptions) { o.RetryPolicy = p } }

// WithProgress registers a progress callback.
func WithProgress(fn func(done, total int)) BatchOption {
	return func(o *BatchOptions) { o.ProgressCallback = fn }
}
