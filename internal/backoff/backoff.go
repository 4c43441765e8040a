// Package backoff is dynamorm's one backoff: jittered exponential delays
// that honour the context while sleeping.
package backoff

import (
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// Policy is a retry policy: at most MaxRetries retries, the first after
// InitialDelay, each later one BackoffFactor times longer up to MaxDelay, all
// randomised by +/- Jitter (a fraction). core.RetryPolicy has the same fields
// and converts to it.
type Policy struct {
	MaxRetries    int
	InitialDelay  time.Duration
	MaxDelay      time.Duration
	BackoffFactor float64
	Jitter        float64
}

// Default is the policy used when none is given.
func Default() *Policy {
	return &Policy{MaxRetries: 8, InitialDelay: 25 * time.Millisecond, MaxDelay: 2 * time.Second, BackoffFactor: 2, Jitter: 0.5}
}

// Delay returns the delay before retry number attempt (0 for the first
// retry) under policy p: InitialDelay * BackoffFactor^attempt, capped at
// MaxDelay, then randomised by +/- Jitter.
func Delay(p *Policy, attempt int) time.Duration {
	if p == nil {
		p = Default()
	}
	factor := p.BackoffFactor
	if factor < 1 {
		factor = 2
	}
	d := float64(p.InitialDelay) * math.Pow(factor, float64(attempt))
	if p.MaxDelay > 0 && d > float64(p.MaxDelay) {
		d = float64(p.MaxDelay)
	}
	if j := p.Jitter; j > 0 {
		if j > 1 {
			j = 1
		}
		d *= 1 - j + 2*j*rand.Float64()
	}
	return time.Duration(d)
}

// Sleep waits for Delay(p, attempt), or until ctx ends, and then returns
// ctx's error.
func Sleep(ctx context.Context, p *Policy, attempt int) error {
	return Wait(ctx, Delay(p, attempt))
}

// Wait waits for d, or until ctx ends, and then returns ctx's error.
func Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
