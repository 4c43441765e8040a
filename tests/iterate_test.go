package tests

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// TestIterateEveryItemOnce: 10,000 events over 10 buckets, in a table
// that also holds notes, are each yielded exactly once: in one run whose
// pages DynamoDB ends at 1 MB, and in two runs, the second resumed from a
// checkpoint taken mid-way.
func TestIterateEveryItemOnce(t *testing.T) {
	e := itEnv(t)
	const n = 10000
	seedEvents(t, e, n, 1100, 500) // 1,000 items of ~1.1 KB per bucket: more than 1 MB

	t.Run("1MB pages", func(t *testing.T) {
		before := e.count.reads.Load()
		it := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}), dynamorm.IterateOptions{BatchSize: 2000, Concurrency: 10})
		var got []int
		for ev, err := range it.All() {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Pad == "" || ev.ID != eventID(ev.N) {
				t.Fatalf("item %+v not read whole", ev.ID)
			}
			got = append(got, ev.N)
		}
		seenOnce(t, got, n)
		// Each bucket of ~1.1 MB takes two pages under a Limit of 2,000.
		if reads := e.count.reads.Load() - before; reads < 20 {
			t.Errorf("%d requests for 10 buckets of more than 1 MB each; want at least 2 per bucket", reads)
		}
		if !it.Done() {
			t.Error("Done() is false after a complete iteration")
		}
		cp, err := it.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		rest := 0
		for _, err := range dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}), dynamorm.IterateOptions{BatchSize: 2000, Checkpoint: cp}).All() {
			if err != nil {
				t.Fatal(err)
			}
			rest++
		}
		if rest != 0 {
			t.Errorf("the checkpoint of a complete iteration resumed %d items", rest)
		}
	})

	t.Run("resumed mid-way", func(t *testing.T) {
		q := e.db.Model(&itEvent{}).Select("N")
		first := dynamorm.Iterate[itEvent](q, dynamorm.IterateOptions{BatchSize: 150, Concurrency: 3})
		var got []int
		for ev, err := range first.All() {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ev.N)
			if len(got) == 4321 {
				break
			}
		}
		cp, err := first.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if first.Done() {
			t.Fatal("Done() after a break")
		}
		second := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}).Select("N"), dynamorm.IterateOptions{BatchSize: 150, Concurrency: 5, Checkpoint: cp})
		for batch, err := range second.Batches() {
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 || len(batch) > 150 {
				t.Fatalf("a batch of %d items; BatchSize is 150", len(batch))
			}
			for _, ev := range batch {
				got = append(got, ev.N)
			}
		}
		seenOnce(t, got, n)
	})

	t.Run("filter", func(t *testing.T) {
		var got []int
		for ev, err := range dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}).Filter("Kind", "=", "view"), dynamorm.IterateOptions{BatchSize: 500}).All() {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != "view" {
				t.Fatalf("filter let %s (%s) through", ev.ID, ev.Kind)
			}
			got = append(got, ev.N/2)
		}
		seenOnce(t, got, n/2)
	})
}

// TestIterateRefusals: what iteration cannot honour is an error before any
// request, and a checkpoint of another query is refused.
func TestIterateRefusals(t *testing.T) {
	e := itEnv(t)
	seedEvents(t, e, 30, 0, 0)
	before := e.count.reads.Load()
	for name, q := range map[string]core.Query{
		"not iterable": e.db.Model(&itNote{}),
		"limit":        e.db.Model(&itEvent{}).Limit(5),
		"order":        e.db.Model(&itEvent{}).OrderBy("N", "ASC"),
		"consistent":   e.db.Model(&itEvent{}).ConsistentRead(),
	} {
		_, err := dynamorm.Iterate[itEvent](q, dynamorm.IterateOptions{}).Checkpoint()
		if !errors.Is(err, core.ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", name, err)
		}
	}
	if sent := e.count.reads.Load() - before; sent != 0 {
		t.Errorf("refused iterations sent %d reads", sent)
	}
	it := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}), dynamorm.IterateOptions{BatchSize: 7})
	for range it.All() {
		break
	}
	cp, err := it.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	other := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}).Filter("Kind", "=", "view"), dynamorm.IterateOptions{Checkpoint: cp})
	if _, err := other.Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("a checkpoint of another query: %v, want ErrInvalidCursor", err)
	}
	if _, err := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}), dynamorm.IterateOptions{Checkpoint: cp + "x"}).Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("an altered checkpoint: %v, want ErrInvalidCursor", err)
	}
	// The stored items carry their bucket's key, <entity>#<bucket>.
	item := e.rawItem(t, "events", map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "EVENT#e00001"}, "sk": &types.AttributeValueMemberS{Value: "EVENT"}})
	k, ok := item["iter10pk"].(*types.AttributeValueMemberS)
	if !ok || len(k.Value) < len("event#0") || k.Value[:6] != "event#" {
		t.Errorf("iter10pk of a stored event = %v", item["iter10pk"])
	}
}

// TestIterateCheckpointEncrypted: with a CursorKey, checkpoints are
// encrypted (the table name is not readable in them) and resume; a plain
// checkpoint, or one sealed under another key, is refused.
func TestIterateCheckpointEncrypted(t *testing.T) {
	e := itEnv(t)
	const n = 300
	seedEvents(t, e, n, 0, 0)
	open := func(key string) *dynamorm.DB {
		db, err := dynamorm.New(session.Config{Client: e.raw, TableNamePrefix: e.prefix, CursorKey: []byte(key)})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open("0123456789abcdef0123456789abcdef")
	first := dynamorm.Iterate[itEvent](db.Model(&itEvent{}), dynamorm.IterateOptions{BatchSize: 20})
	var got []int
	for ev, err := range first.All() {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, ev.N); len(got) == 111 {
			break
		}
	}
	cp, err := first.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cp, "v2.") {
		t.Fatalf("checkpoint %q is not encrypted", cp)
	}
	for ev, err := range dynamorm.Iterate[itEvent](db.Model(&itEvent{}), dynamorm.IterateOptions{Checkpoint: cp}).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.N)
	}
	seenOnce(t, got, n)
	other := open("another key, also 32 bytes long!")
	if _, err := dynamorm.Iterate[itEvent](other.Model(&itEvent{}), dynamorm.IterateOptions{Checkpoint: cp}).Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("a checkpoint under another key: %v, want ErrInvalidCursor", err)
	}
	plain := dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}), dynamorm.IterateOptions{})
	pcp, _ := plain.Checkpoint()
	if _, err := dynamorm.Iterate[itEvent](db.Model(&itEvent{}), dynamorm.IterateOptions{Checkpoint: pcp}).Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("a plain checkpoint on a DB with a CursorKey: %v, want ErrInvalidCursor", err)
	}
}
