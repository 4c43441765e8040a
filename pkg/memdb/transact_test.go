package memdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

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
