package dynamorm

import (
	"fmt"
	"iter"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// This file holds the typed API: generic functions that return items as
// values of a type parameter instead of filling a destination passed as any,
// and iterators that read lazily, one DynamoDB page at a time.
//
// T is a model struct (or another struct the items decode into, such as a
// projection) or a pointer to one. The functions take core.Query and
// core.DB, so code using them can be tested with the mocks in pkg/mocks.

// All runs q and returns every matching item; it is q.All(&items) without
// the destination variable:
//
//	payments, err := dynamorm.All[Payment](db.Model(&Payment{}).Where("CustomerID", "=", id))
func All[T any](q core.Query) ([]T, error) {
	var items []T
	if err := q.All(&items); err != nil {
		return nil, err
	}
	return items, nil
}

// First runs q and returns the first matching item; it is q.First(&item).
// When nothing matches, the error wraps ErrItemNotFound.
func First[T any](q core.Query) (T, error) {
	item, dest := newTarget[T]()
	if err := q.First(dest); err != nil {
		var zero T
		return zero, err
	}
	return *item, nil
}

// Get reads the item whose primary key key holds (the other fields of key
// are ignored) with a GetItem. It addresses exactly the full primary key of
// key, zero values included: numeric 0 is a key value, and an empty string
// or binary key field is an error wrapping ErrValidation, before sending.
// (Model(&x).First, by contrast, follows the Go-ORM convention that only
// key fields that are not zero count; see core.Query.)
// When the item does not exist, the error wraps ErrItemNotFound.
//
//	user, err := dynamorm.Get(db, User{ID: "u1"})
func Get[T any](db core.DB, key T) (T, error) {
	var m any = &key
	if v := reflect.ValueOf(&key).Elem(); v.Kind() == reflect.Pointer {
		if v.IsNil() {
			var zero T
			return zero, fmt.Errorf("%w: Get(nil %s): pass the item's key, e.g. Get(db, %s{ID: id})", core.ErrValidation, v.Type(), v.Type().Elem())
		}
		m = key
	}
	q := db.Model(m)
	if dq, ok := q.(*query); ok {
		dq = dq.clone()
		dq.set().exactKey = true
		q = dq
	}
	return First[T](q)
}

// Items returns an iterator over the items q matches, in the order All
// returns them. It reads lazily: one Query or Scan request per page,
// through the same planner and read loop as All, and the next request is
// sent only when the loop has consumed the previous page. Breaking out of
// the loop stops the reading. Limit, Offset, filters, Cursor and
// WithContext apply as in All:
//
//	for p, err := range dynamorm.Items[Payment](db.Model(&Payment{}).Where("CustomerID", "=", id)) {
//		if err != nil {
//			return err
//		}
//		if done(p) {
//			break // no further page is requested
//		}
//	}
//
// An error (a failed request, an item that does not decode) is yielded
// once, with the zero T, and ends the sequence. Some reads cannot be lazy
// and are read completely before the first item is yielded: a GetItem (the
// full key is given), an OrderBy on a field that is not the sort key of the
// table or index read (sorted in memory), and WithRetry (which may read
// again). A core.Query that is not dynamorm's own, such as a mock, is read
// with All. Each range over the sequence runs the query again.
func Items[T any](q core.Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		dq, ok := q.(*query)
		if !ok {
			items, err := All[T](q)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			return
		}
		dq, c := dq.begin("Items")
		dec, err := decoderOf[T](dq.db, readAttrs(dq.fields))
		if err == nil && len(dq.preload) > 0 {
			n := 0 // items decoded, for error messages
			err = dq.lazily(func(items []map[string]types.AttributeValue) (bool, error) {
				page, err := decodePage(dq, dec, items, n)
				n += len(items)
				for _, v := range page {
					if err != nil || !yield(v, nil) {
						return false, err
					}
				}
				return err == nil, err
			})
		} else if err == nil {
			n := 0 // items decoded, for error messages
			err = dq.lazily(func(items []map[string]types.AttributeValue) (bool, error) {
				for _, item := range items {
					var v T
					if err := dec.decode(item, &v); err != nil {
						return false, fmt.Errorf("item %d: %w", n, err)
					}
					n++
					if !yield(v, nil) {
						return false, nil
					}
				}
				return true, nil
			})
		}
		if c.end(err) != nil {
			yield(zero, err)
		}
	}
}

