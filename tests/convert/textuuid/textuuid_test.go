// Package textuuid tests a process-wide converter (marshal.Register) that
// stores google/uuid as S: 32 hex digits, no dashes, so the stored form
// shows the converter at work (the type's own MarshalText writes dashes).
// It is a package of its own: in tests/convert uuid.UUID is stored as B,
// and a type's converters must agree on its key type within a process.
package textuuid

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/marshal"
	"github.com/dynamorm/dynamorm/pkg/session"
	"github.com/dynamorm/dynamorm/tests/testenv"
)

func TestMain(m *testing.M) {
	err := marshal.Register(
		func(u uuid.UUID) (types.AttributeValue, error) {
			return &types.AttributeValueMemberS{Value: hex.EncodeToString(u[:])}, nil
		},
		func(av types.AttributeValue) (uuid.UUID, error) {
			s, ok := av.(*types.AttributeValueMemberS)
			if !ok {
				return uuid.UUID{}, fmt.Errorf("a UUID is stored as S, not %T", av)
			}
			return uuid.Parse(s.Value)
		})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

type Order struct {
	ID       uuid.UUID   `dynamorm:"pk"`
	Customer uuid.UUID   `dynamorm:"index:by-customer,pk"`
	Related  []uuid.UUID `dynamorm:"set"`
	Parent   *uuid.UUID
}

var (
	order    = uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	customer = uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
)

func TestUUIDStoredAsTextByAProcessWideConverter(t *testing.T) {
	raw := testenv.Client(t)
	prefix := testenv.TableName(t, "uuid") + "_"
	db, err := dynamorm.New(session.Config{Client: raw, TableNamePrefix: prefix})
	require.NoError(t, err)
	require.NoError(t, db.CreateTable(&Order{}))
	t.Cleanup(func() { assert.NoError(t, db.DeleteTable(&Order{})) })

	in := &Order{ID: order, Customer: customer, Related: []uuid.UUID{customer}, Parent: &customer}
	require.NoError(t, db.Model(in).Create())
	out, err := raw.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(prefix + "orders"),
		Key: map[string]types.AttributeValue{"ID": &types.AttributeValueMemberS{Value: "6ba7b8109dad11d180b400c04fd430c8"}}, ConsistentRead: aws.Bool(true)})
	require.NoError(t, err)
	require.NotNil(t, out.Item, "the S key is the converter's 32 hex digits")
	assert.Equal(t, &types.AttributeValueMemberS{Value: "f47ac10b58cc4372a5670e02b2c3d479"}, out.Item["Customer"])
	assert.Equal(t, &types.AttributeValueMemberSS{Value: []string{"f47ac10b58cc4372a5670e02b2c3d479"}}, out.Item["Related"])

	var byCustomer []Order
	require.NoError(t, db.Model(&Order{}).Index("by-customer").Where("Customer", "=", customer).All(&byCustomer))
	require.Len(t, byCustomer, 1)
	assert.Equal(t, *in, byCustomer[0])
	got, err := dynamorm.Get(db, Order{ID: order})
	require.NoError(t, err)
	assert.Equal(t, *in, got)

	// The functions that take no DB use the process-wide converters.
	var fromImage Order
	require.NoError(t, dynamorm.UnmarshalItem(map[string]events.DynamoDBAttributeValue{
		"ID":       events.NewStringAttribute("6ba7b8109dad11d180b400c04fd430c8"),
		"Customer": events.NewStringAttribute("f47ac10b58cc4372a5670e02b2c3d479"),
	}, &fromImage))
	assert.Equal(t, Order{ID: order, Customer: customer}, fromImage)
	var items []Order
	require.NoError(t, dynamorm.UnmarshalItems([]map[string]types.AttributeValue{out.Item}, &items))
	assert.Equal(t, []Order{*in}, items)
	item, err := marshal.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, out.Item, item)
}
