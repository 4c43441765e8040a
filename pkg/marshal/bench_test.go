package marshal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"
)

// The benchmark item: a realistic order of 13 attributes, tagged so that
// the three codecs write the same shapes (a string set among them).
type benchLine struct {
	SKU   string
	Qty   int
	Price float64
}

type benchAddress struct {
	Street, City, Zip string
}

type benchOrder struct {
	ID       string
	Customer string
	Status   string
	Amount   int64
	Items    int
	Discount float64
	Paid     bool
	Created  time.Time
	Updated  time.Time
	Tags     []string `dynamorm:"set" dynamodbav:",stringset" dynamo:",set"`
	Meta     map[string]string
	Ship     benchAddress
	Lines    []benchLine
}

func benchItem() *benchOrder {
	created := time.Date(2024, 3, 1, 9, 30, 15, 123456789, time.UTC)
	return &benchOrder{
		ID: "ord_01HQ3Z8K4N7V2R6T9W1X5Y0B3C", Customer: "cus_8842", Status: "shipped",
		Amount: 129_990, Items: 3, Discount: 0.15, Paid: true,
		Created: created, Updated: created.Add(36 * time.Hour),
		Tags: []string{"gift", "express", "priority"},
		Meta: map[string]string{"channel": "web", "campaign": "spring-sale", "locale": "de-DE"},
		Ship: benchAddress{Street: "Friedrichstraße 123", City: "Berlin", Zip: "10117"},
		Lines: []benchLine{
			{SKU: "SKU-1001", Qty: 1, Price: 49.99},
			{SKU: "SKU-2002", Qty: 2, Price: 25.00},
			{SKU: "SKU-3003", Qty: 1, Price: 30.00},
		},
	}
}

var benchSink map[string]types.AttributeValue

func BenchmarkEncode(b *testing.B) {
	in := benchItem()
	b.Run("dynamorm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			item, err := Marshal(in)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = item
		}
	})
	b.Run("attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			item, err := attributevalue.MarshalMap(in)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = item
		}
	})
	b.Run("guregu-dynamo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			item, err := dynamo.MarshalItem(in)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = item
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	in := benchItem()
	// Each codec decodes the item it wrote itself.
	ours, err := Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	sdk, err := attributevalue.MarshalMap(in)
	if err != nil {
		b.Fatal(err)
	}
	guregu, err := dynamo.MarshalItem(in)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("dynamorm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out benchOrder
			if err := Unmarshal(ours, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out benchOrder
			if err := attributevalue.UnmarshalMap(sdk, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("guregu-dynamo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out benchOrder
			if err := dynamo.UnmarshalItem(guregu, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBenchItemsAgree checks that the benchmark compares like with like:
// the three codecs read each other's items back to the same value.
func TestBenchItemsAgree(t *testing.T) {
	in := benchItem()
	ours, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ours) != 13 {
		t.Fatalf("%d attributes", len(ours))
	}
	if _, ok := ours["Tags"].(*types.AttributeValueMemberSS); !ok {
		t.Fatalf("Tags is %T", ours["Tags"])
	}
	var viaSDK, viaGuregu benchOrder
	if err := attributevalue.UnmarshalMap(ours, &viaSDK); err != nil {
		t.Fatal(err)
	}
	if err := dynamo.UnmarshalItem(ours, &viaGuregu); err != nil {
		t.Fatal(err)
	}
	for _, got := range []*benchOrder{&viaSDK, &viaGuregu} {
		if !got.Created.Equal(in.Created) || got.Lines[1] != in.Lines[1] || got.Meta["campaign"] != "spring-sale" || len(got.Tags) != 3 {
			t.Fatalf("decoded differently: %+v", got)
		}
	}
}
