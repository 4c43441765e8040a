package plan

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
)

type bucketEvent struct {
	model.Marker `dynamorm:"table:t,entity:ev,pk:EV#{ID},sk:AT#{At},iterable"`
	ID           string
	At           int
}

// TestBuckets: the bucket is a function of the primary key alone, keys
// spread evenly over the buckets, and a put stores <entity>#<bucket>.
func TestBuckets(t *testing.T) {
	m, err := model.Of(reflect.TypeFor[bucketEvent]())
	if err != nil {
		t.Fatal(err)
	}
	it := m.Entity.Iteration
	counts := make([]int, it.Buckets)
	for i := range 10000 {
		item := map[string]types.AttributeValue{
			"ID": &types.AttributeValueMemberS{Value: fmt.Sprintf("e%d", i)},
			"At": &types.AttributeValueMemberN{Value: fmt.Sprint(i % 7)},
		}
		if err := deriveItem(m, "", item, "Create"); err != nil {
			t.Fatal(err)
		}
		b, missing, err := Bucket(it, "", func(c *model.Field) (types.AttributeValue, error) { return item[c.Attr], nil })
		if err != nil || missing != nil {
			t.Fatal(err, missing)
		}
		want, err := BucketKey(it, "", b)
		if err != nil {
			t.Fatal(err)
		}
		if got := item["iter10pk"]; got.(*types.AttributeValueMemberS).Value != want.(*types.AttributeValueMemberS).Value || want.(*types.AttributeValueMemberS).Value != fmt.Sprintf("ev#%d", b) {
			t.Fatalf("item %d stores %v, bucket %d is %v", i, got, b, want)
		}
		counts[b]++
	}
	for b, c := range counts {
		if c < 900 || c > 1100 {
			t.Errorf("bucket %d holds %d of 10,000 keys; want 1,000 ± 10%% (counts %v)", b, c, counts)
		}
	}
	// A missing component makes no bucket (the put fails on the key first).
	_, missing, _ := Bucket(it, "", func(c *model.Field) (types.AttributeValue, error) { return nil, nil })
	if missing == nil || missing.GoName != "ID" {
		t.Errorf("bucket of an empty key: missing %v", missing)
	}
}
