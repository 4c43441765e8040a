package model

import (
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
)

// Types with a registered converter (pkg/marshal's RegisterConverter, on
// one DB or process-wide) and the DynamoDB types their converters store
// the zero value as. Metadata is shared by the whole process, so a
// converted type is a key (or a set element) of the scalar type its
// converters agree on; when converters of one type disagree, or store it
// as no scalar, it cannot be a key.
var converted struct {
	mu    sync.Mutex
	kinds atomic.Pointer[map[reflect.Type]string] // type -> kinds seen ("N", "B", "BS", "M", ...)
	gen   atomic.Uint64                           // bumped by every change; cached metadata is rebuilt
}

// MarkConverted records that t has a converter storing its zero value as
// kind ("S", "N", "B", or another DynamoDB type name, or "" when unknown).
func MarkConverted(t reflect.Type, kind string) {
	if kind == "" {
		kind = "?"
	}
	converted.mu.Lock()
	defer converted.mu.Unlock()
	old := converted.kinds.Load()
	seen := ""
	if old != nil {
		seen = (*old)[t]
	}
	if seen != "" && strings.Contains(","+seen+",", ","+kind+",") {
		return
	}
	next := make(map[reflect.Type]string)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	if seen != "" {
		kind = seen + "," + kind
	}
	next[t] = kind
	converted.kinds.Store(&next)
	converted.gen.Add(1)
}

// convertedKinds returns the kinds recorded for t ("N", or "S,B" when
// converters disagree) and whether t has a converter at all.
func convertedKinds(t reflect.Type) (string, bool) {
	m := converted.kinds.Load()
	if m == nil {
		return "", false
	}
	k, ok := (*m)[t]
	return k, ok
}

// IsConverted reports whether t (through pointers) has a registered
// converter on some DB or process-wide.
func IsConverted(t reflect.Type) bool {
	m := converted.kinds.Load()
	if m == nil {
		return false // no converter anywhere: the common case, kept cheap
	}
	_, ok := (*m)[derefType(t)]
	return ok
}

// convertedScalar is the key type of converted t: "S", "N" or "B" when its
// converters agree on one, "" otherwise.
func convertedScalar(kinds string) string {
	switch kinds {
	case "S", "N", "B":
		return kinds
	}
	return ""
}

// keyTypeProblem explains why converted type t cannot be a key, for
// messages.
func keyTypeProblem(t reflect.Type) string {
	kinds, ok := convertedKinds(derefType(t))
	if !ok {
		return ""
	}
	if strings.Contains(kinds, ",") {
		return "; converters of " + t.String() + " store " + kinds + ", and a key has one type: register one form"
	}
	return "; the converter of " + t.String() + " stores its zero value as " + kinds + ", and a key must be S, N or B"
}

// generation changes whenever a converted type is recorded, so that cached
// metadata built before is built again.
func generation() uint64 { return converted.gen.Load() }
