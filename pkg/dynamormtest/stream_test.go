package dynamormtest_test

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/memdb"
)

type Line struct {
	SKU string
	Qty int
}

type Audit struct {
	By string
	At time.Time
}

// Kinds holds a field of every kind of value the codec stores.
type Kinds struct {
	ID      string `dynamorm:"pk"`
	Seq     int64  `dynamorm:"sk"`
	Audit          // embedded
	Name    string
	Empty   string
	I8      int8
	U64     uint64
	F32     float32
	F64     float64
	Big     int64
	Flag    bool
	Raw     []byte
	When    time.Time
	Unix    time.Time `dynamorm:"unixtime"`
	TTL     time.Time `dynamorm:"ttl"`
	Ptr     *string
	NilPtr  *int
	Tags    []string `dynamorm:"set"`
	Nums    []int    `dynamorm:"set"`
	Blobs   [][]byte `dynamorm:"set"`
	List    []any
	Lines   []Line
	Arr     [3]int
	Counts  map[string]int
	Nested  *Line
	Addr    netip.Addr // encoding.TextMarshaler
	Omitted string     `dynamorm:"omitempty"`
	Version int64      `dynamorm:"version"`
}

func kinds() Kinds {
	s := "via pointer"
	return Kinds{
		ID: "k1", Seq: 7, Audit: Audit{By: "alice", At: time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)},
		Name: "hello", I8: -128, U64: math.MaxUint64, F32: 1.5, F64: -0.000123, Big: math.MaxInt64, Flag: true,
		Raw: []byte{0, 1, 2, 255}, When: time.Date(2023, 1, 2, 3, 4, 5, 6, time.UTC),
		Unix: time.Unix(1700000000, 0).UTC(), TTL: time.Unix(1800000000, 0).UTC(), Ptr: &s,
		Tags: []string{"a", "b"}, Nums: []int{1, 2, 3}, Blobs: [][]byte{{1}, {2}},
		List: []any{"x", marshal.Number("2"), true, nil}, Lines: []Line{{"s1", 2}}, Arr: [3]int{1, 2, 3},
		Counts: map[string]int{"a": 1}, Nested: &Line{"n", 1}, Addr: netip.MustParseAddr("192.0.2.1"), Version: 3,
	}
}

// Every kind of value comes back from the event's images as it went in, for
// each event name.
func TestStreamEventRoundTrip(t *testing.T) {
	t.Parallel()
	old, cur := kinds(), kinds()
	cur.Name, cur.Version = "changed", 4
	ev := dynamormtest.StreamEvent(t, dynamormtest.Insert(&cur), dynamormtest.Modify(&old, &cur), dynamormtest.Remove(old))
	require.Len(t, ev.Records, 3)
	for i, name := range []string{"INSERT", "MODIFY", "REMOVE"} {
		r := ev.Records[i]
		assert.Equal(t, name, r.EventName)
		assert.Equal(t, "aws:dynamodb", r.EventSource)
		assert.Equal(t, "NEW_AND_OLD_IMAGES", r.Change.StreamViewType)
		assert.Contains(t, r.EventSourceArn, ":table/kinds/stream/")
		assert.Equal(t, map[string]events.DynamoDBAttributeValue{
			"ID": events.NewStringAttribute("k1"), "Seq": events.NewNumberAttribute("7"),
		}, r.Change.Keys)
		if i > 0 {
			assert.Less(t, ev.Records[i-1].Change.SequenceNumber, r.Change.SequenceNumber)
			assert.NotEqual(t, ev.Records[i-1].EventID, r.EventID)
		}
	}
	var got Kinds
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[0].Change.NewImage, &got))
	assert.Equal(t, cur, got)
	assert.Nil(t, ev.Records[0].Change.OldImage)
	got = Kinds{}
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[1].Change.OldImage, &got))
	assert.Equal(t, old, got)
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[1].Change.NewImage, &got))
	assert.Equal(t, cur, got)
	got = Kinds{}
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[2].Change.OldImage, &got))
	assert.Equal(t, old, got)
	assert.Nil(t, ev.Records[2].Change.NewImage)

	var all []Kinds
	require.NoError(t, dynamorm.UnmarshalItems([]map[string]events.DynamoDBAttributeValue{ev.Records[0].Change.NewImage, ev.Records[1].Change.OldImage}, &all))
	assert.Equal(t, []Kinds{cur, old}, all)
}

