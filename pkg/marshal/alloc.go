package marshal

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// encState hands out the scalar attribute value structs an encoding needs
// from slabs, so that an item of twenty scalars costs a few allocations
// instead of twenty. Every value handed out is a distinct element that is
// never handed out again, so results from different calls may share a
// backing array but never an element. States are pooled; a slab's unused
// tail carries over to the next call. A chunk stays reachable while any of
// its elements is; S and N elements hold only strings, and sync.Pool drops
// idle states at garbage collection, so what this keeps alive is small and
// short-lived.
type encState struct {
	s    slab[types.AttributeValueMemberS]
	n    slab[types.AttributeValueMemberN]
	bool slab[types.AttributeValueMemberBOOL]
	null slab[types.AttributeValueMemberNULL]

	// depth counts the maps and lists enclosing the value being encoded
	// (the item itself not counted), hops the pointer and interface
	// dereferences on the way to it; both bound the recursion (limits.go).
	depth, hops int
}

var encStates = sync.Pool{New: func() any { return new(encState) }}

func getEncState() *encState {
	e := encStates.Get().(*encState)
	e.depth, e.hops = 0, 0 // an encoding that failed may not have unwound
	return e
}

func putEncState(e *encState) { encStates.Put(e) }

func (e *encState) str(v string) types.AttributeValue {
	m := e.s.get()
	m.Value = v
	return m
}

func (e *encState) num(v string) types.AttributeValue {
	m := e.n.get()
	m.Value = v
	return m
}

func (e *encState) boolean(v bool) types.AttributeValue {
	m := e.bool.get()
	m.Value = v
	return m
}

func (e *encState) nullValue() types.AttributeValue {
	m := e.null.get()
	m.Value = true
	return m
}

// Maps and lists are not taken from slabs: a pooled slab keeps every
// element of its chunk reachable, and for M and L that would be whole
// earlier items, which the garbage collector would then have to trace.
// S and N elements only hold strings, cheap to keep.

func (e *encState) mapValue(v map[string]types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: v}
}

func (e *encState) list(v []types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: v}
}

// slab is a chunk of T handed out one element at a time. Chunks start small
// and double, up to slabMax elements.
type slab[T any] struct {
	buf  []T
	size int
}

const (
	slabMin = 8
	slabMax = 128
)

func (s *slab[T]) get() *T {
	if len(s.buf) == 0 {
		switch {
		case s.size == 0:
			s.size = slabMin
		case s.size < slabMax:
			s.size *= 2
		}
		s.buf = make([]T, s.size)
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}
