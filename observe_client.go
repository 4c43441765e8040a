package dynamorm

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// api returns the client one request of db is sent with: the DB's client,
// or, with an observer, a wrapper that reports the request as an
// EventRequest. plan and attempt describe the request (see Event). Every
// request the library makes goes through it.
func (db *DB) api(plan string, attempt int) core.DynamoDBAPI {
	if db.observer == nil {
		return db.shared.client // inlined: this is all an unobserved request costs
	}
	return db.observed(plan, attempt)
}

// observed returns the observing client of one request.
func (db *DB) observed(plan string, attempt int) core.DynamoDBAPI {
	return &observed{db: db, plan: plan, attempt: attempt}
}

// observed is a client that reports each request it sends to its DB's
// observer.
type observed struct {
	db      *DB
	plan    string
	attempt int
}

var _ core.DynamoDBAPI = (*observed)(nil)

// request is what an input and its response say about a request.
type request struct {
	table, index       string
	items, unprocessed int
	consumed           []types.ConsumedCapacity
}

// observe sends in with send and reports the request.
func observe[In, Out any](o *observed, ctx context.Context, op string, in In,
	send func(context.Context, In, ...func(*dynamodb.Options)) (Out, error), opts []func(*dynamodb.Options),
	describe func(In, Out, error) request) (Out, error) {
	start := time.Now()
	out, err := send(ctx, in, opts...)
	latency := time.Since(start)
	r := describe(in, out, err)
	o.db.emit(ctx, Event{Kind: EventRequest, Operation: op, Table: r.table, Index: r.index, Plan: o.plan, Attempt: o.attempt,
		Items: r.items, Unprocessed: r.unprocessed, Consumed: r.consumed, Start: start, Latency: latency,
		Throttled: err != nil && isThrottle(err), Err: err})
	return out, err
}

// one is a request's single capacity report as a list.
func one(cc *types.ConsumedCapacity) []types.ConsumedCapacity {
	if cc == nil {
		return nil
	}
	return []types.ConsumedCapacity{*cc}
}

// tableList names the tables of a multi-table request, sorted, separated by
// commas.
func tableList[V any](byTable map[string]V) string {
	names := make([]string, 0, len(byTable))
	for t := range byTable {
		names = append(names, t)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// transactTables names the tables of a transaction's items.
func transactTables(tables []*string) string {
	set := make(map[string]bool, 1)
	for _, t := range tables {
		set[aws.ToString(t)] = true
	}
	return tableList(set)
}

// GetItem sends and reports a GetItem.
func (o *observed) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return observe(o, ctx, "GetItem", in, o.db.shared.client.GetItem, opts, func(in *dynamodb.GetItemInput, out *dynamodb.GetItemOutput, err error) request {
		r := request{table: aws.ToString(in.TableName)}
		if out != nil {
			r.consumed = one(out.ConsumedCapacity)
			if out.Item != nil {
				r.items = 1
			}
		}
		return r
	})
}

// PutItem sends and reports a PutItem.
func (o *observed) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return observe(o, ctx, "PutItem", in, o.db.shared.client.PutItem, opts, func(in *dynamodb.PutItemInput, out *dynamodb.PutItemOutput, err error) request {
		r := request{table: aws.ToString(in.TableName), items: 1}
		if out != nil {
			r.consumed = one(out.ConsumedCapacity)
		}
		return r
	})
}

// UpdateItem sends and reports an UpdateItem.
func (o *observed) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return observe(o, ctx, "UpdateItem", in, o.db.shared.client.UpdateItem, opts, func(in *dynamodb.UpdateItemInput, out *dynamodb.UpdateItemOutput, err error) request {
		r := request{table: aws.ToString(in.TableName), items: 1}
		if out != nil {
			r.consumed = one(out.ConsumedCapacity)
		}
		return r
	})
}

// DeleteItem sends and reports a DeleteItem.
func (o *observed) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return observe(o, ctx, "DeleteItem", in, o.db.shared.client.DeleteItem, opts, func(in *dynamodb.DeleteItemInput, out *dynamodb.DeleteItemOutput, err error) request {
		r := request{table: aws.ToString(in.TableName), items: 1}
		if out != nil {
			r.consumed = one(out.ConsumedCapacity)
		}
		return r
	})
}

// Query sends and reports a Query; Items is the items returned.
func (o *observed) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return observe(o, ctx, "Query", in, o.db.shared.client.Query, opts, func(in *dynamodb.QueryInput, out *dynamodb.QueryOutput, err error) request {
		r := request{table: aws.ToString(in.TableName), index: aws.ToString(in.IndexName)}
		if out != nil {
			r.consumed, r.items = one(out.ConsumedCapacity), int(out.Count)
		}
		return r
	})
}

// Scan sends and reports a Scan; Items is the items returned.
func (o *observed) Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	return observe(o, ctx, "Scan", in, o.db.shared.client.Scan, opts, func(in *dynamodb.ScanInput, out *dynamodb.ScanOutput, err error) request {
		r := request{table: aws.ToString(in.TableName), index: aws.ToString(in.IndexName)}
		if out != nil {
			r.consumed, r.items = one(out.ConsumedCapacity), int(out.Count)
		}
		return r
	})
}

