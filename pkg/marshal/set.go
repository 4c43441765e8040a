package marshal

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// setCodec stores t, a slice, array or map[T]struct{} of strings, numbers or
// binary values, as SS, NS or BS (the `set` option). DynamoDB forbids empty
// sets and duplicates: an empty set is absent (left out of the item), and
// duplicates are dropped, keeping the first. Sets built from maps are
// sorted so that the same map always gives the same item. Decoding accepts
// sets and lists alike.
func (cp *compiler) setCodec(t reflect.Type) (*codec, error) {
	isMap := t.Kind() == reflect.Map
	et := t.Elem()
	if isMap {
		et = t.Key()
	}
	elem, err := cp.compile(et)
	if err != nil {
		return nil, err
	}
	c := &codec{typ: t, empty: emptyFunc(t)}
	if isMap {
		// Not the map's own codec: float and array keys make fine set
		// elements but no attribute names.
		c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error {
			return decodeMapSet(elem, t, av, v, depth)
		}
	} else {
		base, err := cp.compile(t)
		if err != nil {
			return nil, err
		}
		c.dec = func(av types.AttributeValue, v reflect.Value, depth int) error { return base.dec(av, v, depth) }
	}
	c.enc = func(e *encState, v reflect.Value) (types.AttributeValue, error) {
		n := v.Len()
		if n == 0 {
			return nil, nil
		}
		w := setWriter{elem: elem}
		if elem.scalar == 'B' {
			w.bins = make([][]byte, 0, n)
		} else {
			w.strs = make([]string, 0, n)
		}
		if isMap {
			k := reflect.New(et).Elem()
			it := v.MapRange()
			for it.Next() {
				k.SetIterKey(it)
				if err := w.add(e, k); err != nil {
					return nil, fmt.Errorf("set element %v: %w", k, err)
				}
			}
			w.sort()
		} else {
			for i := range n {
				if err := w.add(e, v.Index(i)); err != nil {
					return nil, withPath(err, indexStep(i))
				}
			}
			w.dedupe()
		}
		return w.value(), nil
	}
	return c, nil
}

// setWriter collects the elements of one set.
type setWriter struct {
	elem *codec
	kind byte // 'S', 'N' or 'B', from the first element
	strs []string
	bins [][]byte
}

func (w *setWriter) add(e *encState, v reflect.Value) error {
	var (
		kind = w.elem.scalar
		s    string
		b    []byte
		err  error
	)
	switch {
	case (kind == 'S' || kind == 'N') && w.elem.text != nil:
		s, err = w.elem.text(v)
	case kind == 'B' && w.elem.bytes != nil:
		b, err = w.elem.bytes(v)
	default:
		var av types.AttributeValue
		if av, err = w.elem.enc(e, v); err != nil {
			break
		}
		switch a := av.(type) {
		case *types.AttributeValueMemberS:
			kind, s = 'S', a.Value
		case *types.AttributeValueMemberN:
			kind, s = 'N', a.Value
		case *types.AttributeValueMemberB:
			kind, b = 'B', a.Value
		default:
			name := "nothing"
			if av != nil {
				name = avType(av)
			}
			return fmt.Errorf("a set holds strings, numbers or binary values; %s encodes to %s", v.Type(), name)
		}
	}
	if err != nil {
		return err
	}
	if w.kind == 0 {
		w.kind = kind
	} else if w.kind != kind {
		return fmt.Errorf("a set cannot mix %cS and %cS elements", w.kind, kind)
	}
	if kind == 'B' {
		w.bins = append(w.bins, b)
	} else {
		w.strs = append(w.strs, s)
	}
	return nil
}

func (w *setWriter) sort() {
	slices.Sort(w.strs)
	slices.SortFunc(w.bins, bytes.Compare)
}

// dedupe drops repeated elements, keeping the first of each.
func (w *setWriter) dedupe() {
	w.strs = dedupe(w.strs, func(s string) string { return s })
	w.bins = dedupe(w.bins, func(b []byte) string { return string(b) })
}

func dedupe[T any](xs []T, key func(T) string) []T {
	if len(xs) < 2 {
		return xs
	}
	out := xs[:1]
	if len(xs) <= 16 { // a quadratic scan beats a map for small sets
	next:
		for _, x := range xs[1:] {
			k := key(x)
			for _, y := range out {
				if key(y) == k {
					continue next
				}
			}
			out = append(out, x)
		}
		return out
	}
	seen := make(map[string]struct{}, len(xs))
	seen[key(xs[0])] = struct{}{}
	for _, x := range xs[1:] {
		k := key(x)
		if _, dup := seen[k]; !dup {
			seen[k] = struct{}{}
			out = append(out, x)
		}
	}
	return out
}

func (w *setWriter) value() types.AttributeValue {
	switch w.kind {
	case 'S':
		return &types.AttributeValueMemberSS{Value: w.strs}
	case 'N':
		return &types.AttributeValueMemberNS{Value: w.strs}
	}
	return &types.AttributeValueMemberBS{Value: w.bins}
}
