package conformance

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func tableScenarios() []Scenario {
	full := &dynamodb.CreateTableInput{
		TableName:             str("conf_tbl_full"),
		AttributeDefinitions:  attrDefs("pk", "S", "sk", "N", "g1", "S", "l1", "B"),
		KeySchema:             keySchema("pk", "sk"),
		BillingMode:           types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(3)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:             str("by_g1"),
			KeySchema:             keySchema("g1", "sk"),
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"x"}},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(2), WriteCapacityUnits: aws.Int64(1)},
		}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName:  str("by_l1"),
			KeySchema:  keySchema("pk", "l1"),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
	}
	waitExists := Step{Name: "wait table exists", Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_full")}, 10*time.Second)
		return "ok", err
	}}
	waitGone := Step{Name: "wait table not exists", Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		err := dynamodb.NewTableNotExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_hash")}, 10*time.Second)
		return "ok", err
	}}
	bad := func(name string, mod func(in *dynamodb.CreateTableInput)) Step {
		in := table("conf_tbl_bad", "S", "S")
		mod(in)
		return call(name, (*dynamodb.Client).CreateTable, in)
	}
	list := Step{Name: "list tables paged", Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var names []string
		p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{Limit: i32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, n := range out.TableNames {
				if len(n) > 9 && n[:9] == "conf_tbl_" {
					names = append(names, n)
				}
			}
		}
		return names, nil
	}}
	return []Scenario{{
		Name:   "tables",
		Tables: []string{"conf_tbl_full", "conf_tbl_hash", "conf_tbl_bad"},
		Steps: []Step{
			create(full),
			waitExists,
			call("describe full", (*dynamodb.Client).DescribeTable, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_full")}),
			create(table("conf_tbl_hash", "N", "")),
			call("describe hash", (*dynamodb.Client).DescribeTable, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_hash")}),
			list,
			call("create duplicate", (*dynamodb.Client).CreateTable, table("conf_tbl_hash", "S", "")),
			call("describe missing", (*dynamodb.Client).DescribeTable, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_nope")}),
			call("delete missing", (*dynamodb.Client).DeleteTable, &dynamodb.DeleteTableInput{TableName: str("conf_tbl_nope")}),
			call("put into missing table", (*dynamodb.Client).PutItem, &dynamodb.PutItemInput{TableName: str("conf_tbl_nope"), Item: I("pk", S("a"))}),
			bad("create key attr not defined", func(in *dynamodb.CreateTableInput) { in.AttributeDefinitions = attrDefs("pk", "S") }),
			bad("create extra attr definition", func(in *dynamodb.CreateTableInput) {
				in.AttributeDefinitions = attrDefs("pk", "S", "sk", "S", "zz", "N")
			}),
			bad("create provisioned without throughput", func(in *dynamodb.CreateTableInput) { in.BillingMode = types.BillingModeProvisioned }),
			bad("create on-demand with throughput", func(in *dynamodb.CreateTableInput) {
				in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
			}),
			bad("create range first", func(in *dynamodb.CreateTableInput) {
				in.KeySchema = []types.KeySchemaElement{{AttributeName: str("sk"), KeyType: types.KeyTypeRange}, {AttributeName: str("pk"), KeyType: types.KeyTypeHash}}
			}),
			bad("create lsi on hash-only table", func(in *dynamodb.CreateTableInput) {
				in.AttributeDefinitions = attrDefs("pk", "S", "x", "S")
				in.KeySchema = keySchema("pk", "")
				in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: str("lsx"), KeySchema: keySchema("pk", "x"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
			}),
			call("update throughput", (*dynamodb.Client).UpdateTable, &dynamodb.UpdateTableInput{TableName: str("conf_tbl_full"),
				ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(7), WriteCapacityUnits: aws.Int64(4)}}),
			call("update add gsi", (*dynamodb.Client).UpdateTable, &dynamodb.UpdateTableInput{TableName: str("conf_tbl_full"),
				AttributeDefinitions: attrDefs("g2", "N"),
				GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
					IndexName: str("by_g2"), KeySchema: keySchema("g2", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
					ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}}}}}),
			call("update delete gsi", (*dynamodb.Client).UpdateTable, &dynamodb.UpdateTableInput{TableName: str("conf_tbl_full"),
				GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: str("by_g2")}}}}),
			call("describe after updates", (*dynamodb.Client).DescribeTable, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_full")}),
			call("ttl describe default", (*dynamodb.Client).DescribeTimeToLive, &dynamodb.DescribeTimeToLiveInput{TableName: str("conf_tbl_hash")}),
			call("ttl enable", (*dynamodb.Client).UpdateTimeToLive, &dynamodb.UpdateTimeToLiveInput{TableName: str("conf_tbl_hash"),
				TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: str("expires"), Enabled: aws.Bool(true)}}),
			call("ttl describe enabled", (*dynamodb.Client).DescribeTimeToLive, &dynamodb.DescribeTimeToLiveInput{TableName: str("conf_tbl_hash")}),
			call("ttl disable", (*dynamodb.Client).UpdateTimeToLive, &dynamodb.UpdateTimeToLiveInput{TableName: str("conf_tbl_hash"),
				TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: str("expires"), Enabled: aws.Bool(false)}}),
			call("ttl describe disabled", (*dynamodb.Client).DescribeTimeToLive, &dynamodb.DescribeTimeToLiveInput{TableName: str("conf_tbl_hash")}),
			call("delete hash", (*dynamodb.Client).DeleteTable, &dynamodb.DeleteTableInput{TableName: str("conf_tbl_hash")}),
			waitGone,
			call("describe deleted", (*dynamodb.Client).DescribeTable, &dynamodb.DescribeTableInput{TableName: str("conf_tbl_hash")}),
		},
	}}
}
