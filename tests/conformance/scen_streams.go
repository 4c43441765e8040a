package conformance

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go"
)

// streamsOf returns a Streams client that reaches the same server as c.
func streamsOf(c *dynamodb.Client) *dynamodbstreams.Client {
	o := c.Options()
	return dynamodbstreams.New(dynamodbstreams.Options{Region: o.Region, BaseEndpoint: o.BaseEndpoint,
		Credentials: o.Credentials, HTTPClient: o.HTTPClient, RetryMaxAttempts: 1})
}

// shardRef names the first shard of the newest stream of a table and the
// sequence numbers of all its records, in order.
type shardRef struct {
	arn, shard string
	seqs       []string
}

// latestStream finds the newest stream of tbl and reads its sequence numbers.
func latestStream(ctx context.Context, sc *dynamodbstreams.Client, tbl string) (shardRef, error) {
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: &tbl})
	if err != nil {
		return shardRef{}, err
	}
	if len(ls.Streams) == 0 {
		return shardRef{}, fmt.Errorf("table %s has no stream", tbl)
	}
	arn := *ls.Streams[0].StreamArn
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &arn})
	if err != nil {
		return shardRef{}, err
	}
	ref := shardRef{arn: arn, shard: *d.StreamDescription.Shards[0].ShardId}
	si, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: &ref.shard, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		return shardRef{}, err
	}
	for iter := si.ShardIterator; iter != nil; {
		out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			return shardRef{}, err
		}
		for _, r := range out.Records {
			ref.seqs = append(ref.seqs, aws.ToString(r.Dynamodb.SequenceNumber))
		}
		if len(out.Records) == 0 {
			break
		}
		iter = out.NextShardIterator
	}
	return ref, nil
}

// rank is the position of a sequence number among the stream's records:
// servers number records differently (DynamoDB Local counts across all the
// streams of the server), but in the same order.
func (r shardRef) rank(seq *string) string {
	for i, s := range r.seqs {
		if s == aws.ToString(seq) {
			return strconv.Itoa(i)
		}
	}
	return "not a record: " + aws.ToString(seq)
}

// seqAt is the sequence number of the record at position i.
func (r shardRef) seqAt(i int) string {
	if i < len(r.seqs) {
		return r.seqs[i]
	}
	return "999999999999999999999"
}

// streamStep is a step on the Streams API of the server c reaches.
func streamStep(name string, f func(ctx context.Context, sc *dynamodbstreams.Client) (any, error)) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) { return f(ctx, streamsOf(c)) }}
}

// readStream reads the newest stream of tbl from iterator type it (with
// seq, relative to the shard's start, for the sequence-number types), at
// most limit records per call (0: no limit), and returns the records
// without their run-specific fields.
func readStream(name, tbl string, it stypes.ShardIteratorType, seq int, limit int32) Step {
	return streamStep(name, func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
		ref, err := latestStream(ctx, sc, tbl)
		if err != nil {
			return nil, err
		}
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &ref.arn, ShardId: &ref.shard, ShardIteratorType: it}
		if it == stypes.ShardIteratorTypeAtSequenceNumber || it == stypes.ShardIteratorTypeAfterSequenceNumber {
			in.SequenceNumber = aws.String(ref.seqAt(seq))
		}
		si, err := sc.GetShardIterator(ctx, in)
		if err != nil {
			return nil, err
		}
		var pages [][]any
		for iter := si.ShardIterator; iter != nil && len(pages) < 10; {
			gr := &dynamodbstreams.GetRecordsInput{ShardIterator: iter}
			if limit > 0 {
				gr.Limit = &limit
			}
			out, err := sc.GetRecords(ctx, gr)
			if err != nil {
				return nil, err
			}
			page := []any{}
			for _, r := range out.Records {
				page = append(page, recordView(r, ref))
			}
			pages = append(pages, page)
			if len(out.Records) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
		return map[string]any{"Pages": pages}, nil
	})
}

// recordView is a record without what differs between runs and servers
// (event id, region, creation time).
func recordView(r stypes.Record, ref shardRef) map[string]any {
	m := map[string]any{"eventName": string(r.EventName), "eventSource": aws.ToString(r.EventSource), "eventVersion": aws.ToString(r.EventVersion)}
	if r.UserIdentity != nil {
		m["userIdentity"] = map[string]any{"Type": aws.ToString(r.UserIdentity.Type), "PrincipalId": aws.ToString(r.UserIdentity.PrincipalId)}
	}
	d := r.Dynamodb
	ch := map[string]any{"SequenceNumber": ref.rank(d.SequenceNumber), "SizeBytes": aws.ToInt64(d.SizeBytes),
		"StreamViewType": string(d.StreamViewType), "Keys": streamImage(d.Keys)}
	if d.NewImage != nil {
		ch["NewImage"] = streamImage(d.NewImage)
	}
	if d.OldImage != nil {
		ch["OldImage"] = streamImage(d.OldImage)
	}
	m["dynamodb"] = ch
	return m
}

