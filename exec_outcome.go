package dynamorm

import (
	"context"
	"errors"

	"net"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// attempts follows the attempts the SDK makes for one call (its own retries
// included), so that the executor can tell a write the server may already
// have applied: an attempt whose response was lost (a server error, a
// reset connection, a timeout) followed by a retry that failed against the
// first attempt's effect.
type attempts struct {
	n    int   // attempts started
	lost bool  // an attempt before the last may have been applied
	last error // the error of the latest attempt
}

// option adds the attempt counter to one call's middleware stack: after the
// SDK's retry middleware, so it runs once per attempt. The SDK's attempts of
// one call are sequential, so no lock is needed.
func (a *attempts) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		m := middleware.FinalizeMiddlewareFunc("dynamorm.Attempts", a.handle)
		if err := s.Finalize.Insert(m, "Retry", middleware.After); err != nil {
			return s.Finalize.Add(m, middleware.Before) // a client without the SDK's retries
		}
		return nil
	})
}

func (a *attempts) handle(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if a.n > 0 && mayHaveApplied(a.last) {
		a.lost = true
	}
	a.n++
	out, md, err := next.HandleFinalize(ctx, in)
	a.last = err
	return out, md, err
}

// uncertain reports whether a call that ended with err may nevertheless
// have been applied: its final error may have, or an earlier attempt's did.
func (a *attempts) uncertain(err error) bool { return a.lost || mayHaveApplied(err) }

// mayHaveApplied reports whether a request that failed with err may have
// been applied by the server. An answer with a 4xx status (a condition
// failed, a throttle, a validation error, ...), a client-fault error of the
// API and a connection that could not be opened say it was not; a 5xx, a
// connection that failed or was reset after it opened, a timeout or a
// cancellation while the request was in flight leave the outcome unknown.
func mayHaveApplied(err error) bool {
	if err == nil {
		return false
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && status.HTTPStatusCode() != 0 {
		code := status.HTTPStatusCode()
		return code < 400 || code >= 500
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorFault() != smithy.FaultClient && !isThrottle(err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false // the request never left
	}
	return true
}
