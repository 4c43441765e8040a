package conformance

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

func streamScenarios() []Scenario {
	return []Scenario{streamChanges(), streamViewTypes(), streamLifecycle(), streamErrors()}
}

// streamChanges: every kind of write, as NEW_AND_OLD_IMAGES records.
func streamChanges() Scenario {
	const t = "conf_stream_changes"
	k := func(pk string, sk string) Item { return I("pk", S(pk), "sk", N(sk)) }
	return Scenario{Name: "streams", Tables: []string{t}, Steps: []Step{
		create(streamTable(t, types.StreamViewTypeNewAndOldImages)),
		put("put new item", t, I("pk", S("a"), "sk", N("1"), "x", S("hello"), "n", N("1.50"), "l", L(N("1"), M("m", SS("z", "y"))))),
		put("put replaces item", t, I("pk", S("a"), "sk", N("1"), "x", S("bye"))),
		put("put identical item", t, I("pk", S("a"), "sk", N("1"), "x", S("bye"))),
		call("update adds attribute", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k("a", "1"),
			UpdateExpression: str("SET y = :y ADD c :one"), ExpressionAttributeValues: Item{":y": BS([]byte{1, 2}), ":one": N("1")}}),
		call("update creates item", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k("b", "2"),
			UpdateExpression: str("SET v = :v"), ExpressionAttributeValues: Item{":v": BOOL(true)}}),
		call("update that changes nothing", (*dynamodb.Client).UpdateItem, &dynamodb.UpdateItemInput{TableName: str(t), Key: k("b", "2"),
			UpdateExpression: str("SET v = :v"), ExpressionAttributeValues: Item{":v": BOOL(true)}}),
		call("failed condition", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(t), Item: k("a", "1"),
			ConditionExpression: str("attribute_not_exists(pk)")}),
		call("delete item", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: k("a", "1")}),
		call("delete missing item", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: k("a", "1")}),
		call("transaction of two writes", (*dynamodb.Client).TransactWriteItems, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: str(t), Item: I("pk", S("c"), "sk", N("3"), "null", NULL())}},
			{Delete: &types.Delete{TableName: str(t), Key: k("b", "2")}},
		}}),
		bw("batch of two writes", map[string][]types.WriteRequest{t: {putReq(I("pk", S("d"), "sk", N("4"), "ns", NS("3", "1"))), delReq(k("c", "3"))}}),
		readStream("read from trim horizon", t, stypes.ShardIteratorTypeTrimHorizon, 0, 0),
		readStream("read in pages of 3", t, stypes.ShardIteratorTypeTrimHorizon, 0, 3),
		readStream("read at sequence number 3", t, stypes.ShardIteratorTypeAtSequenceNumber, 3, 0),
		readStream("read after sequence number 3", t, stypes.ShardIteratorTypeAfterSequenceNumber, 3, 0),
		readStream("read from latest", t, stypes.ShardIteratorTypeLatest, 0, 0),
		describeStreamView("describe stream", t),
	}}
}

// streamViewTypes: what each view type keeps of an insert, a modify and a remove.
func streamViewTypes() Scenario {
	views := []types.StreamViewType{types.StreamViewTypeKeysOnly, types.StreamViewTypeNewImage, types.StreamViewTypeOldImage}
	sc := Scenario{Name: "stream_views"}
	for _, v := range views {
		t := "conf_stream_" + string(v)
		sc.Tables = append(sc.Tables, t)
		sc.Steps = append(sc.Steps,
			create(streamTable(t, v)),
			put(string(v)+" insert", t, I("pk", S("a"), "sk", N("1"), "x", S("one"))),
			put(string(v)+" modify", t, I("pk", S("a"), "sk", N("1"), "x", S("two"), "y", N("2"))),
			call(string(v)+" remove", (*dynamodb.Client).DeleteItem, &dynamodb.DeleteItemInput{TableName: str(t), Key: I("pk", S("a"), "sk", N("1"))}),
			readStream(string(v)+" records", t, stypes.ShardIteratorTypeTrimHorizon, 0, 0),
		)
	}
	return sc
}

// streamLifecycle: enabling, disabling and enabling again.
func streamLifecycle() Scenario {
	const t = "conf_stream_life"
	const plain = "conf_stream_plain"
	on := func(v types.StreamViewType) *types.StreamSpecification {
		return &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: v}
	}
	off := &types.StreamSpecification{StreamEnabled: aws.Bool(false)}
	return Scenario{Name: "stream_lifecycle", Tables: []string{t, plain, "conf_stream_noview"}, Steps: []Step{
		create(table(plain, "S", "")),
		listStreams("no streams without a specification", plain, 1),
		create(streamTable(t, types.StreamViewTypeKeysOnly)),
		describeStreamTable("describe table with stream", t),
		put("write while enabled", t, I("pk", S("a"), "sk", N("1"))),
		updateStream("enable again", t, on(types.StreamViewTypeNewImage)),
		updateStream("disable", t, off),
		updateStream("disable again", t, off),
		describeStreamTable("describe table with disabled stream", t),
		put("write while disabled", t, I("pk", S("b"), "sk", N("1"))),
		describeStreamView("describe disabled stream", t),
		readStream("read disabled stream", t, stypes.ShardIteratorTypeTrimHorizon, 0, 0),
		updateStream("enable new stream", t, on(types.StreamViewTypeNewImage)),
		updateStream("enable without view type", plain, &types.StreamSpecification{StreamEnabled: aws.Bool(true)}),
		put("write to new stream", t, I("pk", S("c"), "sk", N("1"))),
		listStreams("list streams of the table", t, 2),
		readStream("read new stream", t, stypes.ShardIteratorTypeTrimHorizon, 0, 0),
		describeStreamView("describe new stream", t),
		call("create with stream without view type", (*dynamodb.Client).CreateTable, func() *dynamodb.CreateTableInput {
			in := table("conf_stream_noview", "S", "")
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true)}
			return in
		}()),
	}}
}