func streamImage(m map[string]stypes.AttributeValue) any {
	out := Item{}
	for k, v := range m {
		out[k] = streamValue(v)
	}
	return Normalize(out, false)
}

// streamValue converts a Streams attribute value to the DynamoDB SDK's type.
func streamValue(v stypes.AttributeValue) AV {
	switch a := v.(type) {
	case *stypes.AttributeValueMemberS:
		return S(a.Value)
	case *stypes.AttributeValueMemberN:
		return N(a.Value)
	case *stypes.AttributeValueMemberB:
		return B(a.Value...)
	case *stypes.AttributeValueMemberBOOL:
		return BOOL(a.Value)
	case *stypes.AttributeValueMemberNULL:
		return NULL()
	case *stypes.AttributeValueMemberSS:
		return SS(a.Value...)
	case *stypes.AttributeValueMemberNS:
		return NS(a.Value...)
	case *stypes.AttributeValueMemberBS:
		return BS(a.Value...)
	case *stypes.AttributeValueMemberL:
		l := make([]AV, len(a.Value))
		for i, x := range a.Value {
			l[i] = streamValue(x)
		}
		return L(l...)
	case *stypes.AttributeValueMemberM:
		m := Item{}
		for k, x := range a.Value {
			m[k] = streamValue(x)
		}
		return &types.AttributeValueMemberM{Value: m}
	}
	return S("unknown")
}

// describeStreamView describes the newest stream of tbl without ARNs,
// labels, shard ids and times.
func describeStreamView(name, tbl string) Step {
	return streamStep(name, func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
		ref, err := latestStream(ctx, sc, tbl)
		if err != nil {
			return nil, err
		}
		d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &ref.arn})
		if err != nil {
			return nil, err
		}
		sd := d.StreamDescription
		var shards []any
		for _, sh := range sd.Shards {
			// A shard starts at or before its first record (DynamoDB Local
			// numbers the shard when it creates it, and records of other
			// streams may come between) and, closed, ends at its last.
			r := map[string]any{"Records": len(ref.seqs), "Closed": sh.SequenceNumberRange.EndingSequenceNumber != nil}
			if len(ref.seqs) > 0 {
				start, ok1 := new(big.Int).SetString(aws.ToString(sh.SequenceNumberRange.StartingSequenceNumber), 10)
				first, ok2 := new(big.Int).SetString(ref.seqs[0], 10)
				r["StartsAtOrBeforeFirstRecord"] = ok1 && ok2 && start.Cmp(first) <= 0
			}
			if end := sh.SequenceNumberRange.EndingSequenceNumber; end != nil && len(ref.seqs) > 0 {
				r["EndsAtLastRecord"] = ref.rank(end) == strconv.Itoa(len(ref.seqs)-1)
			}
			shards = append(shards, r)
		}
		return map[string]any{"StreamStatus": string(sd.StreamStatus), "StreamViewType": string(sd.StreamViewType),
			"TableName": aws.ToString(sd.TableName), "KeySchema": Normalize(sd.KeySchema, false), "Shards": shards}, nil
	})
}

// streamTable is a table with pk S, sk N and a stream of the given view type.
func streamTable(name string, view types.StreamViewType) *dynamodb.CreateTableInput {
	in := table(name, "S", "N")
	in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view}
	return in
}

func updateStream(name, tbl string, spec *types.StreamSpecification) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		in := &dynamodb.UpdateTableInput{TableName: &tbl, StreamSpecification: spec}
		out, err := c.UpdateTable(ctx, in)
		// DynamoDB Local now and then fails a stream change with an
		// InternalFailure (HTTP 500) that changed nothing; the SDK retries those.
		for i := 0; i < 3 && isInternalFailure(err); i++ {
			out, err = c.UpdateTable(ctx, in)
		}
		if err != nil {
			return nil, err
		}
		return Normalize(out.TableDescription.StreamSpecification, false), nil
	}}
}

func isInternalFailure(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "InternalFailure"
}
