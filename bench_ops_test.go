package dynamorm_test

// Per-operation cost (issue 21): every operation through dynamorm, through
// guregu/dynamo v2 and written by hand with the SDK and attributevalue, in
// one run, on one kind of stub client that answers from outputs built once
// (only client-side CPU and allocations count).
//
//	go test -run '^$' -bench 'BenchmarkOp' -benchmem -count 6 .
//
// Sub-benchmarks are impl=dynamorm, impl=guregu and impl=sdk.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"
	"github.com/guregu/dynamo/v2/dynamodbiface"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// gureguOrder is benchOrder for guregu/dynamo, with the same attribute
// names.
type gureguOrder struct {
	CustomerID string            `dynamo:"customer_id,hash"`
	OrderID    string            `dynamo:"order_id,range"`
	Status     string            `dynamo:"status"`
	Total      int64             `dynamo:"total"`
	Quantity   int               `dynamo:"quantity"`
	Tags       []string          `dynamo:"tags,set"`
	Meta       map[string]string `dynamo:"meta"`
	PlacedAt   time.Time         `dynamo:"placed_at"`
	Version    int64             `dynamo:"version"`
	UpdatedAt  time.Time         `dynamo:"updated_at"`
}

func gureguOf(o benchOrder) gureguOrder { return gureguOrder(o) }

// opsStub is the stub client of every operation benchmarked here: the
// item operations and Query of stubClient, and DeleteItem, BatchGetItem
// (answering with every item it holds), BatchWriteItem and
// TransactWriteItems. It satisfies guregu's client interface too.
type opsStub struct {
	dynamodbiface.DynamoDBAPI
	*stubClient
	batchGet *dynamodb.BatchGetItemOutput
}

func newOpsStub(item map[string]types.AttributeValue, items []map[string]types.AttributeValue) *opsStub {
	return &opsStub{stubClient: newStubClient(item, items),
		batchGet: &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{benchTable: items}}}
}

func (c *opsStub) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return c.stubClient.PutItem(ctx, in, o...)
}

func (c *opsStub) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return c.stubClient.GetItem(ctx, in, o...)
}

func (c *opsStub) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return c.stubClient.UpdateItem(ctx, in, o...)
}

func (c *opsStub) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return c.stubClient.Query(ctx, in, o...)
}

var (
	deleteOut   = &dynamodb.DeleteItemOutput{}
	batchOut    = &dynamodb.BatchWriteItemOutput{}
	transactOut = &dynamodb.TransactWriteItemsOutput{}
)

func (c *opsStub) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return deleteOut, nil
}

func (c *opsStub) BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return c.batchGet, nil
}

func (c *opsStub) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return batchOut, nil
}

func (c *opsStub) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return transactOut, nil
}

// opsEnv is one benchmark's three clients, each holding n items in its own
// library's encoding.
type opsEnv struct {
	orm    *dynamorm.DB
	guregu dynamo.Table
	gdb    *dynamo.DB
	// sdk is held as the interface so that, as with a real *dynamodb.Client
	// (whose middleware takes the input as an interface), the compiler cannot
	// inline the stub and keep the hand-written request on the stack.
	sdk    core.DynamoDBAPI
	orders []benchOrder
}

func newOpsEnv(b *testing.B, n int) opsEnv {
	b.Helper()
	e := opsEnv{orders: make([]benchOrder, n)}
	orm := make([]map[string]types.AttributeValue, n)
	gur := make([]map[string]types.AttributeValue, n)
	sdk := make([]map[string]types.AttributeValue, n)
	for i := range e.orders {
		e.orders[i] = newBenchOrder(i)
		var err error
		if orm[i], err = marshal.Marshal(&e.orders[i]); err != nil {
			b.Fatal(err)
		}
		g := gureguOf(e.orders[i])
		if gur[i], err = dynamo.MarshalItem(&g); err != nil {
			b.Fatal(err)
		}
		if sdk[i], err = attributevalue.MarshalMap(&e.orders[i]); err != nil {
			b.Fatal(err)
		}
	}
	db, err := dynamorm.New(session.Config{Client: newOpsStub(orm[0], orm)})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Register(&benchOrder{}); err != nil {
		b.Fatal(err)
	}
	e.orm = db
	e.gdb = dynamo.NewFromIface(newOpsStub(gur[0], gur))
	e.guregu = e.gdb.Table(benchTable)
	e.sdk = newOpsStub(sdk[0], sdk)
	return e
}

