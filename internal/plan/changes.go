package plan

import (
	"fmt"
	"reflect"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/dynamorm/dynamorm/internal/model"
)

// Changes records the changes a write makes to the caller's Go value
// (generated ULIDs, timestamps, the bumped version) so that they can be
// undone when the write fails: a failed write leaves the value as it was.
type Changes struct {
	saved []savedField
	buf   [2]savedField // saved's first elements: a write changes few fields
}

// savedField is a field's value before a change: in old, or for the common
// kinds (a time.Time, an integer) in t or n, which need no allocation.
type savedField struct {
	v    reflect.Value
	kind savedKind
	old  reflect.Value
	t    time.Time
	n    int64
}

type savedKind uint8

const (
	savedValue savedKind = iota
	savedTime
	savedInt
	savedUint
)

func (l *Changes) save(s savedField) {
	if l.saved == nil {
		l.saved = l.buf[:0]
	}
	l.saved = append(l.saved, s)
}

func (l *Changes) set(v, nv reflect.Value) {
	old := reflect.New(v.Type()).Elem()
	old.Set(v)
	l.save(savedField{v: v, old: old})
	v.Set(nv)
}

var timeType = reflect.TypeFor[time.Time]()

// setTime sets v, a time field (time.Time, *time.Time or Unix seconds), to now.
func (l *Changes) setTime(v reflect.Value, now time.Time) {
	if v.Type() != timeType || !v.CanInterface() {
		l.set(v, TimeValue(v.Type(), now))
		return
	}
	p := v.Addr().Interface().(*time.Time)
	l.save(savedField{v: v, kind: savedTime, t: *p})
	*p = now.UTC().Round(0)
}

// setVersion sets v, a version field, to n.
func (l *Changes) setVersion(v reflect.Value, n int64) {
	switch {
	case v.CanInt():
		l.save(savedField{v: v, kind: savedInt, n: v.Int()})
		v.SetInt(n)
	case v.CanUint():
		l.save(savedField{v: v, kind: savedUint, n: int64(v.Uint())})
		v.SetUint(uint64(n))
	default:
		l.set(v, versionValue(v.Type(), n))
	}
}

// Undo restores every changed field, latest change first. A nil Changes
// has nothing to undo.
func (l *Changes) Undo() {
	if l == nil {
		return
	}
	for i := len(l.saved) - 1; i >= 0; i-- {
		switch s := &l.saved[i]; s.kind {
		case savedTime:
			s.v.Set(reflect.ValueOf(s.t))
		case savedInt:
			s.v.SetInt(s.n)
		case savedUint:
			s.v.SetUint(uint64(s.n))
		default:
			s.v.Set(s.old)
		}
	}
	l.saved = nil
}

// fieldOf returns the settable field f of struct v, allocating nil embedded
// pointers on the way; l records them, so that Undo sets them back to nil.
func fieldOf(v reflect.Value, f *model.Field, l *Changes) reflect.Value {
	for i, x := range f.Index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				l.set(v, reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// IsZeroField reports whether field f of v is zero (a nil embedded pointer
// on the way counts as zero).
func IsZeroField(v reflect.Value, f *model.Field) bool {
	fv, err := v.FieldByIndexErr(f.Index)
	return err != nil || fv.IsZero()
}

// TimeValue converts now to a value of type t: time.Time, *time.Time or an
// integer (Unix seconds).
func TimeValue(t reflect.Type, now time.Time) reflect.Value {
	now = now.UTC().Round(0)
	switch {
	case t == reflect.TypeOf(now):
		return reflect.ValueOf(now)
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		p.Elem().Set(TimeValue(t.Elem(), now))
		return p
	}
	n := reflect.New(t).Elem()
	if n.CanInt() {
		n.SetInt(now.Unix())
	} else {
		n.SetUint(uint64(now.Unix()))
	}
	return n
}

// versionOf reads an integer version field (pointers allowed; nil is 0).
func versionOf(v reflect.Value) int64 {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if v.CanInt() {
		return v.Int()
	}
	return int64(v.Uint())
}

// versionValue builds a value of the version field's type holding n.
func versionValue(t reflect.Type, n int64) reflect.Value {
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		p.Elem().Set(versionValue(t.Elem(), n))
		return p
	}
	v := reflect.New(t).Elem()
	if v.CanInt() {
		v.SetInt(n)
	} else {
		v.SetUint(uint64(n))
	}
	return v
}

// newULID is a new ULID for time now.
func newULID(now time.Time) string {
	return ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String()
}

// stampCreate fills the fields a create sets: empty ULID keys, a zero
// created_at, updated_at, and a zero version (to 1).
func (t *Target) stampCreate(l *Changes) {
	now := t.Clock()
	m := t.Model
	for _, f := range m.ULIDs {
		if IsZeroField(t.Item, f) {
			fv := fieldOf(t.Item, f, l)
			l.set(fv, model.StringValue(fv.Type(), newULID(now)))
		}
	}
	if f := m.CreatedAt; f != nil && IsZeroField(t.Item, f) {
		l.setTime(fieldOf(t.Item, f, l), now)
	}
	t.stampUpdate(l)
}

// stampUpdate sets updated_at; the version is bumped by bumpVersion.
func (t *Target) stampUpdate(l *Changes) {
	if f := t.Model.UpdatedAt; f != nil {
		l.setTime(fieldOf(t.Item, f, l), t.Clock())
	}
}

// bumpVersion sets the version field to current+1 and returns current.
func (t *Target) bumpVersion(l *Changes) (int64, error) {
	f := t.Model.Version
	fv := fieldOf(t.Item, f, l)
	cur := versionOf(fv)
	if cur < 0 {
		return 0, fmt.Errorf("%s.%s: version %d is negative", t.Model.Name(), f.GoName, cur)
	}
	l.setVersion(fv, cur+1)
	return cur, nil
}
