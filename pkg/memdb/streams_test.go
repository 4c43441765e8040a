package memdb

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func setStream(t *testing.T, c *dynamodb.Client, on bool) {
	t.Helper()
	spec := &types.StreamSpecification{StreamEnabled: aws.Bool(on)}
	if on {
		spec.StreamViewType = types.StreamViewTypeKeysOnly
	}
	_, err := c.UpdateTable(context.Background(), &dynamodb.UpdateTableInput{TableName: aws.String("things"), StreamSpecification: spec})
	require.NoError(t, err)
}

// Under a stopped clock, each stream enabled again still gets its own ARN,
// streams list newest first in pages, and a deleted table's streams stay
// readable (disabled) while a table of the same name gets new ones.
func TestStreamsKeepDistinctARNsAndOutliveTheirTable(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return at })
	c, sc := srv.Client(), srv.StreamsClient()
	newTable(t, c, "things")
	for i := 0; i < 3; i++ {
		setStream(t, c, true)
		putThing(t, c, "p", map[string]types.AttributeValue{"i": n(string(rune('0' + i)))})
		setStream(t, c, false)
	}
	var arns []string
	var start *string
	for {
		out, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("things"), Limit: aws.Int32(2), ExclusiveStartStreamArn: start})
		require.NoError(t, err)
		for _, s := range out.Streams {
			arns = append(arns, *s.StreamArn)
		}
		if start = out.LastEvaluatedStreamArn; start == nil {
			break
		}
	}
	require.Len(t, arns, 3)
	assert.Greater(t, arns[0], arns[1], "newest first")
	assert.Greater(t, arns[1], arns[2])

	_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("things")})
	require.NoError(t, err)
	for _, arn := range arns {
		d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
		require.NoError(t, err)
		assert.Equal(t, "DISABLED", string(d.StreamDescription.StreamStatus))
		assert.Equal(t, seqString(1), *d.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber, "one record each")
	}
	streamTable(t, c, "")
	r, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)
	putThing(t, c, "q", nil)
	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 1, "the new table's stream, not a deleted one")
	assert.Equal(t, "q", ev.Records[0].Change.Keys["pk"].String())
}

// Concurrent writers: every change is recorded once, sequence numbers are
// unique and increasing, and each item's records come in the order its
// writes were made.
func TestStreamOrderUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	streamTable(t, c, "")
	r, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)
	const writers, writes = 8, 40
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func(w int) {
			for i := 1; i <= writes; i++ {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("things"), Item: map[string]types.AttributeValue{
					"pk": s("w" + strconv.Itoa(w)), "sk": n("1"), "i": n(strconv.Itoa(i))}})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < writers; w++ {
		require.NoError(t, <-errs)
	}
	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, writers*writes)
	last := map[string]int{}
	prevSeq := ""
	for _, rec := range ev.Records {
		assert.Greater(t, rec.Change.SequenceNumber, prevSeq)
		prevSeq = rec.Change.SequenceNumber
		pk := rec.Change.Keys["pk"].String()
		i, err := strconv.Atoi(rec.Change.NewImage["i"].Number())
		require.NoError(t, err)
		assert.Equal(t, last[pk]+1, i, "item %s: records in write order", pk)
		last[pk] = i
		if i == 1 {
			assert.Equal(t, "INSERT", rec.EventName)
		} else {
			assert.Equal(t, "MODIFY", rec.EventName)
			assert.Equal(t, strconv.Itoa(i-1), rec.Change.OldImage["i"].Number())
		}
	}
}

// Streams enabled within the same millisecond of the real clock get
// distinct labels (labels have millisecond precision).
func TestStreamLabelsAreDistinctWithinAMillisecond(t *testing.T) {
	srv := New()
	defer srv.Close()
	at := time.Date(2030, 1, 1, 0, 0, 0, 400_000, time.UTC)
	srv.SetClock(func() time.Time { return at })
	c := srv.Client()
	newTable(t, c, "things")
	setStream(t, c, true)
	setStream(t, c, false)
	at = at.Add(500 * time.Microsecond) // later, but the same millisecond
	setStream(t, c, true)
	out, err := srv.StreamsClient().ListStreams(context.Background(), &dynamodbstreams.ListStreamsInput{})
	require.NoError(t, err)
	require.Len(t, out.Streams, 2)
	assert.NotEqual(t, *out.Streams[0].StreamLabel, *out.Streams[1].StreamLabel)
}
