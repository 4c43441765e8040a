package dynamorm

import (
	"context"
	"time"

	"github.com/dynamorm/dynamorm/internal/backoff"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// capBudget holds a job's consumption to a rate: read and write capacity
// units per second (0: no limit), measured from what DynamoDB reported
// for the job's requests (collected in used).
type capBudget struct {
	read, write float64
	used        *core.CapacityCollector
	start       time.Time
}

func newCapBudget(read, write float64) *capBudget {
	return &capBudget{read: read, write: write, used: &core.CapacityCollector{}, start: time.Now()}
}

// wait waits until the capacity consumed so far is within the budget for
// the time elapsed since the start, or until ctx ends (its error). A
// request is sent once the budget has room, so a run overshoots by at most
// the requests in flight.
func (b *capBudget) wait(ctx context.Context) error {
	if b.read == 0 && b.write == 0 {
		return ctx.Err()
	}
	t := b.used.Total()
	var need float64 // seconds the consumption so far is worth
	if b.read > 0 {
		need = t.ReadUnits / b.read
	}
	if b.write > 0 {
		need = max(need, t.WriteUnits/b.write)
	}
	d := time.Duration(need*float64(time.Second)) - time.Since(b.start)
	if d <= 0 {
		return ctx.Err()
	}
	return backoff.Wait(ctx, d)
}
