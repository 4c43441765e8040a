package dynamorm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// setup checks the options and the query, plans the read of every bucket
// or segment and restores the checkpoint.
func (it *Iterator[T]) setup() error {
	q := it.q
	if q.err != nil {
		return q.err
	}
	if err := q.db.checkOpen(); err != nil {
		return err
	}
	m := q.model
	if err := it.checkQuery(); err != nil {
		return err
	}
	if it.o.BatchSize == 0 {
		it.o.BatchSize = DefaultIterateBatch
	}
	if it.o.Concurrency == 0 {
		it.o.Concurrency = DefaultIterateConcurrency
	}
	if it.o.Segments == 0 {
		it.o.Segments = DefaultIterateSegments
	}
	if it.o.BatchSize < 0 || it.o.Concurrency < 0 || it.o.Segments < 0 || it.o.Segments > 1000000 {
		return fmt.Errorf("%w: Iterate %s: BatchSize, Concurrency and Segments must be positive (Segments at most 1000000), got %d, %d, %d", core.ErrValidation, m.Name(), it.o.BatchSize, it.o.Concurrency, it.o.Segments)
	}
	// Each part is planned as the query's own read (the one read planner,
	// and what the query path enforces), of one bucket or segment.
	n, kind := it.o.Segments, readScan
	var iteration *model.Iteration
	if m.Entity != nil {
		iteration = m.Entity.Iteration
	}
	switch {
	case m.Entity == nil:
	case iteration == nil:
		return fmt.Errorf("%w: Iterate %s: the entity is not iterable, and iterating it would scan the whole shared table; add iterable (or iterable:BUCKETS) to its Entity tag, or read it with Scan", core.ErrValidation, m.Name())
	case q.consistent:
		return fmt.Errorf("%w: Iterate %s: the iteration index is a global index, which does not support consistent reads; drop ConsistentRead", core.ErrValidation, m.Name())
	default:
		n, kind = iteration.Buckets, readMatches
	}
	it.reads = make([]*plan.Read, n)
	for i := range n {
		part := q.snapshot()
		if iteration != nil {
			o := part.set()
			o.index, o.bucket = iteration.Index, &i
		} else {
			seg, total := int32(i), int32(n)
			o := part.set()
			o.segment, o.total = &seg, &total
		}
		r, err := part.planRead(kind)
		if err != nil {
			return err
		}
		it.reads[i] = r
	}
	if iteration != nil {
		if err := it.checkIndex(iteration); err != nil {
			return err
		}
	}
	it.parts = make([]iterPart, n)
	if it.o.Checkpoint != "" {
		return it.restore(it.o.Checkpoint)
	}
	return nil
}

