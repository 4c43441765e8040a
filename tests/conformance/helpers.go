package conformance

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// AV is an attribute value.
type AV = types.AttributeValue

// Item is an item or key.
type Item = map[string]types.AttributeValue

func S(s string) AV        { return &types.AttributeValueMemberS{Value: s} }
func N(s string) AV        { return &types.AttributeValueMemberN{Value: s} }
func B(b ...byte) AV       { return &types.AttributeValueMemberB{Value: b} }
func BOOL(b bool) AV       { return &types.AttributeValueMemberBOOL{Value: b} }
func NULL() AV             { return &types.AttributeValueMemberNULL{Value: true} }
func SS(s ...string) AV    { return &types.AttributeValueMemberSS{Value: s} }
func NS(s ...string) AV    { return &types.AttributeValueMemberNS{Value: s} }
func BS(b ...[]byte) AV    { return &types.AttributeValueMemberBS{Value: b} }
func L(v ...AV) AV         { return &types.AttributeValueMemberL{Value: v} }
func M(kv ...any) AV       { return &types.AttributeValueMemberM{Value: I(kv...)} }
func str(s string) *string { return aws.String(s) }
func i32(i int32) *int32   { return aws.Int32(i) }

// I builds an item from name, value pairs.
func I(kv ...any) Item {
	m := Item{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(AV)
	}
	return m
}

// Names builds ExpressionAttributeNames from pairs.
func Names(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// call makes a step of one SDK operation with its input.
func call[In, Out any](name string, f func(*dynamodb.Client, context.Context, In, ...func(*dynamodb.Options)) (Out, error), in In) Step {
	return Step{Name: name, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) { return f(c, ctx, in) }}
}

func unordered(s Step) Step { s.Unordered = true; return s }

func attrDefs(kv ...string) []types.AttributeDefinition {
	var out []types.AttributeDefinition
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.AttributeDefinition{AttributeName: str(kv[i]), AttributeType: types.ScalarAttributeType(kv[i+1])})
	}
	return out
}

func keySchema(hash, rng string) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: str(hash), KeyType: types.KeyTypeHash}}
	if rng != "" {
		ks = append(ks, types.KeySchemaElement{AttributeName: str(rng), KeyType: types.KeyTypeRange})
	}
	return ks
}

// table is a PAY_PER_REQUEST table with key pk (and sk when skType is set).
func table(name, pkType, skType string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{TableName: str(name), BillingMode: types.BillingModePayPerRequest}
	if skType == "" {
		in.AttributeDefinitions = attrDefs("pk", pkType)
		in.KeySchema = keySchema("pk", "")
	} else {
		in.AttributeDefinitions = attrDefs("pk", pkType, "sk", skType)
		in.KeySchema = keySchema("pk", "sk")
	}
	return in
}

func create(in *dynamodb.CreateTableInput) Step {
	return call("create "+*in.TableName, (*dynamodb.Client).CreateTable, in)
}

func put(name, tbl string, it Item) Step {
	return call(name, (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str(tbl), Item: it})
}

func get(name, tbl string, key Item) Step {
	return call(name, (*dynamodb.Client).GetItem, &dynamodb.GetItemInput{TableName: str(tbl), Key: key, ConsistentRead: aws.Bool(true)})
}

func scanAll(name, tbl string) Step {
	return unordered(call(name, (*dynamodb.Client).Scan, &dynamodb.ScanInput{TableName: str(tbl)}))
}

// queryPK queries all items of one partition of a table.
func queryPK(name, tbl string, pk AV) Step {
	return call(name, (*dynamodb.Client).Query, &dynamodb.QueryInput{TableName: str(tbl),
		KeyConditionExpression: str("pk = :p"), ExpressionAttributeValues: Item{":p": pk}})
}

// Scenarios lists every scenario of the suite.
func Scenarios() []Scenario {
	var all []Scenario
	for _, f := range []func() []Scenario{tableScenarios, typeScenarios, numberScenarios, expressionScenarios,
		updateScenarios, queryScenarios, indexScenarios, batchScenarios, transactionScenarios, capacityScenarios, limitScenarios,
		streamScenarios, divergenceScenarios, partiqlScenarios} {
		all = append(all, f()...)
	}
	return all
}

var nullFalse = types.AttributeValueMemberNULL{Value: false}

// LocalClient is a client for DynamoDB Local at endpoint: no retries, no
// response checksum validation (its errors carry no CRC32).
func LocalClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
		}),
		HTTPClient:                      awshttp.NewBuildableClient(),
		DisableValidateResponseChecksum: true,
		Retryer:                         internalFailureRetryer(),
	})
}

// internalFailureRetryer retries only DynamoDB Local's InternalFailure (an
// HTTP 500 it answers now and then under load, having changed nothing), up
// to 3 attempts; every other error is recorded as the server answered it.
// A step whose InternalFailure is deterministic still records it.
func internalFailureRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			var ae smithy.APIError
			if errors.As(err, &ae) && ae.ErrorCode() == "InternalFailure" {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
		o.RateLimiter = ratelimit.None
	})
}
