package memdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

func TestTransactionOver4MBIsRejected(t *testing.T) {
	s := New()
	defer s.Close()
	c := s.Client()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("tx4mb"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	blob := strings.Repeat("x", 390*1024)
	var items []types.TransactWriteItem
	for i := 0; i < 11; i++ { // 11 items of ~390 KB: over 4 MB in all
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String("tx4mb"), Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: fmt.Sprint(i)}, "blob": &types.AttributeValueMemberS{Value: blob}}}})
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || ae.ErrorMessage() != "Transaction payload size cannot exceed 4MB. Payload Size: 4393038" {
		t.Fatalf("err = %v, want DynamoDB's ValidationException about the 4MB payload", err)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("tx4mb")})
	if err != nil || len(out.Items) != 0 {
		t.Fatalf("a rejected transaction wrote %d items (%v)", len(out.Items), err)
	}
	// The message and the size are the ones DynamoDB Local gives for this
	// request. Ten such items (~3.8 MB) are within the limit.
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items[:10]}); err != nil {
		t.Fatalf("a transaction under 4 MB failed: %v", err)
	}
}

func TestIdempotencyTokensExpireAfterTenMinutes(t *testing.T) {
	s := New()
	defer s.Close()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	c := s.Client()
	ctx := context.Background()
	createTokenTable(t, c)
	put := func(token, pk string) error {
		_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(token),
			TransactItems: []types.TransactWriteItem{{Put: &types.Put{TableName: aws.String("tok"),
				Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}}}}})
		return err
	}
	for i := 0; i < 100; i++ {
		if err := put(fmt.Sprint("t", i), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Within ten minutes a token names its first request.
	clock = clock.Add(9 * time.Minute)
	var ae smithy.APIError
	if err := put("t0", "other"); !errors.As(err, &ae) || ae.ErrorCode() != "IdempotentParameterMismatchException" {
		t.Fatalf("reused token within 10 minutes: err = %v, want IdempotentParameterMismatchException", err)
	}
	// After ten minutes it is forgotten: the server keeps only live tokens.
	clock = clock.Add(2 * time.Minute)
	if err := put("t0", "other"); err != nil {
		t.Fatalf("token reused after 10 minutes: %v", err)
	}
	s.tokMu.Lock()
	kept := len(s.tokens)
	s.tokMu.Unlock()
	if kept != 1 {
		t.Fatalf("server keeps %d tokens after they expired, want 1 (the new one)", kept)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tok"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "other"}}})
	if err != nil || out.Item == nil {
		t.Fatalf("the request with the expired token did not run: %v", err)
	}
}

// A retry with the same token and the same parameters, serialised in
// another order (Go maps), is the same request: it is answered with
// success and applied once.
func TestIdempotencyTokenIgnoresParameterOrder(t *testing.T) {
	s := New()
	defer s.Close()
	c := s.Client()
	ctx := context.Background()
	createTokenTable(t, c)
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
	for i := 0; i < 16; i++ {
		item[fmt.Sprint("a", i)] = &types.AttributeValueMemberN{Value: fmt.Sprint(i)}
	}
	in := &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("same"),
		TransactItems: []types.TransactWriteItem{{Put: &types.Put{TableName: aws.String("tok"), Item: item,
			ConditionExpression: aws.String("attribute_not_exists(pk)")}}}}
	for i := 0; i < 20; i++ { // each call serialises the item's map anew
		if _, err := c.TransactWriteItems(ctx, in); err != nil {
			t.Fatalf("call %d with the same token and parameters: %v", i, err)
		}
	}
}

// createTokenTable creates the table "tok" with a string partition key pk.
func createTokenTable(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	if _, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String("tok"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
}
