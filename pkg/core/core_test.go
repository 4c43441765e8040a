package core

import (
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestCapacityCollectorSumsConcurrently(t *testing.T) {
	var c CapacityCollector
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			c.RecordRead(types.ConsumedCapacity{TableName: aws.String("t"), CapacityUnits: aws.Float64(0.5),
				Table: &types.Capacity{CapacityUnits: aws.Float64(0.5)}})
		}()
		go func() {
			defer wg.Done()
			c.RecordWrite(types.ConsumedCapacity{TableName: aws.String("t"), CapacityUnits: aws.Float64(3),
				Table:                  &types.Capacity{CapacityUnits: aws.Float64(1)},
				GlobalSecondaryIndexes: map[string]types.Capacity{"g": {CapacityUnits: aws.Float64(2)}}})
		}()
	}
	wg.Wait()
	got := c.Total()
	if got.ReadUnits != 25 || got.WriteUnits != 150 || got.Requests != 100 {
		t.Fatalf("total = %+v", got)
	}
	if got.Tables["t"] != (Capacity{ReadUnits: 25, WriteUnits: 50}) || got.Indexes["t/g"] != (Capacity{WriteUnits: 100}) {
		t.Errorf("breakdown = %+v %+v", got.Tables, got.Indexes)
	}
	got.Tables["t"] = Capacity{} // a copy: the collector is unchanged
	if c.Total().Tables["t"].ReadUnits != 25 {
		t.Error("Total must return a copy")
	}
	c.Reset()
	if c.Total().Requests != 0 {
		t.Error("Reset did not clear")
	}
}

func TestExplanationString(t *testing.T) {
	e := &Explanation{Operation: "Query", Table: "payments", Index: "customer-index",
		KeyCondition: "#n0 = :v0", Filter: "#n1 > :v1",
		Names:  map[string]string{"#n0": "customer_id", "#n1": "amount"},
		Values: map[string]types.AttributeValue{":v0": &types.AttributeValueMemberS{Value: "c1"}, ":v1": &types.AttributeValueMemberN{Value: "10"}},
		Limit:  10}
	s := e.String()
	for _, want := range []string{"Query on payments (index customer-index)", `key condition: customer_id = "c1"`, "filter: amount > 10", "order: descending", "page size: 10"} {
		if !strings.Contains(s, want) {
			t.Errorf("Explanation.String() lacks %q:\n%s", want, s)
		}
	}
}

func TestFormatValue(t *testing.T) {
	v := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"b": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberBOOL{Value: true}, &types.AttributeValueMemberNULL{Value: true}}},
		"a": &types.AttributeValueMemberSS{Value: []string{"x"}},
	}}
	if got, want := FormatValue(v), `{a:["x"], b:[true, NULL]}`; got != want {
		t.Errorf("FormatValue = %s, want %s", got, want)
	}
}

func TestTypeName(t *testing.T) {
	for want, av := range map[string]types.AttributeValue{
		"S": &types.AttributeValueMemberS{}, "N": &types.AttributeValueMemberN{}, "B": &types.AttributeValueMemberB{},
		"BOOL": &types.AttributeValueMemberBOOL{}, "NULL": &types.AttributeValueMemberNULL{}, "L": &types.AttributeValueMemberL{},
		"M": &types.AttributeValueMemberM{}, "SS": &types.AttributeValueMemberSS{}, "NS": &types.AttributeValueMemberNS{},
		"BS": &types.AttributeValueMemberBS{}, "": nil,
	} {
		if got := TypeName(av); got != want {
			t.Errorf("TypeName(%T) = %q, want %q", av, got, want)
		}
	}
}
