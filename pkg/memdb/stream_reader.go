package memdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// StreamsClient returns a real *dynamodbstreams.Client wired to s through an
// in-memory transport. Options may be adjusted with optFns.
func (s *Server) StreamsClient(optFns ...func(*dynamodbstreams.Options)) *dynamodbstreams.Client {
	opts := dynamodbstreams.Options{
		Region:       region,
		BaseEndpoint: aws.String(inProcessEndpoint),
		Credentials:  inProcessCredentials,
		HTTPClient:   transport{s},
	}
	return dynamodbstreams.New(opts, optFns...)
}

// StreamsAPI is the part of *dynamodbstreams.Client a StreamReader calls.
type StreamsAPI interface {
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// StreamReader reads a DynamoDB stream from a point on and returns what it
// read as the events.DynamoDBEvent a Lambda function subscribed to the
// stream receives, so a stream handler can be tested end to end: write
// through dynamorm, call Next, hand the event to the handler, assert.
//
//	r, err := memdb.NewStreamReader(ctx, client, "orders")
//	... writes ...
//	event, err := r.Next(ctx)
//	err = handleDynamoDBStream(ctx, event)
//
// It speaks the Streams API, so it reads memdb, DynamoDB Local and DynamoDB
// alike. A StreamReader is not safe for concurrent use.
type StreamReader struct {
	api    StreamsAPI
	arn    string
	region string
	iters  map[string]*string // shard id -> next iterator; nil once the shard is closed
}

// ErrNoStream is returned by NewStreamReader for a table without an enabled stream.
var ErrNoStream = errors.New("memdb: the table has no enabled stream")

// NewStreamReader returns a reader of the latest stream of table, through a
// Streams client that reaches the same server as client (same region,
// endpoint, credentials and HTTP client). Next returns the records written
// after this call.
func NewStreamReader(ctx context.Context, client *dynamodb.Client, table string) (*StreamReader, error) {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		return nil, fmt.Errorf("memdb: stream of table %s: %w", table, err)
	}
	spec := out.Table.StreamSpecification
	if out.Table.LatestStreamArn == nil || spec == nil || spec.StreamEnabled == nil || !*spec.StreamEnabled {
		return nil, fmt.Errorf("%w: %s", ErrNoStream, table)
	}
	o := client.Options()
	api := dynamodbstreams.New(dynamodbstreams.Options{
		Region: o.Region, BaseEndpoint: o.BaseEndpoint, Credentials: o.Credentials, HTTPClient: o.HTTPClient,
		RetryMaxAttempts: o.RetryMaxAttempts, Logger: o.Logger,
	})
	return OpenStream(ctx, api, *out.Table.LatestStreamArn, o.Region)
}

// OpenStream returns a reader of the stream streamARN through api, reporting
// awsRegion as the records' region. Next returns the records written after
// this call.
func OpenStream(ctx context.Context, api StreamsAPI, streamARN, awsRegion string) (*StreamReader, error) {
	r := &StreamReader{api: api, arn: streamARN, region: awsRegion, iters: map[string]*string{}}
	if err := r.discover(ctx, types.ShardIteratorTypeLatest); err != nil {
		return nil, err
	}
	return r, nil
}

// discover adds the shards not seen yet, starting at pos.
func (r *StreamReader) discover(ctx context.Context, pos types.ShardIteratorType) error {
	var start *string
	for {
		out, err := r.api.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &r.arn, ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("memdb: describe stream %s: %w", r.arn, err)
		}
		for _, sh := range out.StreamDescription.Shards {
			if _, seen := r.iters[*sh.ShardId]; seen {
				continue
			}
			it, err := r.api.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &r.arn, ShardId: sh.ShardId, ShardIteratorType: pos})
			if err != nil {
				return fmt.Errorf("memdb: shard iterator of %s: %w", *sh.ShardId, err)
			}
			r.iters[*sh.ShardId] = it.ShardIterator
		}
		if start = out.StreamDescription.LastEvaluatedShardId; start == nil {
			return nil
		}
	}
}

