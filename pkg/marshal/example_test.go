package marshal_test

import (
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/marshal"
)

type Order struct {
	ID       string            `dynamorm:"pk" json:"id"`
	Customer string            `dynamorm:"index:by-customer,pk" json:"customer"`
	Total    int64             `json:"total"`
	Tags     []string          `dynamorm:"set" json:"tags"`
	Placed   time.Time         `json:"placed"`
	Note     string            `dynamorm:"omitempty" json:"note"`
	Meta     map[string]string `json:"meta"`
}

// describe prints an item with its attributes in order.
func describe(item map[string]types.AttributeValue) {
	names := make([]string, 0, len(item))
	for name := range item {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		switch av := item[name].(type) {
		case *types.AttributeValueMemberS:
			fmt.Printf("%s: S %q\n", name, av.Value)
		case *types.AttributeValueMemberN:
			fmt.Printf("%s: N %s\n", name, av.Value)
		case *types.AttributeValueMemberSS:
			fmt.Printf("%s: SS %q\n", name, av.Value)
		case *types.AttributeValueMemberM:
			fmt.Printf("%s: M of %d\n", name, len(av.Value))
		default:
			fmt.Printf("%s: %T\n", name, av)
		}
	}
}

func ExampleMarshal() {
	item, err := marshal.Marshal(&Order{
		ID:     "o-1",
		Total:  18446744,
		Tags:   []string{"gift", "express"},
		Placed: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC),
		Meta:   map[string]string{"channel": "web"},
	})
	if err != nil {
		panic(err)
	}
	describe(item)
	// Output:
	// id: S "o-1"
	// meta: M of 1
	// placed: S "2024-03-01T09:30:00.000000000Z"
	// tags: SS ["gift" "express"]
	// total: N 18446744
}

func ExampleUnmarshal() {
	item := map[string]types.AttributeValue{
		"id":     &types.AttributeValueMemberS{Value: "o-2"},
		"total":  &types.AttributeValueMemberN{Value: "250"},
		"tags":   &types.AttributeValueMemberSS{Value: []string{"b2b"}},
		"placed": &types.AttributeValueMemberS{Value: "2024-03-01T10:30:00+01:00"},
		"extra":  &types.AttributeValueMemberBOOL{Value: true}, // no field: ignored
	}
	var o Order
	if err := marshal.Unmarshal(item, &o); err != nil {
		panic(err)
	}
	fmt.Println(o.ID, o.Total, o.Tags, o.Placed.UTC())
	// Output: o-2 250 [b2b] 2024-03-01 09:30:00 +0000 UTC
}

func ExampleUnmarshal_any() {
	item := map[string]types.AttributeValue{
		"big": &types.AttributeValueMemberN{Value: "18446744073709551615"},
	}
	var m map[string]any
	if err := marshal.Unmarshal(item, &m); err != nil {
		panic(err)
	}
	n := m["big"].(marshal.Number) // numbers stay exact
	u, _ := n.Uint64()
	fmt.Println(u)
	// Output: 18446744073709551615
}

func ExampleMarshalValue() {
	av, _ := marshal.MarshalValue([]any{"a", 1.5, nil})
	fmt.Printf("%d elements, the last is %T\n", len(av.(*types.AttributeValueMemberL).Value), av.(*types.AttributeValueMemberL).Value[2])
	// Output: 3 elements, the last is *types.AttributeValueMemberNULL
}

func ExampleStructCodecOf() {
	codec, err := marshal.StructCodecOf(reflect.TypeOf(Order{}))
	if err != nil {
		panic(err)
	}
	// A query value for the tags attribute gets the field's encoding (a set).
	av, _ := codec.EncodeAttrValue("tags", []string{"gift"})
	fmt.Printf("%T\n", av)
	// Output: *types.AttributeValueMemberSS
}

func ExampleFromStreamImage() {
	image := map[string]events.DynamoDBAttributeValue{
		"id":    events.NewStringAttribute("o-3"),
		"total": events.NewNumberAttribute("99"),
	}
	var o Order
	if err := marshal.Unmarshal(marshal.FromStreamImage(image), &o); err != nil {
		panic(err)
	}
	fmt.Println(o.ID, o.Total)
	// Output: o-3 99
}
