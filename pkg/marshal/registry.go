package marshal

import (
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
)

// A codecSet is one fixed set of converters with the codecs compiled under
// it. Sets never change: registering a converter makes a new set with an
// empty cache, so a codec compiled under one set of converters is never
// used under another. Whoever holds the old set (a call in flight, a
// StructCodec) finishes with it.
type codecSet struct {
	convs     map[reflect.Type]*converter // nil when there are none
	base      *codecSet                   // for a Codecs' set: the process-wide set it extends
	codecs    sync.Map                    // reflect.Type -> *codec, each filled or marked failed
	compileMu sync.Mutex                  // one compilation at a time; lookups never lock
}

// global is the set of the process-wide converters, used by the package
// functions (Marshal, Unmarshal, StructCodecOf, ...) and by every Codecs
// as its base.
var (
	global = func() *atomic.Pointer[codecSet] {
		p := new(atomic.Pointer[codecSet])
		p.Store(&codecSet{}) // initialised before any package variable that registers
		return p
	}()
	globalMu sync.Mutex // serialises process-wide registrations
)

// RegisterConverter registers conv as the converter of type t for the
// whole process: the package functions (Marshal, Unmarshal, MarshalValue,
// StructCodecOf, ...) and every DB use it, unless a DB registered its own
// converter of t (Codecs.RegisterConverter), which wins. A converter
// replaces t's own marshaler methods and the built-in rules, for t and for
// pointers, slices, arrays, maps and sets of t. Registering again replaces
// the converter. Codecs compiled before are not reused: the next use
// compiles new ones, so a registration is never ignored. It is safe to
// call concurrently with encoding and decoding.
//
// t must be a named type declared in a package (not a pointer or an
// interface). The stored form of t's zero value is t's key type: a type
// whose converter stores S, N or B can be a table or index key.
func RegisterConverter(t reflect.Type, conv Converter) error {
	c, err := newConverter(t, conv)
	if err != nil {
		return err
	}
	globalMu.Lock()
	defer globalMu.Unlock()
	old := global.Load()
	model.MarkConverted(t, c.kind)
	global.Store(&codecSet{convs: withConverter(old.convs, c)})
	return nil
}

// Register registers the converter of T made of to and from for the whole
// process; see RegisterConverter and NewConverter.
func Register[T any](to func(T) (types.AttributeValue, error), from func(types.AttributeValue) (T, error)) error {
	return RegisterConverter(reflect.TypeFor[T](), NewConverter(to, from))
}

// withConverter returns a copy of convs with c added (or replacing the
// converter of its type).
func withConverter(convs map[reflect.Type]*converter, c *converter) map[reflect.Type]*converter {
	out := make(map[reflect.Type]*converter, len(convs)+1)
	for t, x := range convs {
		out[t] = x
	}
	out[c.typ] = c
	return out
}

// Codecs is the codec of one DB: the process-wide converters plus the ones
// registered on it, which take precedence. A nil *Codecs, and one with no
// converters of its own, is the process-wide codec at no extra cost. It is
// safe for concurrent use, registrations included.
type Codecs struct {
	mu    sync.Mutex
	local map[reflect.Type]*converter
	cur   atomic.Pointer[codecSet] // nil while local is empty
}

// NewCodecs returns a Codecs with no converters of its own.
func NewCodecs() *Codecs { return &Codecs{} }

// RegisterConverter registers conv as the converter of type t for cs only;
// it takes precedence over a process-wide converter of t. The rules are
// those of the package's RegisterConverter.
func (cs *Codecs) RegisterConverter(t reflect.Type, conv Converter) error {
	c, err := newConverter(t, conv)
	if err != nil {
		return err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	model.MarkConverted(t, c.kind)
	cs.local = withConverter(cs.local, c)
	cs.cur.Store(cs.merge(global.Load()))
	return nil
}

// merge builds the set of cs's converters over base. cs.mu is held.
func (cs *Codecs) merge(base *codecSet) *codecSet {
	convs := make(map[reflect.Type]*converter, len(base.convs)+len(cs.local))
	for t, c := range base.convs {
		convs[t] = c
	}
	for t, c := range cs.local {
		convs[t] = c
	}
	return &codecSet{convs: convs, base: base}
}

// set returns the current set of cs: the process-wide one when cs has no
// converters of its own, otherwise its own, rebuilt when a process-wide
// registration happened since.
func (cs *Codecs) set() *codecSet {
	g := global.Load()
	if cs == nil {
		return g
	}
	s := cs.cur.Load()
	if s == nil {
		return g
	}
	if s.base == g {
		return s
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	g = global.Load()
	if s = cs.cur.Load(); s.base != g {
		s = cs.merge(g)
		cs.cur.Store(s)
	}
	return s
}

// codecFor returns the codec of t in the process-wide set.
func codecFor(t reflect.Type) (*codec, error) { return global.Load().codecFor(t) }
