package memdb

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWritesDuringDDLSweepsAndStreams runs 16 writers on 40 items in 8
// partitions of a table with a stream and TTL while other goroutines add a
// GSI (UpdateTable), sweep expired items on a moving clock, scan the table
// (every item whole) and describe it. Afterwards the stream holds one record
// per write and one REMOVE per TTL deletion, and each item's records chain
// (a record's old image is the previous record's new image, one increment
// apart, an INSERT after a REMOVE starting again at 1: commit order per
// item); each stored item is its last record's new image; and the GSI added
// mid-run holds exactly the table's items. Run with -race in the
// test command. (memdb only: DynamoDB Local builds a new GSI in the
// background, and its TTL cannot be driven by a clock.)
func TestWritesDuringDDLSweepsAndStreams(t *testing.T) {
	srv := New()
	defer srv.Close()
	var clock atomic.Int64
	clock.Store(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	srv.SetClock(func() time.Time { return time.Unix(clock.Load(), 0) })
	c := srv.Client()
	ctx := context.Background()
	streamTable(t, c, "exp")
	reader, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)

	const writers, each = 16, 60
	var wg sync.WaitGroup
	var stop atomic.Bool
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				key := map[string]types.AttributeValue{"pk": s(fmt.Sprintf("p%d", (g+i)%8)), "sk": n(strconv.Itoa(i % 5))}
				// Every third write sets an expiry already past, for the sweeper.
				exp := clock.Load() + 3600
				if i%3 == 0 {
					exp = clock.Load() - 1
				}
				_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("things"), Key: key,
					UpdateExpression:          aws.String("ADD n :one SET g = :g, exp = :exp"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1"), ":g": s(fmt.Sprintf("g%d", g%3)), ":exp": n(strconv.FormatInt(exp, 10))}})
				assert.NoError(t, err)
			}
		}(g)
	}
	var side sync.WaitGroup
	side.Add(2)
	go func() { // DDL in the middle of the writes
		defer side.Done()
		time.Sleep(5 * time.Millisecond)
		_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("things"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS}},
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: aws.String("by_g"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}}})
		assert.NoError(t, err)
	}()
	go func() { // sweeps, scans and describes until the writers are done
		defer side.Done()
		for !stop.Load() {
			clock.Add(1)
			srv.SweepTTL()
			out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("things")})
			if assert.NoError(t, err) {
				for _, it := range out.Items {
					assert.Len(t, it, 5, "a whole item: pk, sk, n, g, exp") // never torn
				}
			}
			_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("things")})
			assert.NoError(t, err)
		}
	}()
	wg.Wait()
	stop.Store(true)
	side.Wait()

	ev, err := reader.Next(ctx)
	require.NoError(t, err)
	last := map[string]map[string]types.AttributeValue{} // per item: its latest new image
	inserts := map[string]int{}
	writes := 0
	for _, r := range ev.Records {
		id := r.Change.Keys["pk"].String() + "/" + r.Change.Keys["sk"].Number()
		prev := last[id]
		switch r.EventName {
		case "INSERT":
			assert.Nil(t, prev, "%s inserted while stored", id)
			assert.Equal(t, "1", r.Change.NewImage["n"].Number(), "%s: a new item's counter", id)
			inserts[id]++
		default:
			require.NotNil(t, prev, "%s %s without an earlier image", id, r.EventName)
			assert.Equal(t, prev["n"].(*types.AttributeValueMemberN).Value, r.Change.OldImage["n"].Number(), "%s: old image is the previous new image", id)
		}
		if r.EventName != "REMOVE" {
			writes++
		}
		if r.EventName == "MODIFY" {
			o, _ := strconv.Atoi(r.Change.OldImage["n"].Number())
			assert.Equal(t, strconv.Itoa(o+1), r.Change.NewImage["n"].Number(), "%s: one increment per record", id)
		}
		if r.EventName == "REMOVE" {
			last[id] = nil
			continue
		}
		img := map[string]types.AttributeValue{"n": n(r.Change.NewImage["n"].Number())}
		last[id] = img
	}
	items := map[string]string{}
	byG := map[string][]string{}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("things"), ConsistentRead: aws.Bool(true)})
	require.NoError(t, err)
	for _, it := range out.Items {
		id := it["pk"].(*types.AttributeValueMemberS).Value + "/" + it["sk"].(*types.AttributeValueMemberN).Value
		items[id] = it["n"].(*types.AttributeValueMemberN).Value
		byG[it["g"].(*types.AttributeValueMemberS).Value] = append(byG[it["g"].(*types.AttributeValueMemberS).Value], id)
	}
	assert.Equal(t, 40, len(inserts), "every item was written")
	assert.Equal(t, writers*each, writes, "one record per write")
	t.Logf("%d stream records: %d writes, %d TTL deletions", len(ev.Records), writes, len(ev.Records)-writes)
	for id, img := range last {
		if img == nil {
			assert.NotContains(t, items, id, "%s's last record is a REMOVE", id)
			continue
		}
		assert.Equal(t, img["n"].(*types.AttributeValueMemberN).Value, items[id], "%s: stored as its last record says", id)
	}
	assert.Equal(t, len(last)-countNil(last), len(items))
	for g := 0; g < 3; g++ {
		name := fmt.Sprintf("g%d", g)
		q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("things"), IndexName: aws.String("by_g"),
			KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: map[string]types.AttributeValue{":g": s(name)}})
		require.NoError(t, err)
		var got []string
		for _, it := range q.Items {
			got = append(got, it["pk"].(*types.AttributeValueMemberS).Value+"/"+it["sk"].(*types.AttributeValueMemberN).Value)
		}
		sort.Strings(got)
		sort.Strings(byG[name])
		assert.Equal(t, byG[name], got, "GSI by_g partition %s holds exactly the table's items", name)
	}
}

func countNil(m map[string]map[string]types.AttributeValue) int {
	k := 0
	for _, v := range m {
		if v == nil {
			k++
		}
	}
	return k
}

// An index's size and count go back to 0 when its items are deleted or
// leave it (removing an entry subtracted the size of the key-only entry
// looked up, 0, so IndexSizeBytes only grew).
func TestIndexSizeFollowsRemovals(t *testing.T) {
	srv := New()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("sized"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: "S"}, {AttributeName: aws.String("g"), AttributeType: "S"}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: "HASH"}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("by_g"),
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: "HASH"}}, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}})
	require.NoError(t, err)
	index := func() (int64, int64) {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("sized")})
		require.NoError(t, err)
		g := out.Table.GlobalSecondaryIndexes[0]
		return aws.ToInt64(g.ItemCount), aws.ToInt64(g.IndexSizeBytes)
	}
	for _, pk := range []string{"a", "b"} {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("sized"), Item: map[string]types.AttributeValue{"pk": s(pk), "g": s("x"), "v": s("some value")}})
		require.NoError(t, err)
	}
	n, size := index()
	assert.Equal(t, int64(2), n)
	assert.Positive(t, size)
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("sized"), Key: map[string]types.AttributeValue{"pk": s("a")}})
	require.NoError(t, err)
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("sized"), Key: map[string]types.AttributeValue{"pk": s("b")}, UpdateExpression: aws.String("REMOVE g")})
	require.NoError(t, err)
	n, size = index()
	assert.Equal(t, int64(0), n)
	assert.Equal(t, int64(0), size, "IndexSizeBytes once the index is empty")
}
