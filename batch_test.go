package dynamorm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

func TestChunk(t *testing.T) {
	s := make([]int, 51)
	got := chunk(s, 25)
	if len(got) != 3 || len(got[0]) != 25 || len(got[2]) != 1 || cap(got[0]) != 25 {
		t.Fatalf("chunk(51, 25) = %d chunks", len(got))
	}
	if len(chunk([]int{}, 25)) != 0 {
		t.Fatal("empty input gives chunks")
	}
}

func TestRetrierCountsStalledRetries(t *testing.T) {
	ctx := context.Background()
	p := &core.RetryPolicy{MaxRetries: 2}
	r := retrier{db: &DB{}, policy: p}
	// The first response never counts; progress resets the count.
	for i, progressed := range []bool{false, false, true, false} {
		if ok, _ := r.wait(ctx, progressed, "test", 1); !ok {
			t.Fatalf("gave up at step %d", i)
		}
	}
	if ok, _ := r.wait(ctx, false, "test", 1); ok {
		t.Fatal("third stalled retry in a row allowed with MaxRetries 2")
	}
	if ok, _ := (&retrier{db: &DB{}, policy: &core.RetryPolicy{}}).wait(ctx, true, "test", 1); ok {
		t.Fatal("MaxRetries 0 retried")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ok, err := (&retrier{db: &DB{}, policy: &core.RetryPolicy{MaxRetries: 3, InitialDelay: time.Hour}}).wait(cctx, false, "test", 1)
	if ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v %v", ok, err)
	}
}

func TestBatchErrorMessageAndUnwrap(t *testing.T) {
	aws := errors.New("ProvisionedThroughputExceeded")
	e := &BatchError{Op: "BatchCreate", Model: "Item", Table: "items", Total: 40, Err: aws}
	for i := 0; i < 12; i++ {
		e.Failures = append(e.Failures, BatchFailure{Kind: "put", Index: i, Key: `Item{id="x"}`, Err: errUnprocessed})
	}
	e.Failures = append(e.Failures, BatchFailure{Kind: "update", Index: 12, Err: core.ErrItemNotFound})
	msg := e.Error()
	for _, want := range []string{"BatchCreate Item (table items)", "13 of 40 items not written", `put 0 Item{id="x"}: still unprocessed`, "and 3 more", "last error: ProvisionedThroughputExceeded"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	var err error = e
	var be *BatchError
	if !errors.As(err, &be) || !errors.Is(err, aws) || !errors.Is(err, core.ErrItemNotFound) {
		t.Error("errors.As/Is do not see through BatchError")
	}
}

func TestMaxItemSizeIsThePlannersLimit(t *testing.T) {
	if MaxItemSize != plan.MaxItemSize {
		t.Fatalf("MaxItemSize %d, the planner checks %d", MaxItemSize, plan.MaxItemSize)
	}
}
