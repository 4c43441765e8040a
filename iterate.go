package dynamorm

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Defaults of IterateOptions.
const (
	DefaultIterateBatch       = 100 // items per request and per batch
	DefaultIterateConcurrency = 4   // buckets or segments read at once
	DefaultIterateSegments    = 10  // scan segments of a model that owns its table
)

// IterateOptions configure Iterate.
type IterateOptions struct {
	// BatchSize is the Limit of each request, so the most items a batch
	// holds (DynamoDB also ends a page at 1 MB). Default 100.
	BatchSize int
	// Concurrency is how many buckets (or scan segments) are read at once.
	// Default 4.
	Concurrency int
	// Segments is the number of parallel Scan segments of a model that
	// owns its table (an iterable entity has its buckets). Default 10.
	Segments int
	// Checkpoint resumes an earlier iteration of the same query: every
	// item it had yielded is skipped, every other item is yielded.
	Checkpoint string

	// before, when set, runs before each request (the backfill's budget).
	before func(context.Context) error
}

// Iterator reads every item of a model: for an entity tagged iterable, a
// Query of each bucket of its iteration index; for a model that owns its
// table, a parallel Scan. Buckets (segments) are read in parallel, at most
// Concurrency at once; items of one bucket come in that bucket's order,
// batches of different buckets interleave. The query's Filter, Where
// conditions and Select apply. Checkpoint tells where to resume. Ranging
// again over All or Batches continues where the last range stopped; range
// over one Iterator from one goroutine at a time.
type Iterator[T any] struct {
	q     *query
	o     IterateOptions
	reads []*plan.Read // one per bucket or segment
	err   error        // the setup's error, yielded by the sequences

	mu    sync.Mutex
	parts []iterPart // what has been yielded, per bucket or segment
}

// iterPart is the progress of one bucket or segment: done, or the key to
// resume after (nil: from its start).
type iterPart struct {
	done bool
	key  map[string]types.AttributeValue
}

// Iterate returns an iterator over every item of q's model, decoded into
// T. An entity that is not tagged iterable is refused (it would scan the
// whole shared table); so is a table without the entity's iteration
// index, which happens when the bucket count changed (see the README).
func Iterate[T any](q core.Query, o IterateOptions) *Iterator[T] {
	it := &Iterator[T]{o: o}
	dq, ok := q.(*query)
	if !ok {
		it.err = fmt.Errorf("%w: Iterate needs a query of dynamorm's DB, got %T", core.ErrValidation, q)
		return it
	}
	it.q = dq
	it.err = it.setup()
	return it
}

// All yields every item not yet yielded, one at a time. An error is
// yielded once, with the zero T, and ends the sequence. Breaking out of
// the loop stops every read; Checkpoint then resumes after the last item
// yielded (the one the loop broke on counts as yielded).
func (it *Iterator[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		err := it.run("Iterate", func(p iterPage, items []T) bool {
			if len(items) == 0 {
				it.advance(p, -1) // a page the filter emptied
			}
			for i := range items {
				more := yield(items[i], nil)
				it.advance(p, i)
				if !more {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(zero, err)
		}
	}
}

// Batches yields the items not yet yielded a page at a time: the items of
// one response of one bucket (never an empty batch). A batch counts as
// yielded once the loop body ran for it, also when it breaks.
func (it *Iterator[T]) Batches() iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		err := it.run("Iterate", func(p iterPage, items []T) bool {
			more := len(items) == 0 || yield(items, nil)
			it.advance(p, len(items)-1)
			return more
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// Done reports whether every item has been yielded.
func (it *Iterator[T]) Done() bool {
	it.mu.Lock()
	defer it.mu.Unlock()
	for _, p := range it.parts {
		if !p.done {
			return false
		}
	}
	return it.err == nil
}

// iterPage is one response of one bucket or segment, read ahead of the
// consumer.
type iterPage struct {
	part  int
	items []map[string]types.AttributeValue // the matching items
	last  map[string]types.AttributeValue   // LastEvaluatedKey; nil: the part's end
	read  *plan.Read
	err   error
}

// advance records that p's items up to i were yielded: the part resumes
// after item i, or after the page when i is its last item (a filtered
// page may end with items DynamoDB read and dropped).
func (it *Iterator[T]) advance(p iterPage, i int) {
	it.mu.Lock()
	defer it.mu.Unlock()
	part := &it.parts[p.part]
	if i < len(p.items)-1 {
		part.key = plan.KeyOf(p.items[i], p.read.KeyAttrs)
		return
	}
	part.key, part.done = p.last, p.last == nil
}

// run reads the parts not done, Concurrency at once, decodes each page and
// hands it to emit, which returns false to stop. It returns the first
// error of a request or a decode.
func (it *Iterator[T]) run(op string, emit func(iterPage, []T) bool) error {
	if it.err != nil {
		return it.err
	}
	q, c := it.q.begin(op)
	defer c.endOnPanic()
	return c.end(it.read(q, emit))
}

// read is run as the call of q.
func (it *Iterator[T]) read(q *query, emit func(iterPage, []T) bool) error {
	dec, err := decoderOf[T](q.db, readAttrs(q.fields))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	pages := it.start(ctx, q)
	defer func() {
		cancel()
		for range pages { // let the readers end
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		items := make([]T, len(p.items))
		for i, item := range p.items {
			if err := dec.decode(item, &items[i]); err != nil {
				return fmt.Errorf("Iterate %s: %w", q.model.Name(), err)
			}
		}
		if !emit(p, items) {
			return nil
		}
	}
	return q.ctx.Err()
}

// start launches the readers of the parts not done and returns the
// channel of their pages, closed when all have ended.
func (it *Iterator[T]) start(ctx context.Context, q *query) <-chan iterPage {
	todo := make(chan int, len(it.reads))
	it.mu.Lock()
	for i, p := range it.parts {
		if !p.done {
			todo <- i
		}
	}
	it.mu.Unlock()
	close(todo)
	n := max(it.o.Concurrency, 1)
	pages := make(chan iterPage, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range todo {
				if !it.readPart(ctx, q, part, pages) {
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(pages) }()
	return pages
}

// readPart sends the pages of one part, from where it stopped, to pages.
// It returns false when the read must stop (cancelled, or an error sent).
func (it *Iterator[T]) readPart(ctx context.Context, q *query, part int, pages chan<- iterPage) bool {
	r := it.reads[part]
	it.mu.Lock()
	start := it.parts[part].key
	it.mu.Unlock()
	send := func(p iterPage) bool {
		select {
		case pages <- p:
			return p.err == nil
		case <-ctx.Done():
			return false
		}
	}
	for {
		if it.o.before != nil {
			if err := it.o.before(ctx); err != nil {
				return ctx.Err() == nil && send(iterPage{err: err})
			}
		}
		pg, err := q.fetch(ctx, r, start, int32(it.o.BatchSize), false)
		if err != nil {
			return ctx.Err() == nil && send(iterPage{err: err})
		}
		p := iterPage{part: part, items: pg.items, last: pg.last, read: r}
		if len(r.PostFilter) > 0 {
			p.items = keep(r, pg.items)
		}
		if !send(p) {
			return false
		}
		if pg.last == nil {
			return true
		}
		start = pg.last
	}
}

// keep is the items that pass r's post-filter.
func keep(r *plan.Read, items []map[string]types.AttributeValue) []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for _, item := range items {
		if r.Keep(item) {
			out = append(out, item)
		}
	}
	return out
}