// runOps runs the three implementations of one operation as
// sub-benchmarks.
func runOps(b *testing.B, orm, guregu, sdk func() error) {
	for _, impl := range []struct {
		name string
		fn   func() error
	}{{"impl=dynamorm", orm}, {"impl=guregu", guregu}, {"impl=sdk", sdk}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := impl.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var bctx = context.Background()

func BenchmarkOpCreate(b *testing.B) {
	e := newOpsEnv(b, 1)
	o, g, s := newBenchOrder(1), gureguOf(newBenchOrder(1)), newBenchOrder(1)
	runOps(b,
		func() error { o.Version = 0; return e.orm.Model(&o).Create() },
		func() error {
			g.Version, g.UpdatedAt = 1, time.Now().UTC()
			return e.guregu.Put(&g).If("attribute_not_exists(customer_id)").Run(bctx)
		},
		func() error { s.Version = 0; return sdkCreate(bctx, e.sdk, &s) })
}

func BenchmarkOpFirst(b *testing.B) {
	e := newOpsEnv(b, 1)
	want := e.orders[0]
	runOps(b,
		func() error {
			var o benchOrder
			return e.orm.Model(&benchOrder{}).Where("CustomerID", "=", want.CustomerID).Where("OrderID", "=", want.OrderID).First(&o)
		},
		func() error {
			var o gureguOrder
			return e.guregu.Get("customer_id", want.CustomerID).Range("order_id", dynamo.Equal, want.OrderID).One(bctx, &o)
		},
		func() error { var o benchOrder; return sdkFirst(bctx, e.sdk, want.CustomerID, want.OrderID, &o) })
}

// Update of three fields (status, total, quantity), with updated_at and
// the version check and bump on every side.
func BenchmarkOpUpdate(b *testing.B) {
	e := newOpsEnv(b, 1)
	o, g, s := newBenchOrder(1), gureguOf(newBenchOrder(1)), newBenchOrder(1)
	runOps(b,
		func() error { o.Total++; return e.orm.Model(&o).Update("Status", "Total", "Quantity") },
		func() error {
			g.Total++
			now := time.Now().UTC()
			err := e.guregu.Update("customer_id", g.CustomerID).Range("order_id", g.OrderID).
				Set("status", g.Status).Set("total", g.Total).Set("quantity", g.Quantity).
				Set("updated_at", now).Set("version", g.Version+1).
				If("attribute_exists(customer_id) AND version = ?", g.Version).Run(bctx)
			if err == nil {
				g.UpdatedAt, g.Version = now, g.Version+1
			}
			return err
		},
		func() error { s.Total++; return sdkUpdate3(bctx, e.sdk, &s) })
}

func sdkUpdate3(ctx context.Context, c core.DynamoDBAPI, o *benchOrder) error {
	now := time.Now().UTC()
	vals := map[string]types.AttributeValue{}
	for k, v := range map[string]any{":status": o.Status, ":total": o.Total, ":quantity": o.Quantity, ":updated_at": now, ":next": o.Version + 1, ":current": o.Version} {
		av, err := attributevalue.Marshal(v)
		if err != nil {
			return err
		}
		vals[k] = av
	}
	_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(benchTable),
		Key: map[string]types.AttributeValue{
			"customer_id": &types.AttributeValueMemberS{Value: o.CustomerID},
			"order_id":    &types.AttributeValueMemberS{Value: o.OrderID},
		},
		UpdateExpression:    aws.String("SET #status = :status, #total = :total, #quantity = :quantity, #updated_at = :updated_at, #version = :next"),
		ConditionExpression: aws.String("attribute_exists(#pk) AND #version = :current"),
		ExpressionAttributeNames: map[string]string{
			"#pk": "customer_id", "#status": "status", "#total": "total", "#quantity": "quantity", "#updated_at": "updated_at", "#version": "version",
		},
		ExpressionAttributeValues: vals,
	})
	if err != nil {
		return err
	}
	o.UpdatedAt, o.Version = now, o.Version+1
	return nil
}

