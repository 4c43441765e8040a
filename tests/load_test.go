package tests

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// TestLoad128Goroutines runs 128 goroutines on one DB (one query value
// shared by all of them too), each creating, updating, reading, batching,
// transacting and deleting its own items, and checks every item read back.
// Run with -race, it is the data-race check of the executor under load.
func TestLoad128Goroutines(t *testing.T) {
	e := newEnv(t, &faultItem{}, &faultRow{})
	const workers = 128
	rounds := scale(t, 2, 2)
	shared := e.db.Model(&faultRow{}).Where("ID", "=", "shared")
	require.NoError(t, e.db.Model(&faultRow{ID: "shared", Owner: "all"}).Create())
	var ops atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				loadRound(t, e.db, shared, fmt.Sprintf("w%03d-r%d", w, r), &ops)
			}
		}(w)
	}
	wg.Wait()
	assert.Equal(t, 1, e.itemCount(t, "fault_rows"), "every worker's rows deleted, the shared one kept")
	assert.Equal(t, workers*rounds, e.itemCount(t, "fault_items"), "one item per worker and round")
	assert.Positive(t, shared.ConsumedCapacity().ReadUnits)
	t.Logf("%d goroutines, %d operations", workers, ops.Load())
}

// loadRound is one worker's round: 12 operations on its own items, each
// checked.
func loadRound(t *testing.T, db *dynamorm.DB, shared core.Query, id string, ops *atomic.Int64) {
	item := &faultItem{ID: id, Owner: "load"}
	if !assert.NoError(t, db.Model(item).Create()) {
		return
	}
	for u := 1; u <= 3; u++ {
		item.Count = int64(u)
		assert.NoError(t, db.Model(item).Update("Count"))
	}
	rows := []faultRow{{ID: id + "-a"}, {ID: id + "-b"}, {ID: id + "-c"}}
	assert.NoError(t, db.Model(&faultRow{}).BatchCreate(rows))
	var got []faultRow
	assert.NoError(t, db.Model(&faultRow{}).BatchGet([]any{id + "-a", id + "-b", id + "-c"}, &got))
	assert.Len(t, got, 3)
	item.Count = 10
	assert.NoError(t, db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(item).Update("Count"); err != nil {
			return err
		}
		return tx.Model(&faultRow{ID: id + "-d", Owner: id}).Create()
	}))
	var s faultRow
	assert.NoError(t, shared.First(&s))
	var stored faultItem
	assert.NoError(t, db.Model(&faultItem{}).Where("ID", "=", id).ConsistentRead().First(&stored))
	assert.Equal(t, int64(10), stored.Count)
	assert.Equal(t, int64(5), stored.Version)
	assert.Equal(t, item.Version, stored.Version)
	assert.NoError(t, db.Model(&faultRow{}).BatchDelete([]any{id + "-a", id + "-b", id + "-c", id + "-d"}))
	ops.Add(12)
}
