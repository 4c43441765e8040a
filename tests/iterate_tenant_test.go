package tests

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// itTenantEvent is a tenant-scoped iterable entity: each tenant's items
// are in buckets of their own.
type itTenantEvent struct {
	dynamorm.Entity `dynamorm:"table:tevents,entity:event,tenant,pk:EVENT#{ID},sk:EVENT,iterable"`
	ID              string
	N               int
	Seen            int
}

// TestIterateTenantIsolation: an iteration and a backfill for one tenant
// see exactly that tenant's items, though two tenants store items of the
// same IDs; without a tenant nothing is sent; a checkpoint of one tenant
// does not resume another's.
func TestIterateTenantIsolation(t *testing.T) {
	e := newEnv(t)
	if err := e.db.AutoMigrate(&itTenantEvent{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.db.DeleteTable(&itTenantEvent{}) })
	as := dynamorm.WithTenant(context.Background(), "acme")
	bs := dynamorm.WithTenant(context.Background(), "globex")
	seed := func(ctx context.Context, n int) {
		evs := make([]itTenantEvent, n)
		for i := range evs {
			evs[i] = itTenantEvent{ID: eventID(i), N: i}
		}
		if err := e.db.WithContext(ctx).Model(&itTenantEvent{}).BatchCreate(evs); err != nil {
			t.Fatal(err)
		}
	}
	seed(as, 600)
	seed(bs, 400) // the same IDs as acme's first 400
	iterate := func(ctx context.Context, o dynamorm.IterateOptions) ([]int, *dynamorm.Iterator[itTenantEvent]) {
		it := dynamorm.Iterate[itTenantEvent](e.db.WithContext(ctx).Model(&itTenantEvent{}), o)
		var got []int
		for ev, err := range it.All() {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ev.N)
		}
		return got, it
	}
	got, _ := iterate(as, dynamorm.IterateOptions{BatchSize: 50})
	seenOnce(t, got, 600)
	got, _ = iterate(bs, dynamorm.IterateOptions{BatchSize: 50})
	seenOnce(t, got, 400)

	// Each tenant's buckets are keyed under the tenant's prefix.
	prefix, err := dynamorm.TenantKeyPrefix("acme")
	if err != nil {
		t.Fatal(err)
	}
	item := e.rawItem(t, "tevents", map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: prefix + "EVENT#e00001"}, "sk": &types.AttributeValueMemberS{Value: "EVENT"}})
	if k, ok := item["iter10pk"].(*types.AttributeValueMemberS); !ok || !strings.HasPrefix(k.Value, prefix+"event#") {
		t.Errorf("acme's iteration key %v, want %sevent#<bucket>", item["iter10pk"], prefix)
	}

	// No tenant: refused before any request.
	before := e.count.reads.Load()
	if _, err := dynamorm.Iterate[itTenantEvent](e.db.Model(&itTenantEvent{}), dynamorm.IterateOptions{}).Checkpoint(); !errors.Is(err, core.ErrTenantRequired) {
		t.Errorf("iteration without a tenant: %v, want ErrTenantRequired", err)
	}
	system := dynamorm.AllTenants(context.Background(), "test: iteration has no system scope")
	if _, err := dynamorm.Iterate[itTenantEvent](e.db.WithContext(system).Model(&itTenantEvent{}), dynamorm.IterateOptions{}).Checkpoint(); !errors.Is(err, core.ErrTenantRequired) {
		t.Errorf("iteration in the system scope: %v, want ErrTenantRequired", err)
	}
	if sent := e.count.reads.Load() - before; sent != 0 {
		t.Errorf("refused iterations sent %d reads", sent)
	}

	// A checkpoint is the tenant's.
	first := dynamorm.Iterate[itTenantEvent](e.db.WithContext(as).Model(&itTenantEvent{}), dynamorm.IterateOptions{BatchSize: 10})
	for range first.All() {
		break
	}
	cp, err := first.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dynamorm.Iterate[itTenantEvent](e.db.WithContext(bs).Model(&itTenantEvent{}), dynamorm.IterateOptions{Checkpoint: cp}).Checkpoint(); !errors.Is(err, core.ErrInvalidCursor) {
		t.Errorf("acme's checkpoint resumed for globex: %v, want ErrInvalidCursor", err)
	}

	// A backfill for globex touches globex's items only.
	res, err := dynamorm.RunBackfill(e.db.WithContext(bs).Model(&itTenantEvent{}), dynamorm.Backfill[itTenantEvent]{
		Each: func(ctx context.Context, ev itTenantEvent) error {
			return e.db.WithContext(ctx).Model(&itTenantEvent{ID: ev.ID}).UpdateBuilder().Add("Seen", 1).Execute()
		},
	})
	if err != nil || res.Done != 400 {
		t.Fatalf("globex backfill: %v, done %d", err, res.Done)
	}
	for _, tc := range []struct {
		ctx  context.Context
		n    int
		seen int
	}{{as, 600, 0}, {bs, 400, 1}} {
		for ev, err := range dynamorm.Iterate[itTenantEvent](e.db.WithContext(tc.ctx).Model(&itTenantEvent{}), dynamorm.IterateOptions{}).All() {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Seen != tc.seen {
				t.Fatalf("%s of a tenant with %d items: Seen %d, want %d", ev.ID, tc.n, ev.Seen, tc.seen)
			}
		}
	}
}
