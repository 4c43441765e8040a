package model

import (
	"maps"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Tracking is embedded in a model that owns its table to make its values
// remember what was read (the root package exports it as
// dynamorm.Tracked); an entity's Marker does the same.
type Tracking struct{ snap *Snapshot }

var trackingType = reflect.TypeOf(Tracking{})

// Snapshot is what dynamorm last read or wrote of a tracked value: the
// item as stored, and which of its attributes were read. It is never
// modified once made (a value and its copies may share it); a new read or
// write replaces it. A write's snapshot is a layer of the attributes it
// wrote over the previous snapshot (Base), so that saving one attribute
// does not copy the item; layers are merged every maxLayers writes.
type Snapshot struct {
	// Item is the item, in a snapshot without Base.
	Item map[string]types.AttributeValue
	// Layer holds the attributes of a layer over Base (a nil Value is
	// an attribute removed): a few, searched in order.
	Layer []Attr
	Base  *Snapshot
	// Read lists the attributes a projected read asked for; nil when the
	// whole item was read.
	Read map[string]bool
}

// unknown is the snapshot of Unknown.
var unknown = &Snapshot{}

// Unknown is the snapshot of a value whose item a write changed without
// returning what it stored (an UpdateBuilder in a transaction, or whose
// ReturnValues the caller chose): the value no longer knows it, and Save
// refuses until it is read again.
func Unknown() *Snapshot { return unknown }

// IsUnknown reports whether s is Unknown().
func (s *Snapshot) IsUnknown() bool { return s == unknown }

// depth is the number of layers of s.
func (s *Snapshot) depth() int {
	n := 0
	for l := s; l.Base != nil; l = l.Base {
		n++
	}
	return n
}

// Attr is one attribute of a snapshot's layer.
type Attr struct {
	Name  string
	Value types.AttributeValue
}

// maxLayers bounds the layers of a snapshot.
const maxLayers = 8

// Get returns attribute a of the item as remembered.
func (s *Snapshot) Get(a string) (types.AttributeValue, bool) {
	for l := s; l != nil; l = l.Base {
		if l.Base == nil {
			v, ok := l.Item[a]
			return v, ok && v != nil
		}
		for i := range l.Layer {
			if l.Layer[i].Name == a {
				return l.Layer[i].Value, l.Layer[i].Value != nil
			}
		}
	}
	return nil, false
}

// Has reports whether attribute a was read (whether or not the item had
// it).
func (s *Snapshot) Has(a string) bool {
	if s.Read == nil || s.Read[a] {
		return true
	}
	_, ok := s.Get(a)
	return ok
}

// Over returns the snapshot of s with the attributes of layer (nil values:
// removed) written over it. s is not modified; layer is kept. Over
// Unknown(), it is Unknown(): what the item holds stays unknown.
func (s *Snapshot) Over(layer []Attr) *Snapshot {
	if s.IsUnknown() {
		return s
	}
	next := &Snapshot{Layer: layer, Base: s, Read: s.Read}
	if next.depth() < maxLayers {
		return next
	}
	return &Snapshot{Item: next.Flat(), Read: s.Read}
}

// Flat is the whole item as remembered, in one new map.
func (s *Snapshot) Flat() map[string]types.AttributeValue {
	if s.Base == nil {
		return maps.Clone(s.Item)
	}
	item := s.Base.Flat()
	for _, a := range s.Layer {
		if a.Value == nil {
			delete(item, a.Name)
		} else {
			item[a.Name] = a.Value
		}
	}
	return item
}

// LayerOf is item as a layer (for Over).
func LayerOf(item map[string]types.AttributeValue) []Attr {
	layer := make([]Attr, 0, len(item))
	for a, v := range item {
		layer = append(layer, Attr{a, v})
	}
	return layer
}

// findTracker returns the index of t's embedded Marker or Tracking, nil
// when it has neither.
func findTracker(t reflect.Type) []int {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && (sf.Type == markerType || sf.Type == trackingType) {
			return []int{i}
		}
	}
	return nil
}

// slot is the snapshot pointer of v, a value of m that is tracked
// (addressable). Marker and Tracking are both one *Snapshot.
func (m *Model) slot(v reflect.Value) **Snapshot {
	return (**Snapshot)(v.Field(m.Track[0]).Addr().UnsafePointer())
}

// SnapshotOf is what v (a value of m, addressable) remembers of the last
// read or write; nil for a value never read or of a model not tracked.
func (m *Model) SnapshotOf(v reflect.Value) *Snapshot {
	if m.Track == nil {
		return nil
	}
	return *m.slot(v)
}

// Remember makes v (a value of m, addressable) remember s; it does nothing
// for a model that is not tracked.
func (m *Model) Remember(v reflect.Value, s *Snapshot) {
	if m.Track != nil {
		*m.slot(v) = s
	}
}
