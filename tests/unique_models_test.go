package tests

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
)

// uqUser owns its table: an e-mail address unique case-insensitively, an
// optional unique handle, and a composite constraint over (Org, Code).
type uqUser struct {
	ID      string `dynamorm:"pk"`
	Email   string `dynamorm:"unique,casefold"`
	Handle  string `dynamorm:"unique:handle,omitempty"`
	Org     string `dynamorm:"unique:org_code,omitempty"`
	Code    string `dynamorm:"unique:org_code,omitempty"`
	Name    string
	Version int       `dynamorm:"version"`
	Created time.Time `dynamorm:"created_at"`
}

func (uqUser) TableName() string { return "uq_users" }

// uqMember is a single-table entity with a unique e-mail address, sharing
// its table with uqTeam (whose reads must never see the member's guards).
type uqMember struct {
	dynamorm.Entity `dynamorm:"table:uqshop,entity:member,pk:TEAM#{Team},sk:MEMBER#{ID}"`
	Team            string
	ID              string
	Email           string `dynamorm:"unique,casefold"`
	Name            string
}

type uqTeam struct {
	dynamorm.Entity `dynamorm:"table:uqshop,entity:team,pk:TEAM#{ID},sk:TEAM"`
	ID              string
	Name            string
}

// uqEnv is a test database with both tables.
func uqEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, &uqUser{})
	if err := e.db.AutoMigrate(&uqMember{}, &uqTeam{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&uqMember{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	return e
}

// guards returns every guard item of a table (raw, consistent scan).
func (e *env) guards(t *testing.T, table string) []map[string]types.AttributeValue {
	t.Helper()
	var out []map[string]types.AttributeValue
	for _, item := range e.scanAll(t, table) {
		if _, ok := item["_unique"]; ok {
			out = append(out, item)
		}
	}
	return out
}

// guardValues are the partition keys of a table's guards.
func (e *env) guardValues(t *testing.T, table, pk string) []string {
	t.Helper()
	var out []string
	for _, g := range e.guards(t, table) {
		out = append(out, g[pk].(*types.AttributeValueMemberS).Value)
	}
	sort.Strings(out)
	return out
}

// scanAll reads every item of a table with the SDK, consistently.
func (e *env) scanAll(t *testing.T, table string) []map[string]types.AttributeValue {
	t.Helper()
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(e.raw, &dynamodb.ScanInput{TableName: aws.String(e.prefix + table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
	}
	return out
}

// updateEmailRaw is an UpdateItem of a uqUser's e-mail address that
// bypasses dynamorm (and so its guards), as another writer would.
func updateEmailRaw(table, id, email string) *dynamodb.UpdateItemInput {
	return &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{"ID": s(id)},
		UpdateExpression: aws.String("SET Email = :e"), ExpressionAttributeValues: map[string]types.AttributeValue{":e": s(email)}}
}
