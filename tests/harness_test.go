package tests

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/logging"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/tests/testenv"
)

// harnessTable creates a table with a string hash key "pk" for one test.
func harnessTable(t *testing.T) (*dynamodb.Client, string) {
	t.Helper()
	c := testenv.Client(t)
	name := testenv.TableName(t, "harness")
	testenv.CreateTable(t, c, &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
		},
	})
	return c, name
}

// TestHarnessPutGetRoundTrip writes an item with one attribute of each
// DynamoDB type through the raw SDK and reads it back unchanged.
func TestHarnessPutGetRoundTrip(t *testing.T) {
	t.Parallel()
	c, table := harnessTable(t)

	item := map[string]types.AttributeValue{
		"pk":      &types.AttributeValueMemberS{Value: "user#1"},
		"name":    &types.AttributeValueMemberS{Value: "Ada Lovelace"},
		"age":     &types.AttributeValueMemberN{Value: "36"},
		"score":   &types.AttributeValueMemberN{Value: "-12.5"},
		"active":  &types.AttributeValueMemberBOOL{Value: true},
		"nothing": &types.AttributeValueMemberNULL{Value: true},
		"blob":    &types.AttributeValueMemberB{Value: []byte{0x00, 0x01, 0xfe, 0xff}},
		"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "a"},
			&types.AttributeValueMemberN{Value: "2"},
		}},
		"address": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"city": &types.AttributeValueMemberS{Value: "London"},
			"zip":  &types.AttributeValueMemberN{Value: "12345"},
		}},
	}
	sets := map[string]types.AttributeValue{
		"colors": &types.AttributeValueMemberSS{Value: []string{"red", "green", "blue"}},
		"primes": &types.AttributeValueMemberNS{Value: []string{"2", "3", "5"}},
	}
	put := map[string]types.AttributeValue{}
	for k, v := range item {
		put[k] = v
	}
	for k, v := range sets {
		put[k] = v
	}

	ctx := t.Context()
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: put})
	require.NoError(t, err)

	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "user#1"}},
		ConsistentRead: aws.Bool(true),
	})
	require.NoError(t, err)
	require.NotNil(t, out.Item, "GetItem found no item")

	// Sets have no order: compare their elements, the rest exactly.
	got := map[string]types.AttributeValue{}
	for k, v := range out.Item {
		got[k] = v
	}
	ss, ok := got["colors"].(*types.AttributeValueMemberSS)
	require.True(t, ok, "colors: %T", got["colors"])
	require.ElementsMatch(t, sets["colors"].(*types.AttributeValueMemberSS).Value, ss.Value)
	ns, ok := got["primes"].(*types.AttributeValueMemberNS)
	require.True(t, ok, "primes: %T", got["primes"])
	require.ElementsMatch(t, sets["primes"].(*types.AttributeValueMemberNS).Value, ns.Value)
	delete(got, "colors")
	delete(got, "primes")
	require.Equal(t, item, got)
}

// TestHarnessConditionalCheckFailedIsTyped checks that a failed condition
// comes back as *types.ConditionalCheckFailedException, cleanly.
//
// DynamoDB Local's error responses lack the X-Amz-Crc32 header. With response
// checksum validation on, the SDK (service/dynamodb v1.73) still returns the
// typed error but then checks the body against a checksum of 0 and logs
// "WARN failed to close HTTP response body ... response did not match
// expected checksum" for every failed call. testenv's client turns the
// validation off; the test checks that, and that nothing is logged.
func TestHarnessConditionalCheckFailedIsTyped(t *testing.T) {
	t.Parallel()
	shared, table := harnessTable(t)
	ctx := t.Context()

	opts := shared.Options()
	if testenv.Backend(t) == testenv.BackendLocal {
		require.True(t, opts.DisableValidateResponseChecksum,
			"testenv's client must disable response checksum validation for DynamoDB Local")
	} else {
		require.False(t, opts.DisableValidateResponseChecksum,
			"memdb sends X-Amz-Crc32 on every response, so validation stays on")
	}
	// The same client, with its log captured.
	var (
		mu   sync.Mutex
		logs []string
	)
	c := dynamodb.New(opts, func(o *dynamodb.Options) {
		o.Logger = logging.LoggerFunc(func(classification logging.Classification, format string, v ...interface{}) {
			mu.Lock()
			defer mu.Unlock()
			logs = append(logs, string(classification)+" "+fmt.Sprintf(format, v...))
		})
	})

	putOnce := func(version string) error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(table),
			Item: map[string]types.AttributeValue{
				"pk":      &types.AttributeValueMemberS{Value: "once"},
				"version": &types.AttributeValueMemberN{Value: version},
			},
			ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		return err
	}
	require.NoError(t, putOnce("1"))

	err := putOnce("2")
	require.Error(t, err)
	var ccf *types.ConditionalCheckFailedException
	require.True(t, errors.As(err, &ccf), "want *types.ConditionalCheckFailedException, got %T: %v", err, err)
	require.Equal(t, "ConditionalCheckFailedException", ccf.ErrorCode())
	// DynamoDB Local 1.25 supports ReturnValuesOnConditionCheckFailure.
	require.Equal(t, &types.AttributeValueMemberN{Value: "1"}, ccf.Item["version"])

	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, logs, "the SDK logged while handling DynamoDB Local's error response")
}
