package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayGrowsAndIsCapped(t *testing.T) {
	p := &Policy{InitialDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond, BackoffFactor: 2}
	want := []time.Duration{10, 20, 40, 50, 50}
	for i, w := range want {
		if got := Delay(p, i); got != w*time.Millisecond {
			t.Errorf("Delay(attempt %d) = %v, want %v", i, got, w*time.Millisecond)
		}
	}
}

func TestDelayJitterStaysInBounds(t *testing.T) {
	p := &Policy{InitialDelay: 100 * time.Millisecond, BackoffFactor: 2, Jitter: 0.5}
	seen := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		d := Delay(p, 1) // 200ms +/- 50%
		if d < 100*time.Millisecond || d > 300*time.Millisecond {
			t.Fatalf("jittered delay %v outside [100ms, 300ms]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("jitter produced only %d distinct delays", len(seen))
	}
}

func TestSleepHonoursContext(t *testing.T) {
	p := &Policy{InitialDelay: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Sleep(ctx, p, 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sleep error = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("Sleep did not stop with its context")
	}
	if err := Sleep(context.Background(), &Policy{InitialDelay: time.Millisecond}, 0); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
}
