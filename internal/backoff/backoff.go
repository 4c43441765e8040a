// Package backoff is dynamorm's one backoff: jittered exponential delays
// that honour the context while sleeping.
package backoff

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Delay returns the delay before retry number attempt (0 for the first
// retry) under policy p: InitialDelay * BackoffFactor^attempt, capped at
// MaxDelay, then randomised by +/- Jitter.
func Delay(p *core.RetryPolicy, attempt int) time.Duration {
	if p == nil {
		p = core.DefaultRetryPolicy()
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
func Sleep(ctx context.Context, p *core.RetryPolicy, attempt int) error {
	d := Delay(p, attempt)
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