// Pages is Items one page at a time: each element holds the matching
// items of one DynamoDB response (after Offset and Limit), decoded. Pages
// are never empty: a response whose items were all filtered out yields
// nothing. Use it to process items in batches as they arrive.
func Pages[T any](q core.Query) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		dq, ok := q.(*query)
		if !ok {
			items, err := All[T](q)
			if err != nil || len(items) > 0 {
				yield(items, err)
			}
			return
		}
		dq, c := dq.begin("Pages")
		dec, err := decoderOf[T](dq.db, readAttrs(dq.fields))
		if err == nil {
			n := 0 // items decoded before this page, for error messages
			err = dq.lazily(func(items []map[string]types.AttributeValue) (bool, error) {
				page, err := decodePage(dq, dec, items, n)
				if err != nil {
					return false, err
				}
				n += len(items)
				return yield(page, nil), nil
			})
		}
		if c.end(err) != nil {
			yield(nil, err)
		}
	}
}

// decodePage decodes the items of one page (n items came before it) and
// loads the relationships q preloads for all of them at once.
func decodePage[T any](q *query, dec *decoder[T], items []map[string]types.AttributeValue, n int) ([]T, error) {
	page := make([]T, len(items))
	for i, item := range items {
		if err := dec.decode(item, &page[i]); err != nil {
			return nil, fmt.Errorf("item %d: %w", n+i, err)
		}
	}
	return page, q.db.preloadValues(q.ctx, page, q.preload, q)
}

// lazily runs q.pages, handing each page to fn, which returns false to
// stop reading, or an error. It returns the error that ended the read (a
// request's or fn's); nil when the read ended or fn stopped it.
func (q *query) lazily(fn func(items []map[string]types.AttributeValue) (bool, error)) error {
	var fnErr error
	err := q.pages(func(items []map[string]types.AttributeValue) bool {
		more, err := fn(items)
		fnErr = err
		return more && err == nil
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// pages runs the read All runs, lazily: the matching items of each
// DynamoDB page go to emit as they arrive (see walk), and the next request
// is sent only when emit returns true. Reads that cannot be lazy run as All
// runs them and emit one page: GetItem, an OrderBy sorted in memory, and
// WithRetry.
func (q *query) pages(emit func([]map[string]types.AttributeValue) bool) error {
	if q.err != nil {
		return q.err
	}
	if q.retries == 0 {
		r, err := q.planRead(readMatches)
		if err != nil {
			return err
		}
		if (r.Operation == plan.Query || r.Operation == plan.Scan) && r.SortBy == nil {
			var start map[string]types.AttributeValue
			if q.cursor != "" {
				if start, err = startKey(q.cursor, r, q.model, q.db.shared.cursorKey); err != nil {
					return err
				}
			}
			_, _, err = q.walk(q.ctx, r, start, q.offset, q.limit, emit)
			return err
		}
	}
	_, res, err := q.run(readMatches, q.limit)
	if err == nil && len(res.items) > 0 {
		emit(res.items)
	}
	return err
}

// newTarget returns a T to decode into and the pointer to pass as the
// destination: &t for a struct, a new struct for a pointer type.
func newTarget[T any]() (*T, any) {
	item := new(T)
	if t := reflect.TypeFor[T](); t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		reflect.ValueOf(item).Elem().Set(p)
		return item, p.Interface()
	}
	return item, item
}

// decoder decodes items into values of T, a struct or a pointer to one,
// with the struct's codec looked up once.
type decoder[T any] struct {
	db      *DB          // whose keys decrypt
	model   *model.Model // T's model (nil: not a model)
	codec   *marshal.StructCodec
	ptr     bool         // T is a pointer to the struct
	tracked *model.Model // the struct's model when its values are tracked
	read    map[string]bool
}

// decoderOf returns the decoder of T's items, read through a projection
// of the attributes read (nil: whole items).
func decoderOf[T any](db *DB, read map[string]bool) (*decoder[T], error) {
	codecs := db.shared.codecs
	t := reflect.TypeFor[T]()
	st := t
	if t.Kind() == reflect.Pointer {
		st = t.Elem()
	}
	if st.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: items decode into structs or pointers to structs, got %s", core.ErrValidation, t)
	}
	codec, err := codecs.StructCodecOf(st)
	if err != nil {
		return nil, err
	}
	m := modelOf(st)
	return &decoder[T]{db: db, model: m, codec: codec, ptr: st != t, tracked: trackedOf(m), read: read}, nil
}

// decode decodes item into *dest, which holds the zero T.
func (d *decoder[T]) decode(item map[string]types.AttributeValue, dest *T) error {
	v := reflect.ValueOf(dest).Elem()
	if d.ptr {
		v.Set(reflect.New(d.codec.Type()))
		v = v.Elem()
	}
	item, err := d.db.open(d.model, v, item)
	if err != nil {
		return err
	}
	if err := d.codec.Decode(item, v); err != nil {
		return err
	}
	remember(d.tracked, v, item, d.read)
	return nil
}
