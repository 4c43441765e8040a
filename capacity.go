package dynamorm

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

type capacityKey struct{}

// WithCapacityCollector returns a context that makes every dynamorm request
// run with it add its consumed capacity to c.
func WithCapacityCollector(ctx context.Context, c *core.CapacityCollector) context.Context {
	return context.WithValue(ctx, capacityKey{}, c)
}

// WithCapacityCollector returns a handle that adds the consumed capacity of
// every request made through it (and the queries it starts) to c.
func (db *DB) WithCapacityCollector(c *core.CapacityCollector) *DB {
	d := *db
	d.collector = c
	return &d
}

func (q *query) initCapacity() {
	if q.capacity == nil {
		q.capacity = &core.CapacityCollector{}
	}
}

// collectors are the places a request's capacity is added to: the query's
// own total, the DB handle's collector and the context's.
func (q *query) collectors() []*core.CapacityCollector {
	q.initCapacity()
	cs := []*core.CapacityCollector{q.capacity}
	if q.db.collector != nil {
		cs = append(cs, q.db.collector)
	}
	if c, ok := q.ctx.Value(capacityKey{}).(*core.CapacityCollector); ok && c != nil {
		cs = append(cs, c)
	}
	return cs
}

func (q *query) recordRead(ccs ...*types.ConsumedCapacity) { q.record(false, ccs) }

func (q *query) recordWrite(ccs ...*types.ConsumedCapacity) { q.record(true, ccs) }

func (q *query) record(write bool, ccs []*types.ConsumedCapacity) {
	vals := make([]types.ConsumedCapacity, 0, len(ccs))
	for _, cc := range ccs {
		if cc != nil {
			vals = append(vals, *cc)
		}
	}
	if len(vals) == 0 {
		return
	}
	for _, c := range q.collectors() {
		if write {
			c.RecordWrite(vals...)
		} else {
			c.RecordRead(vals...)
		}
	}
}
