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

func (q *query) recordRead(ccs ...*types.ConsumedCapacity) { q.record(false, ccs) }

func (q *query) recordWrite(ccs ...*types.ConsumedCapacity) { q.record(true, ccs) }

// record adds what a request consumed to the query's own total, the DB
// handle's collector and the context's.
func (q *query) record(write bool, ccs []*types.ConsumedCapacity) {
	ctxCollector, _ := q.ctx.Value(capacityKey{}).(*core.CapacityCollector)
	for _, cc := range ccs {
		if cc == nil {
			continue
		}
		q.initCapacity()
		for _, c := range [...]*core.CapacityCollector{q.capacity, q.db.collector, ctxCollector} {
			switch {
			case c == nil:
			case write:
				c.RecordWrite(*cc)
			default:
				c.RecordRead(*cc)
			}
		}
	}
}
