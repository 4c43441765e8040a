// Package convert tests registered converters (issue 22) on DynamoDB Local
// and memdb, with shopspring/decimal and google/uuid. It is a package of
// its own because converters are registered for the whole process here.
package convert

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

// decimalToN stores a decimal as N, exactly: its String() has every digit
// and no exponent.
func decimalToN(d decimal.Decimal) (types.AttributeValue, error) {
	return &types.AttributeValueMemberN{Value: d.String()}, nil
}

func decimalFromN(av types.AttributeValue) (decimal.Decimal, error) {
	switch a := av.(type) {
	case *types.AttributeValueMemberN:
		return decimal.NewFromString(a.Value)
	case *types.AttributeValueMemberNULL:
		return decimal.Decimal{}, nil
	}
	return decimal.Decimal{}, fmt.Errorf("a decimal is stored as N, not %T", av)
}

// uuidAsB is a converter of the DynamORM shape: a UUID as its 16 bytes.
type uuidAsB struct{}

func (uuidAsB) ToAttributeValue(v any) (types.AttributeValue, error) {
	u := v.(uuid.UUID)
	return &types.AttributeValueMemberB{Value: u[:]}, nil
}

func (uuidAsB) FromAttributeValue(av types.AttributeValue, target any) error {
	b, ok := av.(*types.AttributeValueMemberB)
	if !ok {
		return errors.New("a UUID is stored as B")
	}
	u, err := uuid.FromBytes(b.Value)
	*target.(*uuid.UUID) = u
	return err
}

// env is one test's DB, with the payment converters registered on it (not
// process-wide), and its tables.
type env struct {
	db     *dynamorm.DB
	raw    *dynamodb.Client
	prefix string
}

func newEnv(t *testing.T, models ...any) *env {
	t.Helper()
	e := &env{raw: testenv.Client(t), prefix: testenv.TableName(t, "conv") + "_"}
	db, err := dynamorm.New(session.Config{Client: e.raw, TableNamePrefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamorm.RegisterConverter(db, decimalToN, decimalFromN); err != nil {
		t.Fatal(err)
	}
	if err := db.RegisterTypeConverter(uuidType, uuidAsB{}); err != nil {
		t.Fatal(err)
	}
	e.db = db
	testenv.CreateTables(t, db, models...)
	return e
}

// rawItem reads an item with the SDK, consistently.
func (e *env) rawItem(t *testing.T, table string, key map[string]types.AttributeValue) map[string]types.AttributeValue {
	t.Helper()
	return testenv.RawItem(t, e.raw, e.prefix+table, key)
}

// scanAll reads a table's items with the SDK.
func (e *env) scanAll(t *testing.T, table string) []map[string]types.AttributeValue {
	t.Helper()
	out, err := e.raw.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(e.prefix + table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Items
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func putInput(table string, item map[string]types.AttributeValue) *dynamodb.PutItemInput {
	return &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}
}