// Delete by key, with the version check (benchOrder has a version).
func BenchmarkOpDelete(b *testing.B) {
	e := newOpsEnv(b, 1)
	o := newBenchOrder(1)
	runOps(b,
		func() error { d := o; return e.orm.Model(&d).Delete() },
		func() error {
			return e.guregu.Delete("customer_id", o.CustomerID).Range("order_id", o.OrderID).If("version = ?", o.Version).Run(bctx)
		},
		func() error {
			cur, err := attributevalue.Marshal(o.Version)
			if err != nil {
				return err
			}
			_, err = e.sdk.DeleteItem(bctx, &dynamodb.DeleteItemInput{
				TableName: aws.String(benchTable),
				Key: map[string]types.AttributeValue{
					"customer_id": &types.AttributeValueMemberS{Value: o.CustomerID},
					"order_id":    &types.AttributeValueMemberS{Value: o.OrderID},
				},
				ConditionExpression:       aws.String("#version = :current"),
				ExpressionAttributeNames:  map[string]string{"#version": "version"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":current": cur},
			})
			return err
		})
}

func BenchmarkOpQuery25(b *testing.B) {
	e := newOpsEnv(b, 25)
	const customer = "customer-0001"
	check := func(n int) error {
		if n != 25 {
			return fmt.Errorf("got %d items", n)
		}
		return nil
	}
	runOps(b,
		func() error {
			var out []benchOrder
			if err := e.orm.Model(&benchOrder{}).Where("CustomerID", "=", customer).All(&out); err != nil {
				return err
			}
			return check(len(out))
		},
		func() error {
			var out []gureguOrder
			if err := e.guregu.Get("customer_id", customer).All(bctx, &out); err != nil {
				return err
			}
			return check(len(out))
		},
		func() error {
			out, err := sdkQuery(bctx, e.sdk, customer)
			if err != nil {
				return err
			}
			return check(len(out))
		})
}

func BenchmarkOpBatchGet100(b *testing.B) {
	e := newOpsEnv(b, 100)
	ormKeys := make([]any, 100)
	gurKeys := make([]dynamo.Keyed, 100)
	for i, o := range e.orders {
		ormKeys[i] = &benchOrder{CustomerID: o.CustomerID, OrderID: o.OrderID}
		gurKeys[i] = dynamo.Keys{o.CustomerID, o.OrderID}
	}
	runOps(b,
		func() error {
			var out []benchOrder
			if err := e.orm.Model(&benchOrder{}).BatchGet(ormKeys, &out); err != nil {
				return err
			}
			if len(out) != 100 {
				return fmt.Errorf("got %d", len(out))
			}
			return nil
		},
		func() error {
			var out []gureguOrder
			if err := e.guregu.Batch("customer_id", "order_id").Get(gurKeys...).All(bctx, &out); err != nil {
				return err
			}
			if len(out) != 100 {
				return fmt.Errorf("got %d", len(out))
			}
			return nil
		},
		func() error {
			keys := make([]map[string]types.AttributeValue, len(e.orders))
			for i, o := range e.orders {
				keys[i] = map[string]types.AttributeValue{
					"customer_id": &types.AttributeValueMemberS{Value: o.CustomerID},
					"order_id":    &types.AttributeValueMemberS{Value: o.OrderID},
				}
			}
			out, err := e.sdk.BatchGetItem(bctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{benchTable: {Keys: keys}}})
			if err != nil {
				return err
			}
			var items []benchOrder
			if err := attributevalue.UnmarshalListOfMaps(out.Responses[benchTable], &items); err != nil {
				return err
			}
			if len(items) != 100 || len(out.UnprocessedKeys) > 0 {
				return fmt.Errorf("got %d", len(items))
			}
			return nil
		})
}

