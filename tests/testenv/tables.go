package testenv

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
)

// CreateTables creates the table of each model on db and deletes it when t
// ends. Any failure fails t.
func CreateTables(t testing.TB, db *dynamorm.DB, models ...any) {
	t.Helper()
	for _, m := range models {
		if err := db.CreateTable(m); err != nil {
			t.Fatalf("CreateTable(%T): %v", m, err)
		}
		t.Cleanup(func() {
			if err := db.DeleteTable(m); err != nil {
				t.Errorf("DeleteTable(%T): %v", m, err)
			}
		})
	}
}

// RawItem reads the item with key from table with the SDK, consistently
// (nil when there is none), to check what a test wrote.
func RawItem(t testing.TB, c *dynamodb.Client, table string, key map[string]types.AttributeValue) map[string]types.AttributeValue {
	t.Helper()
	out, err := c.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}
