package tests

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/tests/testenv"
)

// The accounts of TestConcurrentWritesToManyPartitions: each in a partition
// of its own, in one of four owner groups (the GSI's partitions).
const (
	partAccounts = 48
	partOwners   = 4
	partInitial  = 1000
	partCounters = 4
)

// partWorld is the shared state of TestConcurrentWritesToManyPartitions:
// what the workers know was committed, to check against what is stored.
type partWorld struct {
	c      *dynamodb.Client
	table  string
	moves  [partAccounts]atomic.Int64 // committed transfers touching each account
	bumps  [partCounters]atomic.Int64 // committed versioned updates of each counter
	notes  sync.Map                   // pk -> bal of every note written
	stats  [6]atomic.Int64            // per operation kind: done
	failed [6]atomic.Int64            // per operation kind: cancelled or condition failed (no effect)
}

// TestConcurrentWritesToManyPartitions runs 32 goroutines on one table with a
// GSI: transfers between accounts in different partitions (TransactWriteItems
// of two conditional updates, some moving an account to another GSI
// partition), puts to new partitions read back at once, versioned updates of
// shared counters, TransactGetItems of every account (the sum of balances must
// always be the same: transactions are serialisable against it) and paged GSI
// Queries (every entry whole and in its partition). Afterwards a Scan reads
// every item back: the balances sum to the initial total, each account's
// transfer count and each counter's version equal the commits that were
// reported, every note is there, and the GSI holds exactly the table's items.
// With -race on memdb it is the data-race check of memdb's partition locks.
func TestConcurrentWritesToManyPartitions(t *testing.T) {
	c := testenv.Client(t)
	w := &partWorld{c: c, table: testenv.TableName(t, "parts")}
	testenv.CreateTable(t, c, &dynamodb.CreateTableInput{
		TableName: aws.String(w.table),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("owner"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("bal"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("by_owner"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("owner"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("bal"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	ctx := context.Background()
	for i := 0; i < partAccounts; i++ {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(w.table), Item: map[string]types.AttributeValue{
			"pk": s(acctKey(i)), "sk": s("a"), "owner": s(ownerKey(i % partOwners)), "bal": n(strconv.Itoa(partInitial)), "moves": n("0")}})
		require.NoError(t, err)
	}
	for i := 0; i < partCounters; i++ {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(w.table), Item: map[string]types.AttributeValue{
			"pk": s(fmt.Sprintf("c%d", i)), "sk": s("c"), "ver": n("0")}})
		require.NoError(t, err)
	}
	const workers = 32
	ops := scale(t, 30, 3)
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(19, uint64(g)))
			for i := 0; i < ops; i++ {
				w.step(t, r, g, i)
			}
		}(g)
	}
	wg.Wait()
	w.checkStored(t)
	t.Logf("done (no effect) per kind [transfer, note, transact-get, gsi-query, counter]: %d (%d), %d, %d (%d), %d, %d (%d)",
		w.stats[0].Load(), w.failed[0].Load(), w.stats[1].Load(), w.stats[2].Load(), w.failed[2].Load(),
		w.stats[3].Load(), w.stats[4].Load(), w.failed[4].Load())
}

func acctKey(i int) string  { return fmt.Sprintf("a%02d", i) }
func ownerKey(i int) string { return fmt.Sprintf("o%d", i) }

// step runs one random operation of worker g and checks what it returned.
func (w *partWorld) step(t *testing.T, r *rand.Rand, g, i int) {
	switch k := r.IntN(5); k {
	case 0:
		w.transfer(t, r)
	case 1:
		w.note(t, fmt.Sprintf("n%02d-%03d", g, i), i)
	case 2:
		w.sumAll(t)
	case 3:
		w.queryOwner(t, ownerKey(r.IntN(partOwners)))
	default:
		w.bump(t, r.IntN(partCounters))
	}
}