func BenchmarkOpBatchCreate100(b *testing.B) {
	e := newOpsEnv(b, 1)
	orders := make([]benchOrder, 100)
	gur := make([]any, 100)
	for i := range orders {
		orders[i] = newBenchOrder(i)
		g := gureguOf(orders[i])
		gur[i] = &g
	}
	runOps(b,
		func() error { return e.orm.Model(&benchOrder{}).AllowOverwrite().BatchCreate(orders) },
		func() error {
			_, err := e.guregu.Batch("customer_id", "order_id").Write().Put(gur...).Run(bctx)
			return err
		},
		func() error {
			for start := 0; start < len(orders); start += 25 {
				reqs := make([]types.WriteRequest, 0, 25)
				for i := start; i < start+25; i++ {
					item, err := attributevalue.MarshalMap(&orders[i])
					if err != nil {
						return err
					}
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
				}
				out, err := e.sdk.BatchWriteItem(bctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{benchTable: reqs}})
				if err != nil {
					return err
				}
				if len(out.UnprocessedItems) > 0 {
					return fmt.Errorf("unprocessed")
				}
			}
			return nil
		})
}

// TransactWrite of 4 operations: two creates, an update of one field and a
// delete.
func BenchmarkOpTransactWrite4(b *testing.B) {
	e := newOpsEnv(b, 1)
	base := newBenchOrder(7)
	runOps(b,
		func() error {
			a, c, u, d := newBenchOrder(1), newBenchOrder(2), base, newBenchOrder(3)
			return e.orm.Transaction(func(tx *dynamorm.Tx) error {
				if err := tx.Model(&a).Create(); err != nil {
					return err
				}
				if err := tx.Model(&c).Create(); err != nil {
					return err
				}
				if err := tx.Model(&u).Update("Status"); err != nil {
					return err
				}
				return tx.Model(&d).Delete()
			})
		},
		func() error {
			a, c, d := gureguOf(newBenchOrder(1)), gureguOf(newBenchOrder(2)), newBenchOrder(3)
			a.Version, c.Version = 1, 1
			return e.gdb.WriteTx().
				Put(e.guregu.Put(&a).If("attribute_not_exists(customer_id)")).
				Put(e.guregu.Put(&c).If("attribute_not_exists(customer_id)")).
				Update(e.guregu.Update("customer_id", base.CustomerID).Range("order_id", base.OrderID).Set("status", base.Status).
					Set("updated_at", time.Now().UTC()).Set("version", base.Version+1).If("attribute_exists(customer_id) AND version = ?", base.Version)).
				Delete(e.guregu.Delete("customer_id", d.CustomerID).Range("order_id", d.OrderID).If("version = ?", d.Version)).
				Run(bctx)
		},
		func() error { return sdkTransact4(bctx, e.sdk, base) })
}

func sdkTransact4(ctx context.Context, c core.DynamoDBAPI, base benchOrder) error {
	var items []types.TransactWriteItem
	for _, i := range []int{1, 2} {
		o := newBenchOrder(i)
		o.Version, o.UpdatedAt = 1, time.Now().UTC()
		item, err := attributevalue.MarshalMap(&o)
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(benchTable), Item: item,
			ConditionExpression: aws.String("attribute_not_exists(#pk)"), ExpressionAttributeNames: map[string]string{"#pk": "customer_id"}}})
	}
	vals := map[string]types.AttributeValue{}
	for k, v := range map[string]any{":status": base.Status, ":updated_at": time.Now().UTC(), ":next": base.Version + 1, ":current": base.Version} {
		av, err := attributevalue.Marshal(v)
		if err != nil {
			return err
		}
		vals[k] = av
	}
	key := func(o benchOrder) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{
			"customer_id": &types.AttributeValueMemberS{Value: o.CustomerID},
			"order_id":    &types.AttributeValueMemberS{Value: o.OrderID},
		}
	}
	items = append(items, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(benchTable), Key: key(base),
		UpdateExpression:          aws.String("SET #status = :status, #updated_at = :updated_at, #version = :next"),
		ConditionExpression:       aws.String("attribute_exists(#pk) AND #version = :current"),
		ExpressionAttributeNames:  map[string]string{"#pk": "customer_id", "#status": "status", "#updated_at": "updated_at", "#version": "version"},
		ExpressionAttributeValues: vals}})
	d := newBenchOrder(3)
	cur, err := attributevalue.Marshal(d.Version)
	if err != nil {
		return err
	}
	items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(benchTable), Key: key(d),
		ConditionExpression: aws.String("#version = :current"), ExpressionAttributeNames: map[string]string{"#version": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":current": cur}}})
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ClientRequestToken: aws.String(fmt.Sprint(time.Now().UnixNano()))})
	return err
}