// BatchGetItem sends and reports a BatchGetItem: Items is the items
// returned, Unprocessed the keys left.
func (o *observed) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return observe(o, ctx, "BatchGetItem", in, o.db.shared.client.BatchGetItem, opts, func(in *dynamodb.BatchGetItemInput, out *dynamodb.BatchGetItemOutput, err error) request {
		r := request{table: tableList(in.RequestItems)}
		if out != nil {
			r.consumed = out.ConsumedCapacity
			for _, items := range out.Responses {
				r.items += len(items)
			}
			for _, ka := range out.UnprocessedKeys {
				r.unprocessed += len(ka.Keys)
			}
		}
		return r
	})
}

// BatchWriteItem sends and reports a BatchWriteItem: Items is the puts and
// deletes carried, Unprocessed those left.
func (o *observed) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return observe(o, ctx, "BatchWriteItem", in, o.db.shared.client.BatchWriteItem, opts, func(in *dynamodb.BatchWriteItemInput, out *dynamodb.BatchWriteItemOutput, err error) request {
		r := request{table: tableList(in.RequestItems)}
		for _, reqs := range in.RequestItems {
			r.items += len(reqs)
		}
		if out != nil {
			r.consumed = out.ConsumedCapacity
			for _, reqs := range out.UnprocessedItems {
				r.unprocessed += len(reqs)
			}
		}
		return r
	})
}

// TransactWriteItems sends and reports a TransactWriteItems; Items is its
// operations.
func (o *observed) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return observe(o, ctx, "TransactWriteItems", in, o.db.shared.client.TransactWriteItems, opts, func(in *dynamodb.TransactWriteItemsInput, out *dynamodb.TransactWriteItemsOutput, err error) request {
		tables := make([]*string, len(in.TransactItems))
		for i, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				tables[i] = it.Put.TableName
			case it.Update != nil:
				tables[i] = it.Update.TableName
			case it.Delete != nil:
				tables[i] = it.Delete.TableName
			case it.ConditionCheck != nil:
				tables[i] = it.ConditionCheck.TableName
			}
		}
		r := request{table: transactTables(tables), items: len(in.TransactItems)}
		if out != nil {
			r.consumed = out.ConsumedCapacity
		}
		return r
	})
}

// TransactGetItems sends and reports a TransactGetItems; Items is the
// items found.
func (o *observed) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	return observe(o, ctx, "TransactGetItems", in, o.db.shared.client.TransactGetItems, opts, func(in *dynamodb.TransactGetItemsInput, out *dynamodb.TransactGetItemsOutput, err error) request {
		tables := make([]*string, 0, len(in.TransactItems))
		for _, it := range in.TransactItems {
			if it.Get != nil {
				tables = append(tables, it.Get.TableName)
			}
		}
		r := request{table: transactTables(tables)}
		if out != nil {
			r.consumed = out.ConsumedCapacity
			for _, resp := range out.Responses {
				if resp.Item != nil {
					r.items++
				}
			}
		}
		return r
	})
}

// tableRequest describes a table operation's request by its table name.
func tableRequest[In, Out any](name func(In) *string) func(In, Out, error) request {
	return func(in In, _ Out, _ error) request { return request{table: aws.ToString(name(in))} }
}

// CreateTable sends and reports a CreateTable.
func (o *observed) CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	return observe(o, ctx, "CreateTable", in, o.db.shared.client.CreateTable, opts,
		tableRequest[*dynamodb.CreateTableInput, *dynamodb.CreateTableOutput](func(in *dynamodb.CreateTableInput) *string { return in.TableName }))
}

// DescribeTable sends and reports a DescribeTable.
func (o *observed) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return observe(o, ctx, "DescribeTable", in, o.db.shared.client.DescribeTable, opts,
		tableRequest[*dynamodb.DescribeTableInput, *dynamodb.DescribeTableOutput](func(in *dynamodb.DescribeTableInput) *string { return in.TableName }))
}

// UpdateTable sends and reports an UpdateTable.
func (o *observed) UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	return observe(o, ctx, "UpdateTable", in, o.db.shared.client.UpdateTable, opts,
		tableRequest[*dynamodb.UpdateTableInput, *dynamodb.UpdateTableOutput](func(in *dynamodb.UpdateTableInput) *string { return in.TableName }))
}

// DeleteTable sends and reports a DeleteTable.
func (o *observed) DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	return observe(o, ctx, "DeleteTable", in, o.db.shared.client.DeleteTable, opts,
		tableRequest[*dynamodb.DeleteTableInput, *dynamodb.DeleteTableOutput](func(in *dynamodb.DeleteTableInput) *string { return in.TableName }))
}

// UpdateTimeToLive sends and reports an UpdateTimeToLive.
func (o *observed) UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error) {
	return observe(o, ctx, "UpdateTimeToLive", in, o.db.shared.client.UpdateTimeToLive, opts,
		tableRequest[*dynamodb.UpdateTimeToLiveInput, *dynamodb.UpdateTimeToLiveOutput](func(in *dynamodb.UpdateTimeToLiveInput) *string { return in.TableName }))
}

// DescribeTimeToLive sends and reports a DescribeTimeToLive.
func (o *observed) DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error) {
	return observe(o, ctx, "DescribeTimeToLive", in, o.db.shared.client.DescribeTimeToLive, opts,
		tableRequest[*dynamodb.DescribeTimeToLiveInput, *dynamodb.DescribeTimeToLiveOutput](func(in *dynamodb.DescribeTimeToLiveInput) *string { return in.TableName }))
}