func (w *partWorld) transfer(t *testing.T, r *rand.Rand) {
	a, b := r.IntN(partAccounts), r.IntN(partAccounts-1)
	if b >= a {
		b++
	}
	amt := strconv.Itoa(1 + r.IntN(300))
	from := "SET bal = bal - :amt, moves = moves + :one"
	vals := map[string]types.AttributeValue{":amt": n(amt), ":one": n("1")}
	if r.IntN(3) == 0 {
		from += ", #o = :o" // the account moves to another GSI partition
		vals[":o"] = s(ownerKey(r.IntN(partOwners)))
	}
	var names map[string]string
	if vals[":o"] != nil {
		names = map[string]string{"#o": "owner"}
	}
	_, err := w.c.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: aws.String(w.table), Key: acct(a), UpdateExpression: aws.String(from),
			ConditionExpression: aws.String("bal >= :amt"), ExpressionAttributeNames: names, ExpressionAttributeValues: vals}},
		{Update: &types.Update{TableName: aws.String(w.table), Key: acct(b), UpdateExpression: aws.String("SET bal = bal + :amt, moves = moves + :one"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":amt": n(amt), ":one": n("1")}}},
	}})
	var cancelled *types.TransactionCanceledException
	switch {
	case err == nil:
		w.moves[a].Add(1)
		w.moves[b].Add(1)
		w.stats[0].Add(1)
	case errors.As(err, &cancelled):
		w.failed[0].Add(1)
	default:
		t.Errorf("transfer %d -> %d: %v", a, b, err)
	}
}

func acct(i int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": s(acctKey(i)), "sk": s("a")}
}

// note puts an item in a partition of its own and reads it back.
func (w *partWorld) note(t *testing.T, pk string, bal int) {
	ctx := context.Background()
	key := map[string]types.AttributeValue{"pk": s(pk), "sk": s("n")}
	item := map[string]types.AttributeValue{"pk": s(pk), "sk": s("n"), "owner": s("notes"), "bal": n(strconv.Itoa(bal))}
	if _, err := w.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(w.table), Item: item}); err != nil {
		t.Errorf("put %s: %v", pk, err)
		return
	}
	w.notes.Store(pk, strconv.Itoa(bal))
	out, err := w.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(w.table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil || numAttr(out.Item, "bal") != strconv.Itoa(bal) {
		t.Errorf("read back %s: %v %v", pk, out, err)
	}
	w.stats[1].Add(1)
}

// sumAll reads every account in one TransactGetItems: the balances always
// sum to the initial total.
func (w *partWorld) sumAll(t *testing.T) {
	items := make([]types.TransactGetItem, partAccounts)
	for i := range items {
		items[i] = types.TransactGetItem{Get: &types.Get{TableName: aws.String(w.table), Key: acct(i)}}
	}
	out, err := w.c.TransactGetItems(context.Background(), &dynamodb.TransactGetItemsInput{TransactItems: items})
	var cancelled *types.TransactionCanceledException
	if errors.As(err, &cancelled) {
		w.failed[2].Add(1) // DynamoDB cancels a read that conflicts with a write in progress
		return
	}
	if err != nil {
		t.Errorf("TransactGetItems: %v", err)
		return
	}
	sum := 0
	for i, resp := range out.Responses {
		v, err := strconv.Atoi(numAttr(resp.Item, "bal"))
		if err != nil {
			t.Errorf("account %d read in a transaction: %v (%v)", i, resp.Item, err)
			return
		}
		sum += v
	}
	assert.Equal(t, partAccounts*partInitial, sum, "balances read in one transaction")
	w.stats[2].Add(1)
}

