package dynamorm_test

// Field encryption (issue 23): a Create and a First of an item with three
// encrypted fields versus the same item unencrypted, on a client that
// keeps the one item it was given, with dynamormtest.LocalKeys and the
// data key cached (one GenerateDataKey for the whole run, no Decrypt).
//
//	go test -run '^$' -bench 'BenchmarkEncrypted' -benchmem -count 5 .

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type benchSecret struct {
	ID       string `dynamorm:"pk"`
	Name     string
	Email    string   `dynamorm:"encrypted"`
	Card     string   `dynamorm:"encrypted"`
	Notes    []string `dynamorm:"encrypted"`
	Total    int64
	Tags     []string `dynamorm:"set"`
	PlacedAt time.Time
}

func (benchSecret) TableName() string { return "bench_items" }

type benchPlainSecret struct {
	ID       string `dynamorm:"pk"`
	Name     string
	Email    string
	Card     string
	Notes    []string
	Total    int64
	Tags     []string `dynamorm:"set"`
	PlacedAt time.Time
}

func (benchPlainSecret) TableName() string { return "bench_items" }

// keepClient stores the item of the last PutItem and returns it to GetItem.
type keepClient struct {
	core.DynamoDBAPI
	item map[string]types.AttributeValue
}

func (c *keepClient) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.item = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (c *keepClient) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: c.item}, nil
}

func BenchmarkEncryptedItem(b *testing.B) {
	placed := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	keys := dynamormtest.NewLocalKeys()
	for _, enc := range []bool{false, true} {
		client := &keepClient{}
		// One data key for the whole run: what is measured is the
		// encryption, not KMS (a data key seals 10,000 values by default).
		db, err := dynamorm.New(session.Config{Client: client, KMSKeyARN: "bench-key", KMSClient: keys, DataKeyMaxUses: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		name := "fields=plain"
		create := func() error {
			return db.Model(&benchPlainSecret{ID: "i1", Name: "Ann", Email: "ann@example.com", Card: "4111111111111111",
				Notes: []string{"first note", "second note"}, Total: 1250, Tags: []string{"a", "b"}, PlacedAt: placed}).CreateOrUpdate()
		}
		first := func() error { var v benchPlainSecret; return db.Model(&benchPlainSecret{ID: "i1"}).First(&v) }
		if enc {
			name = "fields=3-encrypted"
			create = func() error {
				return db.Model(&benchSecret{ID: "i1", Name: "Ann", Email: "ann@example.com", Card: "4111111111111111",
					Notes: []string{"first note", "second note"}, Total: 1250, Tags: []string{"a", "b"}, PlacedAt: placed}).CreateOrUpdate()
			}
			first = func() error { var v benchSecret; return db.Model(&benchSecret{ID: "i1"}).First(&v) }
		}
		if err := create(); err != nil { // the data key is generated here, and cached
			b.Fatal(err)
		}
		b.Run("op=Create,"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := create(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op=First,"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := first(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if g, d := keys.Calls(); g != 1 || d != 0 {
		b.Fatalf("%d GenerateDataKey and %d Decrypt calls, want 1 and 0 (data key cached)", g, d)
	}
}
