package tests

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// iteratedIDs is the sorted IDs of every event an iteration yields.
func iteratedIDs(t *testing.T, e *env) []string {
	t.Helper()
	var ids []string
	for ev, err := range dynamorm.Iterate[itEvent](e.db.Model(&itEvent{}).Select("ID"), dynamorm.IterateOptions{}).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	return ids
}

func eventKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "EVENT#" + id}, "sk": &types.AttributeValueMemberS{Value: "EVENT"}}
}

// TestIterationKeyOnEveryWritePath: the iteration key is written by every
// write that may create an item (Create, CreateOrUpdate, an upserting
// UpdateBuilder, BatchCreate, BatchWrite, a transaction, MoveItem) and
// kept by those that change one (Update, UpdateBuilder, Save), so the
// iteration sees exactly the items stored; a deleted or moved item leaves
// it.
func TestIterationKeyOnEveryWritePath(t *testing.T) {
	e := itEnv(t)
	db := e.db
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("Create", db.Model(&itEvent{ID: "create"}).Create())
	must("CreateOrUpdate", db.Model(&itEvent{ID: "upsert"}).CreateOrUpdate())
	must("UpdateBuilder upsert", db.Model(&itEvent{ID: "builder"}).UpdateBuilder().Set("Kind", "b").Upsert().Execute())
	must("BatchCreate", db.Model(&itEvent{}).BatchCreate([]itEvent{{ID: "batch1"}, {ID: "batch2"}}))
	must("BatchWrite", db.Model(&itEvent{}).BatchWrite([]any{&itEvent{ID: "bw"}}, []any{&itEvent{ID: "batch2"}}))
	must("Transaction", db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Create(&itEvent{ID: "tx1"}); err != nil {
			return err
		}
		return tx.CreateOrUpdate(&itEvent{ID: "tx2"})
	}))
	must("MoveItem", db.MoveItem(&itEvent{ID: "tx2"}, &itEvent{ID: "moved"}))
	must("Create note", db.Model(&itNote{ID: "n1"}).Create())

	keyOf := func(id string) string {
		k, _ := e.rawItem(t, "events", eventKey(id))["iter10pk"].(*types.AttributeValueMemberS)
		if k == nil {
			t.Fatalf("event %s has no iteration key", id)
		}
		return k.Value
	}
	before := keyOf("create")
	must("Update", db.Model(&itEvent{ID: "create", Kind: "k"}).Update("Kind"))
	must("UpdateBuilder", db.Model(&itEvent{ID: "create"}).UpdateBuilder().Add("Seen", 2).Execute())
	var ev itEvent
	must("read", db.Model(&itEvent{ID: "create"}).First(&ev))
	ev.Kind = "saved"
	must("Save", db.Model(&ev).Save())
	if after := keyOf("create"); after != before {
		t.Errorf("updates changed the iteration key %q to %q", before, after)
	}
	must("Delete", db.Model(&itEvent{ID: "batch1"}).Delete())

	want := []string{"builder", "bw", "create", "moved", "tx1", "upsert"}
	if got := iteratedIDs(t, e); !slices.Equal(got, want) {
		t.Errorf("iteration yields %v, want %v", got, want)
	}
	// The same key gives the same bucket, whichever path wrote it.
	must("recreate", db.Model(&itEvent{ID: "create"}).Delete())
	must("recreate", db.Transaction(func(tx *dynamorm.Tx) error { return tx.Create(&itEvent{ID: "create"}) }))
	if again := keyOf("create"); again != before {
		t.Errorf("a transaction wrote bucket key %q, Create wrote %q", again, before)
	}
}

// itEvent16 is itEvent declared with another bucket count.
type itEvent16 struct {
	dynamorm.Entity `dynamorm:"table:events,entity:event,pk:EVENT#{ID},sk:EVENT,iterable:16"`
	ID              string
	N               int
}

// TestIterateBucketCountChanged: after a change of the bucket count, the
// model names an index the table does not have, and iteration says so
// instead of reading the buckets of the new count and missing the items
// stored under the old.
func TestIterateBucketCountChanged(t *testing.T) {
	e := itEnv(t)
	seedEvents(t, e, 20, 0, 0)
	_, err := dynamorm.Iterate[itEvent16](e.db.Model(&itEvent16{}), dynamorm.IterateOptions{}).Checkpoint()
	if !errors.Is(err, core.ErrIndexNotFound) || !containsAll(err.Error(), "iter16", "iter10", "bucket count changed") {
		t.Fatalf("iterating with 16 buckets a table of 10: %v", err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// itLog is a model that owns its table: iteration is a parallel Scan.
type itLog struct {
	ID   string `dynamorm:"pk"`
	N    int
	Kind string
}

// TestIterateOwnTable: a model that owns its table is iterated by a
// parallel Scan of Segments segments, every item once, also resumed.
func TestIterateOwnTable(t *testing.T) {
	e := newEnv(t, &itLog{})
	const n = 2000
	logs := make([]itLog, n)
	for i := range logs {
		logs[i] = itLog{ID: eventID(i), N: i, Kind: []string{"a", "b"}[i%2]}
	}
	if err := e.db.Model(&itLog{}).BatchCreate(logs); err != nil {
		t.Fatal(err)
	}
	o := dynamorm.IterateOptions{Segments: 4, BatchSize: 100, Concurrency: 2}
	first := dynamorm.Iterate[itLog](e.db.Model(&itLog{}), o)
	var got []int
	for l, err := range first.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l.N)
		if len(got) == 777 {
			break
		}
	}
	cp, err := first.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	o.Checkpoint = cp
	for l, err := range dynamorm.Iterate[itLog](e.db.Model(&itLog{}), o).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l.N)
	}
	seenOnce(t, got, n)
	o.Segments = 5
	if _, err := dynamorm.Iterate[itLog](e.db.Model(&itLog{}), o).Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("a checkpoint of 4 segments resumed with 5: %v, want ErrInvalidCursor", err)
	}
}
