package memdb_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/memdb"
)

// A table's stream read back as the event a Lambda stream handler receives,
// and a TTL expiry driven by the server's injected clock.
func ExampleNewStreamReader() {
	ctx := context.Background()
	srv := memdb.New()
	defer srv.Close()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	c := srv.Client()
	c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("orders"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	})
	c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(true)}})

	reader, err := memdb.NewStreamReader(ctx, c, "orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{
		"id":      &types.AttributeValueMemberS{Value: "o-1"},
		"expires": &types.AttributeValueMemberN{Value: fmt.Sprint(now.Add(time.Hour).Unix())},
	}})
	now = now.Add(2 * time.Hour)
	fmt.Println("expired:", srv.SweepTTL())

	event, _ := reader.Next(ctx) // hand it to the handler: handleDynamoDBStream(ctx, event)
	for _, r := range event.Records {
		by := "application"
		if r.UserIdentity != nil {
			by = r.UserIdentity.PrincipalID
		}
		fmt.Println(r.EventName, r.Change.Keys["id"].String(), "by", by)
	}
	// Output:
	// expired: 1
	// INSERT o-1 by application
	// REMOVE o-1 by dynamodb.amazonaws.com
}