// SDK items, view types, the TTL service, and bad changes.
func TestStreamOptionsAndErrors(t *testing.T) {
	t.Parallel()
	item := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "p"}, "N": &types.AttributeValueMemberN{Value: "1"}}
	s := dynamormtest.Stream{Table: "raw", Keys: []string{"PK"}, ViewType: types.StreamViewTypeKeysOnly, Region: "eu-west-1", Time: time.Unix(1700000000, 0)}
	ev, err := s.Event(dynamormtest.Insert(item), dynamormtest.ExpireTTL(item))
	require.NoError(t, err)
	r := ev.Records[1]
	assert.Equal(t, "REMOVE", r.EventName)
	assert.Nil(t, r.Change.NewImage)
	assert.Nil(t, r.Change.OldImage, "KEYS_ONLY")
	assert.Equal(t, map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute("p")}, r.Change.Keys)
	assert.Equal(t, &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}, r.UserIdentity)
	assert.Equal(t, "arn:aws:dynamodb:eu-west-1:000000000000:table/raw/stream/2023-11-14T22:13:20.000", r.EventSourceArn)
	assert.Equal(t, int64(1700000000), r.Change.ApproximateCreationDateTime.Unix())

	ev, err = dynamormtest.Stream{ViewType: types.StreamViewTypeNewImage}.Event(dynamormtest.Modify(&Note{ID: "1", Text: "a"}, &Note{ID: "1", Text: "b"}))
	require.NoError(t, err)
	assert.Nil(t, ev.Records[0].Change.OldImage)
	assert.Equal(t, "b", ev.Records[0].Change.NewImage["Text"].String())

	for _, c := range []struct {
		s    dynamormtest.Stream
		ch   dynamormtest.Change
		want string
	}{
		{dynamormtest.Stream{}, dynamormtest.Modify(&Note{ID: "1"}, &Note{ID: "2"}), `key attribute "ID" differs`},
		{dynamormtest.Stream{}, dynamormtest.Change{Name: "INSERT", Old: &Note{ID: "1"}}, "INSERT needs old image false and new image true"},
		{dynamormtest.Stream{}, dynamormtest.Change{Name: "UPSERT", New: &Note{ID: "1"}}, "unknown event name"},
		{dynamormtest.Stream{}, dynamormtest.Change{Name: "INSERT", New: &Note{ID: "1"}, ByTTL: true}, "TTL service"},
		{dynamormtest.Stream{}, dynamormtest.Insert(item), "needs Stream.Keys and Stream.Table"},
		{dynamormtest.Stream{Table: "raw", Keys: []string{"SK"}}, dynamormtest.Insert(item), `key attribute "SK" is missing`},
		{dynamormtest.Stream{ViewType: "ALL"}, dynamormtest.Insert(&Note{ID: "1"}), `stream view type "ALL"`},
		{dynamormtest.Stream{}, dynamormtest.Insert(&struct{ A string }{}), "invalid model"},
	} {
		_, err := c.s.Event(c.ch)
		if assert.Error(t, err, c.want) {
			assert.Contains(t, err.Error(), c.want)
		}
	}
	ft := &fakeT{TB: t}
	dynamormtest.StreamEvent(ft, dynamormtest.Remove(nil))
	assert.Contains(t, ft.failed, "REMOVE needs old image true")
}

// The event built from the values equals the one the table's stream
// delivers (memdb.StreamReader, on memdb or DynamoDB Local) after dynamorm
// wrote them: same keys, images and names.
func TestStreamEventMatchesTheStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dynamormtest.New(t)
	require.NoError(t, db.CreateTable(&Kinds{}, core.WithStream(types.StreamViewTypeNewAndOldImages)))
	table := dynamormtest.TableName(t, db, &Kinds{})
	// A record before the reader opens: DynamoDB Local's LATEST iterator of
	// an empty shard can answer TrimmedDataAccessException later.
	require.NoError(t, db.Model(&Kinds{ID: "before"}).Create())
	reader, err := memdb.NewStreamReader(ctx, db.Client().(*dynamodb.Client), table)
	require.NoError(t, err)

	v := kinds()
	v.Version = 0
	require.NoError(t, db.Model(&v).Create())
	old := v
	v.Name = "changed"
	require.NoError(t, db.Model(&v).Update())
	require.NoError(t, db.Model(&v).Delete())
	read, err := reader.Next(ctx)
	require.NoError(t, err)

	built, err := dynamormtest.Stream{Table: table}.Event(dynamormtest.Insert(&old), dynamormtest.Modify(&old, &v), dynamormtest.Remove(&v))
	require.NoError(t, err)
	require.Len(t, read.Records, 3)
	for i := range built.Records {
		b, r := built.Records[i], read.Records[i]
		assert.Equal(t, r.EventName, b.EventName)
		assert.Equal(t, r.Change.Keys, b.Change.Keys, "record %d keys", i)
		assert.Equal(t, r.Change.NewImage, b.Change.NewImage, "record %d new image", i)
		assert.Equal(t, r.Change.OldImage, b.Change.OldImage, "record %d old image", i)
		assert.Equal(t, r.Change.StreamViewType, b.Change.StreamViewType)
		tableOf := func(arn string) string { return strings.Split(strings.SplitN(arn, ":table/", 2)[1], "/stream/")[0] }
		assert.Equal(t, tableOf(r.EventSourceArn), tableOf(b.EventSourceArn)) // regions differ: DynamoDB Local's is "ddblocal"
	}
}

// An order stream handler, as a Lambda function runs it.
type Order struct {
	ID     string `dynamorm:"pk"`
	Status string
	Total  int64
}

func shipped(ctx context.Context, e events.DynamoDBEvent) ([]string, error) {
	var out []string
	for _, r := range e.Records {
		if r.EventName != "MODIFY" {
			continue
		}
		var before, after Order
		if err := dynamorm.UnmarshalItem(r.Change.OldImage, &before); err != nil {
			return nil, err
		}
		if err := dynamorm.UnmarshalItem(r.Change.NewImage, &after); err != nil {
			return nil, err
		}
		if before.Status != "shipped" && after.Status == "shipped" {
			out = append(out, fmt.Sprintf("%s (%d)", after.ID, after.Total))
		}
	}
	return out, nil
}

// A Lambda stream handler is tested with an event built from model values:
// no hand-written JSON.
func ExampleStreamEvent() {
	// In a test: event := dynamormtest.StreamEvent(t, ...), which fails t on bad changes.
	event, err := dynamormtest.Stream{}.Event(
		dynamormtest.Insert(&Order{ID: "o1", Status: "new", Total: 30}),
		dynamormtest.Modify(&Order{ID: "o1", Status: "new", Total: 30}, &Order{ID: "o1", Status: "shipped", Total: 30}),
		dynamormtest.Modify(&Order{ID: "o2", Status: "shipped"}, &Order{ID: "o2", Status: "shipped", Total: 5}),
		dynamormtest.Remove(&Order{ID: "o3"}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := shipped(context.Background(), event)
	fmt.Println(ids, err)
	// Output: [o1 (30)] <nil>
}