// checkQuery refuses what a query may hold that iteration cannot honour
// (planRead refuses what no read can).
func (it *Iterator[T]) checkQuery() error {
	q := it.q
	var bad []string
	for _, c := range []struct {
		on   bool
		name string
	}{
		{q.index != "", "Index"}, {q.orderBy != nil, "OrderBy"}, {q.limit > 0, "Limit (use BatchSize, and break out of the loop)"},
		{q.offset > 0, "Offset"}, {q.cursor != "", "Cursor (use IterateOptions.Checkpoint)"}, {q.segment != nil, "ParallelScan (use IterateOptions.Segments)"},
		{q.anyEntity, "a collection"}, {q.retries > 0, "WithRetry"},
	} {
		if c.on {
			bad = append(bad, c.name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: Iterate %s: the query has %s, which iteration does not apply; drop it", core.ErrValidation, q.model.Name(), strings.Join(bad, ", "))
	}
	return nil
}

// checkIndex refuses a table without the iteration index of the model's
// bucket count (the count changed, or the table predates iterable), or
// whose index does not project what the query reads.
func (it *Iterator[T]) checkIndex(iteration *model.Iteration) error {
	q := it.q
	table := q.table()
	out, err := q.db.api("", 1).DescribeTable(q.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		return wrapAWS("DescribeTable", q.model.Name(), table, err)
	}
	var others []string
	for _, g := range out.Table.GlobalSecondaryIndexes {
		name := aws.ToString(g.IndexName)
		if name != iteration.Index {
			if strings.HasPrefix(name, "iter") {
				others = append(others, name)
			}
			continue
		}
		if p := g.Projection; p != nil && p.ProjectionType != types.ProjectionTypeAll && !projects(p, q.fields) {
			return fmt.Errorf("%w: Iterate %s: index %q of table %s projects %s; iteration reads items from it, so create it with ALL (the default) or Select only projected attributes", core.ErrValidation, q.model.Name(), name, table, p.ProjectionType)
		}
		return nil
	}
	why := "the table predates iterable, or the bucket count changed"
	if len(others) > 0 {
		why = fmt.Sprintf("the table has %s: the bucket count changed, and the items stored are in the other index", strings.Join(others, ", "))
	}
	return fmt.Errorf("%w: Iterate %s: table %s has no index %q, the iteration index of %d buckets (%s); keep the count the items were written with, or create the index and rewrite every item (see the README, Iteration)",
		core.ErrIndexNotFound, q.model.Name(), table, iteration.Index, iteration.Buckets, why)
}

// projects reports whether an INCLUDE projection holds every top-level
// attribute of paths (none: the whole item, which it does not).
func projects(p *types.Projection, paths [][]string) bool {
	if len(paths) == 0 || p.ProjectionType != types.ProjectionTypeInclude {
		return false
	}
	for _, path := range paths {
		if !slices.Contains(p.NonKeyAttributes, path[0]) {
			return false
		}
	}
	return true
}

// checkpointPayload is a checkpoint: the query it belongs to and the
// progress of each of its buckets or segments.
type checkpointPayload struct {
	Table string           `json:"t"`
	Index string           `json:"i,omitempty"`
	Query string           `json:"q"`
	Parts []checkpointPart `json:"p"`
}

type checkpointPart struct {
	Done bool                         `json:"d,omitempty"`
	Key  map[string]map[string]string `json:"k,omitempty"`
}

// Checkpoint is an opaque string from which Iterate (IterateOptions.
// Checkpoint) resumes this iteration: the items yielded so far are not
// yielded again, every other item is. It covers every bucket (or segment)
// and has the form of a cursor: bound to the table, the index and the
// query's conditions, and encrypted and authenticated with the DB's
// CursorKey. After a complete iteration it resumes to nothing.
func (it *Iterator[T]) Checkpoint() (string, error) {
	if it.err != nil {
		return "", it.err
	}
	r := it.reads[0]
	p := checkpointPayload{Table: r.Table, Index: r.Index, Query: fingerprint(r), Parts: make([]checkpointPart, len(it.parts))}
	it.mu.Lock()
	defer it.mu.Unlock()
	for i, part := range it.parts {
		p.Parts[i].Done = part.done
		if part.key != nil {
			k, err := keyJSON(part.key)
			if err != nil {
				return "", err
			}
			p.Parts[i].Key = k
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return sealCursor(raw, it.q.db.shared.cursorKey)
}

// restore sets the progress of each part from checkpoint s, refusing one
// of another query, table, index or bucket count, and keys that cannot
// resume their part.
func (it *Iterator[T]) restore(s string) error {
	raw, err := openCursor(s, it.q.db.shared.cursorKey)
	if err != nil {
		return err
	}
	var p checkpointPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%w: malformed checkpoint", core.ErrInvalidCursor)
	}
	r := it.reads[0]
	switch {
	case p.Table != r.Table || p.Index != r.Index:
		return fmt.Errorf("%w: the checkpoint belongs to table %q index %q, not table %q index %q", core.ErrInvalidCursor, p.Table, p.Index, r.Table, r.Index)
	case p.Query != fingerprint(r):
		return fmt.Errorf("%w: the checkpoint belongs to another iteration of table %q (different conditions, filters or projection)", core.ErrInvalidCursor, r.Table)
	case len(p.Parts) != len(it.parts):
		return fmt.Errorf("%w: the checkpoint covers %d buckets or segments, this iteration has %d", core.ErrInvalidCursor, len(p.Parts), len(it.parts))
	}
	for i, part := range p.Parts {
		it.parts[i].done = part.Done
		if part.Key == nil {
			continue
		}
		if part.Done {
			return fmt.Errorf("%w: malformed checkpoint (part %d is done and has a key)", core.ErrInvalidCursor, i)
		}
		if it.parts[i].key, err = checkedKey(part.Key, it.reads[i], it.q.model); err != nil {
			return err
		}
	}
	return nil
}
