package core

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ConsumedCapacity is capacity consumed by one or more requests, as
// DynamoDB reported it, in total and per table and index.
type ConsumedCapacity struct {
	ReadUnits  float64
	WriteUnits float64
	Requests   int                 // requests that reported capacity
	Tables     map[string]Capacity // by table name
	Indexes    map[string]Capacity // by "table/index"
	// Tenants is by tenant: the requests made in a tenant's scope
	// (dynamorm.WithTenant, db.ForTenant), of any model. Requests outside
	// one (the system scope included) are in no tenant's total.
	Tenants map[string]Capacity
}

// Capacity is read and write units.
type Capacity struct {
	ReadUnits  float64
	WriteUnits float64
}

// Total returns read plus write units.
func (c ConsumedCapacity) Total() float64 { return c.ReadUnits + c.WriteUnits }

// CapacityCollector sums consumed capacity across operations. It is safe for
// concurrent use. Attach one to a DB or a context (see dynamorm's
// WithCapacityCollector) to total what everything done through it consumed.
type CapacityCollector struct {
	mu    sync.Mutex
	total ConsumedCapacity
}

// RecordRead adds what DynamoDB reported for a read request (GetItem,
// Query, Scan, BatchGetItem, TransactGetItems).
func (c *CapacityCollector) RecordRead(ccs ...types.ConsumedCapacity) { c.record("", false, ccs) }

// RecordWrite adds what DynamoDB reported for a write request (PutItem,
// UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems).
func (c *CapacityCollector) RecordWrite(ccs ...types.ConsumedCapacity) { c.record("", true, ccs) }

// RecordTenantRead is RecordRead for a request made in the scope of
// tenant (also added to the tenant's total, ConsumedCapacity.Tenants).
func (c *CapacityCollector) RecordTenantRead(tenant string, ccs ...types.ConsumedCapacity) {
	c.record(tenant, false, ccs)
}

// RecordTenantWrite is RecordWrite for a request made in the scope of
// tenant.
func (c *CapacityCollector) RecordTenantWrite(tenant string, ccs ...types.ConsumedCapacity) {
	c.record(tenant, true, ccs)
}

func (c *CapacityCollector) record(tenant string, write bool, ccs []types.ConsumedCapacity) {
	if c == nil || len(ccs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cc := range ccs {
		c.total.add(cc, write, tenant)
	}
}

// Total returns a copy of what has been recorded so far.
func (c *CapacityCollector) Total() ConsumedCapacity {
	if c == nil {
		return ConsumedCapacity{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total.clone()
}

// Reset clears the totals.
func (c *CapacityCollector) Reset() {
	c.mu.Lock()
	c.total = ConsumedCapacity{}
	c.mu.Unlock()
}

func (t *ConsumedCapacity) add(cc types.ConsumedCapacity, isWrite bool, tenant string) {
	t.Requests++
	read, write := units(cc.ReadCapacityUnits, cc.WriteCapacityUnits, cc.CapacityUnits, isWrite)
	t.ReadUnits += read
	t.WriteUnits += write
	if tenant != "" {
		t.Tenants = mergeCapacity(t.Tenants, map[string]Capacity{tenant: {ReadUnits: read, WriteUnits: write}})
	}
	if cc.TableName != nil {
		if t.Tables == nil {
			t.Tables = map[string]Capacity{}
		}
		tc := t.Tables[*cc.TableName]
		if cc.Table != nil {
			r, w := units(cc.Table.ReadCapacityUnits, cc.Table.WriteCapacityUnits, cc.Table.CapacityUnits, isWrite)
			tc.ReadUnits += r
			tc.WriteUnits += w
		} else {
			tc.ReadUnits += read
			tc.WriteUnits += write
		}
		t.Tables[*cc.TableName] = tc
		for _, m := range []map[string]types.Capacity{cc.GlobalSecondaryIndexes, cc.LocalSecondaryIndexes} {
			for name, c := range m {
				if t.Indexes == nil {
					t.Indexes = map[string]Capacity{}
				}
				key := *cc.TableName + "/" + name
				ic := t.Indexes[key]
				r, w := units(c.ReadCapacityUnits, c.WriteCapacityUnits, c.CapacityUnits, isWrite)
				ic.ReadUnits += r
				ic.WriteUnits += w
				t.Indexes[key] = ic
			}
		}
	}
}

// units splits DynamoDB's report into read and write units. When only the
// undivided CapacityUnits is present, it counts as the request's kind.
func units(read, write, total *float64, isWrite bool) (float64, float64) {
	var r, w float64
	if read != nil {
		r = *read
	}
	if write != nil {
		w = *write
	}
	if read == nil && write == nil && total != nil {
		if isWrite {
			w = *total
		} else {
			r = *total
		}
	}
	return r, w
}

// Merge adds other into c.
func (c *ConsumedCapacity) Merge(other ConsumedCapacity) {
	c.ReadUnits += other.ReadUnits
	c.WriteUnits += other.WriteUnits
	c.Requests += other.Requests
	c.Tables = mergeCapacity(c.Tables, other.Tables)
	c.Indexes = mergeCapacity(c.Indexes, other.Indexes)
	c.Tenants = mergeCapacity(c.Tenants, other.Tenants)
}

func mergeCapacity(into, from map[string]Capacity) map[string]Capacity {
	for k, v := range from {
		if into == nil {
			into = map[string]Capacity{}
		}
		x := into[k]
		x.ReadUnits += v.ReadUnits
		x.WriteUnits += v.WriteUnits
		into[k] = x
	}
	return into
}

func (c ConsumedCapacity) clone() ConsumedCapacity {
	out := ConsumedCapacity{ReadUnits: c.ReadUnits, WriteUnits: c.WriteUnits, Requests: c.Requests}
	out.Merge(ConsumedCapacity{Tables: c.Tables, Indexes: c.Indexes, Tenants: c.Tenants})
	return out
}