// queryOwner pages through one GSI partition: every entry has the queried
// owner, a balance, the table's key, and entries come in balance order.
func (w *partWorld) queryOwner(t *testing.T, owner string) {
	in := &dynamodb.QueryInput{TableName: aws.String(w.table), IndexName: aws.String("by_owner"), Limit: aws.Int32(7),
		KeyConditionExpression: aws.String("#o = :o"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": s(owner)}}
	last := -1 << 31
	for {
		out, err := w.c.Query(context.Background(), in)
		if err != nil {
			t.Errorf("query %s: %v", owner, err)
			return
		}
		for _, it := range out.Items {
			bal, err := strconv.Atoi(numAttr(it, "bal"))
			if err != nil || strAttr(it, "owner") != owner || strAttr(it, "pk") == "" || strAttr(it, "sk") != "a" {
				t.Errorf("GSI %s entry: %v", owner, it)
				continue
			}
			// A page starts after the last key of the page before, so
			// balances never go down within one walk of the partition.
			if bal < last {
				t.Errorf("GSI %s out of order: %d after %d", owner, bal, last)
			}
			last = bal
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	w.stats[3].Add(1)
}

// bump is a versioned update: read the version, write version+1 on the
// condition that it is still the one read.
func (w *partWorld) bump(t *testing.T, i int) {
	ctx := context.Background()
	key := map[string]types.AttributeValue{"pk": s(fmt.Sprintf("c%d", i)), "sk": s("c")}
	out, err := w.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(w.table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Errorf("read counter %d: %v", i, err)
		return
	}
	ver, _ := strconv.Atoi(numAttr(out.Item, "ver"))
	_, err = w.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(w.table), Key: key,
		UpdateExpression: aws.String("SET ver = :new"), ConditionExpression: aws.String("ver = :old"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":new": n(strconv.Itoa(ver + 1)), ":old": n(strconv.Itoa(ver))}})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		w.bumps[i].Add(1)
		w.stats[4].Add(1)
	case errors.As(err, &ccf):
		w.failed[4].Add(1)
	default:
		t.Errorf("bump counter %d: %v", i, err)
	}
}

// checkStored reads every item back once the workers are done.
func (w *partWorld) checkStored(t *testing.T) {
	items := scanAll(t, w.c, &dynamodb.ScanInput{TableName: aws.String(w.table), ConsistentRead: aws.Bool(true)})
	sum, accounts, notes := 0, 0, 0
	byOwner := map[string][]string{}
	for _, it := range items {
		pk := strAttr(it, "pk")
		if o := strAttr(it, "owner"); o != "" {
			byOwner[o] = append(byOwner[o], pk+"="+numAttr(it, "bal"))
		}
		switch strAttr(it, "sk") {
		case "a":
			accounts++
			bal, _ := strconv.Atoi(numAttr(it, "bal"))
			sum += bal
			i, _ := strconv.Atoi(pk[1:])
			assert.Equal(t, strconv.FormatInt(w.moves[i].Load(), 10), numAttr(it, "moves"), "transfers committed on %s", pk)
		case "c":
			i, _ := strconv.Atoi(pk[1:])
			assert.Equal(t, strconv.FormatInt(w.bumps[i].Load(), 10), numAttr(it, "ver"), "versioned updates of %s", pk)
		case "n":
			notes++
			want, ok := w.notes.Load(pk)
			assert.True(t, ok, "note %s was written", pk)
			assert.Equal(t, want, numAttr(it, "bal"), pk)
		}
	}
	assert.Equal(t, partAccounts, accounts)
	assert.Equal(t, partAccounts*partInitial, sum, "balances after every transfer")
	written := 0
	w.notes.Range(func(any, any) bool { written++; return true })
	assert.Equal(t, written, notes, "notes stored")
	owners := []string{"notes"}
	for i := 0; i < partOwners; i++ {
		owners = append(owners, ownerKey(i))
	}
	for _, o := range owners {
		var got []string
		for _, it := range scanAll(t, w.c, &dynamodb.QueryInput{TableName: aws.String(w.table), IndexName: aws.String("by_owner"),
			KeyConditionExpression: aws.String("#o = :o"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":o": s(o)}}) {
			got = append(got, strAttr(it, "pk")+"="+numAttr(it, "bal"))
		}
		sort.Strings(got)
		sort.Strings(byOwner[o])
		assert.Equal(t, byOwner[o], got, "GSI partition %s holds exactly the table's items of that owner", o)
	}
}

// scanAll pages a Scan or Query to its end and returns every item.
func scanAll(t *testing.T, c *dynamodb.Client, in any) []map[string]types.AttributeValue {
	var all []map[string]types.AttributeValue
	ctx := context.Background()
	for {
		var items []map[string]types.AttributeValue
		var next map[string]types.AttributeValue
		switch in := in.(type) {
		case *dynamodb.ScanInput:
			out, err := c.Scan(ctx, in)
			require.NoError(t, err)
			items, next = out.Items, out.LastEvaluatedKey
			in.ExclusiveStartKey = next
		case *dynamodb.QueryInput:
			out, err := c.Query(ctx, in)
			require.NoError(t, err)
			items, next = out.Items, out.LastEvaluatedKey
			in.ExclusiveStartKey = next
		}
		all = append(all, items...)
		if next == nil {
			return all
		}
	}
}

func strAttr(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func numAttr(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}