// listStreams lists the newest max streams of tbl (DynamoDB Local keeps the
// streams of deleted tables of earlier runs, listed after them) with their
// status and view type.
func listStreams(name, tbl string, max int) Step {
	return streamStep(name, func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
		out, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: &tbl})
		if err != nil {
			return nil, err
		}
		list := []any{}
		for i, s := range out.Streams {
			if i == max {
				break
			}
			d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: s.StreamArn})
			if err != nil {
				return nil, err
			}
			list = append(list, map[string]any{"TableName": aws.ToString(s.TableName),
				"StreamStatus": string(d.StreamDescription.StreamStatus), "StreamViewType": string(d.StreamDescription.StreamViewType)})
		}
		return map[string]any{"Streams": list}, nil
	})
}

func describeStreamTable(name, tbl string) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &tbl})
		if err != nil {
			return nil, err
		}
		return map[string]any{"StreamSpecification": Normalize(out.Table.StreamSpecification, false),
			"HasLatestStreamArn": out.Table.LatestStreamArn != nil, "HasLatestStreamLabel": out.Table.LatestStreamLabel != nil}, nil
	}}
}

// streamErrors: bad ARNs, shards, iterator types, sequence numbers and limits.
func streamErrors() Scenario {
	const t = "conf_stream_errors"
	withStream := func(name string, f func(ctx context.Context, sc *dynamodbstreams.Client, arn, shard string) (any, error)) Step {
		return streamStep(name, func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
			ref, err := latestStream(ctx, sc, t)
			if err != nil {
				return nil, err
			}
			return f(ctx, sc, ref.arn, ref.shard)
		})
	}
	iter := func(name string, typ stypes.ShardIteratorType, seq *string) Step {
		return withStream(name, func(ctx context.Context, sc *dynamodbstreams.Client, arn, shard string) (any, error) {
			_, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: &shard, ShardIteratorType: typ, SequenceNumber: seq})
			return map[string]any{"ok": true}, err
		})
	}
	return Scenario{Name: "stream_errors", Tables: []string{t}, Steps: []Step{
		create(streamTable(t, types.StreamViewTypeKeysOnly)),
		streamStep("describe unknown stream", func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
			return sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: str("conf-no-such-stream")})
		}),
		withStream("iterator for unknown shard", func(ctx context.Context, sc *dynamodbstreams.Client, arn, _ string) (any, error) {
			return sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: str("shardId-00000000000000000000-00000000"), ShardIteratorType: stypes.ShardIteratorTypeLatest})
		}),
		iter("iterator at missing sequence number", stypes.ShardIteratorTypeAtSequenceNumber, nil),
		iter("iterator after bad sequence number", stypes.ShardIteratorTypeAfterSequenceNumber, str("abc")),
		iter("iterator of unknown type", stypes.ShardIteratorType("SIDEWAYS"), nil),
		streamStep("records of a bad iterator", func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
			return sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: str("not-an-iterator")})
		}),
		withStream("records limit 0", func(ctx context.Context, sc *dynamodbstreams.Client, arn, shard string) (any, error) {
			si, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: &shard, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return nil, err
			}
			_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: si.ShardIterator, Limit: i32(0)})
			return map[string]any{"ok": true}, err
		}),
		streamStep("list streams limit 0", func(ctx context.Context, sc *dynamodbstreams.Client) (any, error) {
			_, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{Limit: i32(0)})
			return map[string]any{"ok": true}, err
		}),
		put("write before the table is deleted", t, I("pk", S("a"), "sk", N("1"))),
		{Name: "stream outlives its table", Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
			sc := streamsOf(c)
			ref, err := latestStream(ctx, sc, t)
			if err != nil {
				return nil, err
			}
			if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: str(t)}); err != nil {
				return nil, err
			}
			d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &ref.arn})
			if err != nil {
				return nil, err
			}
			si, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &ref.arn, ShardId: &ref.shard, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return nil, err
			}
			recs, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: si.ShardIterator})
			if err != nil {
				return nil, err
			}
			var names []string
			for _, r := range recs.Records {
				names = append(names, string(r.EventName))
			}
			return map[string]any{"StreamStatus": string(d.StreamDescription.StreamStatus), "Events": names,
				"Closed":     d.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber != nil,
				"MoreToRead": recs.NextShardIterator != nil}, nil
		}},
	}}
}