// Next returns, as one event, every record written since the reader was
// opened or Next last returned, in stream order per shard. An empty event
// means nothing was written.
func (r *StreamReader) Next(ctx context.Context) (events.DynamoDBEvent, error) {
	// Shards created since the last call are read from their start.
	if err := r.discover(ctx, types.ShardIteratorTypeTrimHorizon); err != nil {
		return events.DynamoDBEvent{}, err
	}
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{}}
	for _, id := range sortedKeys(r.iters) {
		for r.iters[id] != nil {
			out, err := r.api.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: r.iters[id]})
			if err != nil {
				return events.DynamoDBEvent{}, fmt.Errorf("memdb: get records of %s: %w", id, err)
			}
			r.iters[id] = out.NextShardIterator
			for i := range out.Records {
				ev.Records = append(ev.Records, r.eventRecord(&out.Records[i]))
			}
			if len(out.Records) == 0 {
				break
			}
		}
	}
	return ev, nil
}

// eventRecord converts a Streams API record to aws-lambda-go's form.
func (r *StreamReader) eventRecord(rec *types.Record) events.DynamoDBEventRecord {
	out := events.DynamoDBEventRecord{
		AWSRegion:      r.region,
		EventID:        aws.ToString(rec.EventID),
		EventName:      string(rec.EventName),
		EventSource:    aws.ToString(rec.EventSource),
		EventVersion:   aws.ToString(rec.EventVersion),
		EventSourceArn: r.arn,
	}
	if id := rec.UserIdentity; id != nil {
		out.UserIdentity = &events.DynamoDBUserIdentity{Type: aws.ToString(id.Type), PrincipalID: aws.ToString(id.PrincipalId)}
	}
	if c := rec.Dynamodb; c != nil {
		out.Change = events.DynamoDBStreamRecord{
			Keys:           eventImage(c.Keys),
			NewImage:       eventImage(c.NewImage),
			OldImage:       eventImage(c.OldImage),
			SequenceNumber: aws.ToString(c.SequenceNumber),
			SizeBytes:      aws.ToInt64(c.SizeBytes),
			StreamViewType: string(c.StreamViewType),
		}
		if c.ApproximateCreationDateTime != nil {
			out.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *c.ApproximateCreationDateTime}
		}
	}
	return out
}

// eventImage converts a Streams API image to aws-lambda-go's form, through
// the SDK's form and the one conversion of pkg/marshal (the one
// dynamormtest.StreamEvent uses).
func eventImage(m map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if m == nil {
		return nil
	}
	item := make(map[string]ddbtypes.AttributeValue, len(m))
	for k, v := range m {
		item[k] = sdkValue(v)
	}
	return marshal.ToStreamImage(item)
}

// sdkValue converts a Streams API attribute value to the DynamoDB API's
// type, which has the same members.
func sdkValue(v types.AttributeValue) ddbtypes.AttributeValue {
	switch a := v.(type) {
	case *types.AttributeValueMemberS:
		return &ddbtypes.AttributeValueMemberS{Value: a.Value}
	case *types.AttributeValueMemberN:
		return &ddbtypes.AttributeValueMemberN{Value: a.Value}
	case *types.AttributeValueMemberB:
		return &ddbtypes.AttributeValueMemberB{Value: a.Value}
	case *types.AttributeValueMemberBOOL:
		return &ddbtypes.AttributeValueMemberBOOL{Value: a.Value}
	case *types.AttributeValueMemberSS:
		return &ddbtypes.AttributeValueMemberSS{Value: a.Value}
	case *types.AttributeValueMemberNS:
		return &ddbtypes.AttributeValueMemberNS{Value: a.Value}
	case *types.AttributeValueMemberBS:
		return &ddbtypes.AttributeValueMemberBS{Value: a.Value}
	case *types.AttributeValueMemberL:
		l := make([]ddbtypes.AttributeValue, len(a.Value))
		for i, x := range a.Value {
			l[i] = sdkValue(x)
		}
		return &ddbtypes.AttributeValueMemberL{Value: l}
	case *types.AttributeValueMemberM:
		m := make(map[string]ddbtypes.AttributeValue, len(a.Value))
		for k, x := range a.Value {
			m[k] = sdkValue(x)
		}
		return &ddbtypes.AttributeValueMemberM{Value: m}
	}
	return &ddbtypes.AttributeValueMemberNULL{Value: true}
}
