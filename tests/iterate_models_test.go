package tests

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dynamorm/dynamorm"
)

// Iteration: events are iterable (10 buckets) in a table they share with
// notes, which are not.
type itEvent struct {
	dynamorm.Entity `dynamorm:"table:events,entity:event,pk:EVENT#{ID},sk:EVENT,iterable"`
	ID              string
	N               int
	Kind            string
	Pad             string `dynamorm:"omitempty"`
	Seen            int
}

type itNote struct {
	dynamorm.Entity `dynamorm:"table:events,entity:note,pk:NOTE#{ID},sk:NOTE"`
	ID              string
	Text            string
}

// itEvents is a database with the events table, cleaned up after the test.
func itEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if err := e.db.AutoMigrate(&itEvent{}, &itNote{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&itEvent{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	return e
}

// seedEvents batch-writes n events (ID e00000...) with pad bytes of
// padding each, and m notes, in parallel chunks.
func seedEvents(t *testing.T, e *env, n, pad, notes int) {
	t.Helper()
	const chunk = 500
	var wg sync.WaitGroup
	errs := make(chan error, n/chunk+notes/chunk+2)
	padding := strings.Repeat("x", pad)
	for from := 0; from < n; from += chunk {
		wg.Add(1)
		go func(from int) {
			defer wg.Done()
			var evs []itEvent
			for i := from; i < min(from+chunk, n); i++ {
				evs = append(evs, itEvent{ID: eventID(i), N: i, Kind: []string{"click", "view"}[i%2], Pad: padding})
			}
			errs <- e.db.WithContext(context.Background()).Model(&itEvent{}).BatchCreate(evs)
		}(from)
	}
	for from := 0; from < notes; from += chunk {
		wg.Add(1)
		go func(from int) {
			defer wg.Done()
			var ns []itNote
			for i := from; i < min(from+chunk, notes); i++ {
				ns = append(ns, itNote{ID: fmt.Sprintf("n%06d", i), Text: "note"})
			}
			errs <- e.db.Model(&itNote{}).BatchCreate(ns)
		}(from)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
}

func eventID(i int) string { return fmt.Sprintf("e%05d", i) }

// seenOnce checks that got holds every N of 0..n-1 exactly once.
func seenOnce(t *testing.T, got []int, n int) {
	t.Helper()
	count := make([]int, n)
	for _, g := range got {
		if g < 0 || g >= n {
			t.Fatalf("item %d is not one of the %d seeded", g, n)
		}
		count[g]++
	}
	missing, twice := 0, 0
	for i, c := range count {
		switch {
		case c == 0:
			missing++
			if missing < 5 {
				t.Errorf("item %d never yielded", i)
			}
		case c > 1:
			twice++
			if twice < 5 {
				t.Errorf("item %d yielded %d times", i, c)
			}
		}
	}
	if missing > 0 || twice > 0 {
		t.Fatalf("%d of %d items missing, %d yielded more than once", missing, n, twice)
	}
}
