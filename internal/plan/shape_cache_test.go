package plan

import (
	"testing"

	"github.com/dynamorm/dynamorm/internal/model"
)

func TestShapeCacheEvictsOldShapesAndKeepsUsedOnes(t *testing.T) {
	const max = 8
	c := newShapeCache(max)
	fields := make([]*model.Field, 3*max)
	key := func(i int) shapeKey {
		if fields[i] == nil {
			fields[i] = &model.Field{}
		}
		k, ok := shape{fields: fields[i : i+1], removed: []bool{false}}.key()
		if !ok {
			t.Fatal("a one-field shape must be cacheable")
		}
		return k
	}
	hot := &rendered{update: "hot"}
	c.put(key(0), hot)
	for i := 1; i < len(fields); i++ {
		c.put(key(i), &rendered{})
		if got := c.get(key(0)); got != hot { // used all along: never evicted
			t.Fatalf("after %d puts the shape in use was evicted", i)
		}
		if n := c.len(); n > max {
			t.Fatalf("after %d puts the cache holds %d shapes, more than its bound %d", i, n, max)
		}
	}
	if c.get(key(1)) != nil {
		t.Error("a shape not used since it was put early is still cached")
	}
	if c.get(key(len(fields)-1)) == nil {
		t.Error("the newest shape is not cached")
	}
}
