package memdb

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// streamTable creates "things" (pk S, sk N) with a NEW_AND_OLD_IMAGES
// stream and, when ttlAttr is set, TTL on that attribute.
func streamTable(t *testing.T, c *dynamodb.Client, ttlAttr string) {
	t.Helper()
	ctx := context.Background()
	newTable(t, c, "things")
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("things"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}})
	require.NoError(t, err)
	if ttlAttr != "" {
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("things"),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(ttlAttr), Enabled: aws.Bool(true)}})
		require.NoError(t, err)
	}
}

func putThing(t *testing.T, c *dynamodb.Client, pk string, attrs map[string]types.AttributeValue) {
	t.Helper()
	it := map[string]types.AttributeValue{"pk": s(pk), "sk": n("1")}
	for k, v := range attrs {
		it[k] = v
	}
	_, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("things"), Item: it})
	require.NoError(t, err)
}

func unix(t time.Time) types.AttributeValue { return n(strconv.FormatInt(t.Unix(), 10)) }

func remaining(t *testing.T, c *dynamodb.Client) []string {
	t.Helper()
	out, err := c.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("things")})
	require.NoError(t, err)
	var pks []string
	for _, it := range out.Items {
		pks = append(pks, it["pk"].(*types.AttributeValueMemberS).Value)
	}
	return pks
}

// SweepTTL deletes exactly the items whose TTL number lies in the past (by
// at most five years), records each deletion as a REMOVE by the TTL
// service, and leaves everything else alone.
func TestSweepTTLDeletesExpiredItemsOnly(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	c := srv.Client()
	streamTable(t, c, "exp")
	putThing(t, c, "past", map[string]types.AttributeValue{"exp": unix(now.Add(-time.Second)), "x": s("old")})
	putThing(t, c, "fraction", map[string]types.AttributeValue{"exp": n(strconv.FormatInt(now.Unix()-1, 10) + ".5")})
	putThing(t, c, "now", map[string]types.AttributeValue{"exp": unix(now)})
	putThing(t, c, "future", map[string]types.AttributeValue{"exp": unix(now.Add(time.Hour))})
	putThing(t, c, "ancient", map[string]types.AttributeValue{"exp": unix(now.AddDate(-6, 0, 0))})
	putThing(t, c, "string", map[string]types.AttributeValue{"exp": s("1")})
	putThing(t, c, "none", nil)
	r, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)

	assert.Equal(t, 2, srv.SweepTTL())
	assert.ElementsMatch(t, []string{"now", "future", "ancient", "string", "none"}, remaining(t, c))
	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 2)
	for _, rec := range ev.Records {
		assert.Equal(t, "REMOVE", rec.EventName)
		require.NotNil(t, rec.UserIdentity)
		assert.Equal(t, "Service", rec.UserIdentity.Type)
		assert.Equal(t, "dynamodb.amazonaws.com", rec.UserIdentity.PrincipalID)
		assert.Nil(t, rec.Change.NewImage)
		assert.NotNil(t, rec.Change.OldImage["exp"])
	}
	assert.Equal(t, 0, srv.SweepTTL(), "a second sweep finds nothing")

	// The clock moves on: "now" and "future" expire in turn.
	now = now.Add(2 * time.Hour)
	assert.Equal(t, 2, srv.SweepTTL())
	assert.ElementsMatch(t, []string{"ancient", "string", "none"}, remaining(t, c))
}

// Tables without TTL enabled (or with it disabled again) are never swept.
func TestSweepTTLIgnoresTablesWithoutTTL(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	streamTable(t, c, "")
	putThing(t, c, "a", map[string]types.AttributeValue{"exp": n("1")})
	assert.Equal(t, 0, srv.SweepTTL())

	for _, on := range []bool{true, false} {
		_, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("things"),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(on)}})
		require.NoError(t, err)
	}
	assert.Equal(t, 0, srv.SweepTTL())
	assert.Equal(t, []string{"a"}, remaining(t, c))
}

// The background sweeper deletes items as they expire and stops when told.
func TestTTLSweeperRunsInTheBackground(t *testing.T) {
	srv := New()
	defer srv.Close()
	var mu sync.Mutex
	now := time.Unix(2_000_000_000, 0)
	srv.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	c := srv.Client()
	streamTable(t, c, "exp")
	putThing(t, c, "a", map[string]types.AttributeValue{"exp": n("2000000100")})

	stop := srv.StartTTLSweeper(time.Millisecond)
	defer stop()
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, []string{"a"}, remaining(t, c), "not expired yet")
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for len(remaining(t, c)) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	assert.Empty(t, remaining(t, c), "the sweeper deleted the expired item")
	stop()
	stop() // idempotent
	putThing(t, c, "b", map[string]types.AttributeValue{"exp": n("1999999999")})
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, []string{"b"}, remaining(t, c), "a stopped sweeper deletes nothing")
}

// The stream reader works over HTTP (as cmd/memdb serves the Server) with
// the SDK's own HTTP client, and reports a table without a stream.
func TestStreamReaderOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), HTTPClient: awshttp.NewBuildableClient(),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
	newTable(t, c, "plain")
	_, err := NewStreamReader(ctx, c, "plain")
	assert.True(t, errors.Is(err, ErrNoStream), "got %v", err)

	streamTable(t, c, "")
	putThing(t, c, "before", nil) // before the reader: not returned
	r, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)
	putThing(t, c, "a", map[string]types.AttributeValue{"v": n("1")})
	putThing(t, c, "a", map[string]types.AttributeValue{"v": n("2")})
	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 2)
	assert.Equal(t, "INSERT", ev.Records[0].EventName)
	assert.Equal(t, "MODIFY", ev.Records[1].EventName)
	assert.Equal(t, "1", ev.Records[1].Change.OldImage["v"].Number())
	assert.Equal(t, "2", ev.Records[1].Change.NewImage["v"].Number())
	assert.Less(t, ev.Records[0].Change.SequenceNumber, ev.Records[1].Change.SequenceNumber)
	assert.NotEqual(t, ev.Records[0].EventID, ev.Records[1].EventID)
	assert.Equal(t, "us-east-1", ev.Records[0].AWSRegion)
}
