package marshal

import (
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

// benchNode is a recursive document: every level is a map (the struct)
// holding a list (Children) of pointers, so encoding it walks every kind of
// nesting the depth and cycle checks watch (struct, pointer, slice, map,
// interface).
type benchNode struct {
	Name     string
	Score    float64
	Labels   map[string]any
	Children []*benchNode
}

// benchTree builds a tree of the given depth with two children per node
// (depth 6: 63 nodes, 12 levels of nesting).
func benchTree(depth int) *benchNode {
	n := &benchNode{Name: "node-" + strconv.Itoa(depth), Score: float64(depth) / 4,
		Labels: map[string]any{"level": depth, "tags": []any{"a", "b"}}}
	if depth > 1 {
		n.Children = []*benchNode{benchTree(depth - 1), benchTree(depth - 1)}
	}
	return n
}

func BenchmarkEncodeNested(b *testing.B) {
	in := benchTree(6)
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
}

func BenchmarkDecodeNested(b *testing.B) {
	in := benchTree(6)
	item, err := Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("dynamorm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out benchNode
			if err := Unmarshal(item, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out benchNode
			if err := attributevalue.UnmarshalMap(item, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
