package memdb

import (
	"slices"
	"strings"
	"sync"
)

// Locking. Every lock below is taken only after the ones above it, and
// locks of one level in one global order, so no two requests can deadlock:
//
//  1. Server.mu guards the set of tables and their schemas and settings
//     (key schema, index list, stream, TTL, billing). DDL (CreateTable,
//     DeleteTable, UpdateTable, UpdateTimeToLive) and Close hold it for
//     writing, so they never overlap a data request; every data request and
//     TTL sweep holds it for reading from lookup to response, so tables,
//     indexes and streams it found stay as they are while it runs (a table
//     deleted or an index added waits for the requests in flight, and the
//     requests after it see the new schema).
//  2. Server.tokMu: TransactWriteItems with a ClientRequestToken run one at a
//     time under it, so that a retry waits for and replays the first attempt.
//  3. Partition locks (table.parts): each table has partStripes RWMutexes and
//     a partition (a partition-key value) uses the one its key hashes to. A
//     write holds its partition's lock for writing from reading the old item
//     to storing the new one (condition, update and commit are one step); a
//     transaction or batch locks every partition it touches before it reads
//     anything and keeps them until it has committed, so it is atomic and
//     serialisable against single writes and TransactGetItems. Several are
//     always taken in (table name, stripe) order, each once (lockParts).
//     The partition lock also guards the rows of its partitions in the
//     table's store and its shard of the item map (shard i holds the items
//     of stripe i). Readers hold it for reading: GetItem, BatchGetItem and
//     TransactGetItems for their items' partitions (all at once), a Query of
//     the table for its partition, a Scan of the table for each partition in
//     turn (a Scan, like DynamoDB's, sees every item committed or not, never
//     half of one; a transaction's items may be seen on either side). A TTL
//     sweep locks each partition in turn for writing.
//  4. index.mu, one per secondary index: GSI and LSI entries are keyed by the
//     index key, whose partitions are not the table's, so each index's store
//     has its own lock. A write takes it for writing, one index at a time,
//     after storing the table's row and while still holding the partition
//     lock, so an item's index entries change in the same order as the item;
//     a Query or Scan of an index holds it for reading for its whole page.
//  5. store.dir guards a store's partition directory (the map and ordered
//     list of partitions): taken briefly to find, add or drop a partition.
//  6. changeStream.mu guards a stream's records. A change is appended while
//     its partition lock is held, so an item's records are in commit order.
//
// Item rows are immutable (a write stores a new row), so a row a reader got
// is never torn, and responses are encoded after every lock is released.

// partStripes is the number of partition locks of a table.
const partStripes = 1024

// partShard is one partition lock and the items whose partitions hash to it.
type partShard struct {
	mu    sync.RWMutex
	items map[string]*row // by primary key (pkString)
}

// stripe returns the partition lock index of partition-key value hv.
func stripe(hv *value) int {
	h := uint32(2166136261) ^ uint32(hv.t)
	h *= 16777619
	for i := 0; i < len(hv.s); i++ {
		h ^= uint32(hv.s[i])
		h *= 16777619
	}
	return int(h % partStripes)
}

// shard returns the partition lock and item shard of hv's partition.
func (t *table) shard(hv *value) *partShard { return &t.parts[stripe(hv)] }

// partRef names one partition lock: a table's stripe.
type partRef struct {
	t      *table
	stripe int
}

// refOf is the partition lock of hv's partition in t.
func refOf(t *table, hv *value) partRef { return partRef{t, stripe(hv)} }

// lockParts locks each distinct partition lock of refs once, in (table
// name, stripe) order, for writing or for reading, and returns the locks
// taken, for unlockParts.
func lockParts(refs []partRef, write bool) []partRef {
	slices.SortFunc(refs, comparePartRefs)
	uniq := slices.Compact(refs)
	for _, r := range uniq {
		if write {
			r.t.parts[r.stripe].mu.Lock()
		} else {
			r.t.parts[r.stripe].mu.RLock()
		}
	}
	return uniq
}

// unlockParts unlocks what lockParts locked.
func unlockParts(held []partRef, write bool) {
	for _, r := range held {
		if write {
			r.t.parts[r.stripe].mu.Unlock()
		} else {
			r.t.parts[r.stripe].mu.RUnlock()
		}
	}
}

func comparePartRefs(a, b partRef) int {
	if a.t != b.t {
		return strings.Compare(a.t.name, b.t.name)
	}
	return a.stripe - b.stripe
}

// locked runs one data request: under the server's read lock, prepare
// looks its tables up and validates it, naming the partitions it reads or
// writes; run then executes it with those partitions locked (for writing
// when write is set), and every lock is released when it returns.
func locked[P any](s *Server, write bool, prepare func() (P, []partRef, *apiError), run func(P) (any, *apiError)) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, refs, err := prepare()
	if err != nil {
		return nil, err
	}
	defer unlockParts(lockParts(refs, write), write)
	return run(p)
}
