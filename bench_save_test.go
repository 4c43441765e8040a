package dynamorm_test

// Save of one changed field of a 30-field item versus Update() with no
// names (every non-key field) and Update("F01") (the one field named):
//
//	go test -run '^$' -bench 'BenchmarkSave' -benchmem -count 3 .
//
// backend=stub measures the library's CPU alone (stubClient, as the item
// benchmarks); backend=memdb sends real requests through the SDK to memdb
// in process and reports the bytes of each UpdateItem request body
// (req-B/op). On memdb, op=Save saves the same value again, since memdb
// checks the version.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// benchWide is an item of 30 attributes: a key, 14 strings, 13 numbers, a
// version and updated_at.
type benchWide struct {
	dynamorm.Tracked
	ID                                                         string `dynamorm:"pk"`
	F01, F02, F03, F04, F05, F06, F07, F08, F09, F10, F11, F12 string
	F13, F14                                                   string
	N01, N02, N03, N04, N05, N06, N07, N08, N09, N10, N11, N12 int64
	N13                                                        int64
	Version                                                    int64     `dynamorm:"version"`
	UpdatedAt                                                  time.Time `dynamorm:"updated_at"`
}

func newBenchWide() benchWide {
	w := benchWide{ID: "wide-0001"}
	for i, p := range []*string{&w.F01, &w.F02, &w.F03, &w.F04, &w.F05, &w.F06, &w.F07, &w.F08, &w.F09, &w.F10, &w.F11, &w.F12, &w.F13, &w.F14} {
		*p = fmt.Sprintf("value of string field number %02d", i+1)
	}
	for i, p := range []*int64{&w.N01, &w.N02, &w.N03, &w.N04, &w.N05, &w.N06, &w.N07, &w.N08, &w.N09, &w.N10, &w.N11, &w.N12, &w.N13} {
		*p = int64(1000003 * (i + 1))
	}
	return w
}

// bodyCounter counts the bytes of the request bodies sent through it.
type bodyCounter struct {
	next  dynamodb.HTTPClient
	bytes atomic.Int64
}

func (c *bodyCounter) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		c.bytes.Add(int64(len(body)))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return c.next.Do(r)
}

// saveOps are the writes compared. op=Save saves a copy of the value as
// read (created) each time, as a read-modify-save does; op=Save-again
// saves the same value over and over, so that what it remembers is the
// layers of its previous saves.
var saveOps = []struct {
	name string
	run  func(q core.Query) error
}{
	{"op=Save", func(q core.Query) error { return q.Save() }},
	{"op=Save-again", func(q core.Query) error { return q.Save() }},
	{"op=Update-all", func(q core.Query) error { return q.Update() }},
	{"op=Update-F01", func(q core.Query) error { return q.Update("F01") }},
}

func BenchmarkSave(b *testing.B) {
	stub, err := dynamorm.New(session.Config{Client: newStubClient(nil, nil)})
	if err != nil {
		b.Fatal(err)
	}
	server := memdb.New()
	defer server.Close()
	counter := &bodyCounter{}
	client := server.Client(func(o *dynamodb.Options) { counter.next = o.HTTPClient; o.HTTPClient = counter })
	mem, err := dynamorm.New(session.Config{Client: client})
	if err != nil {
		b.Fatal(err)
	}
	if err := mem.CreateTable(&benchWide{}); err != nil {
		b.Fatal(err)
	}
	for _, backend := range []struct {
		name string
		db   *dynamorm.DB
	}{{"backend=stub", stub}, {"backend=memdb", mem}} {
		for _, op := range saveOps {
			b.Run(backend.name+"/"+op.name, func(b *testing.B) {
				w := newBenchWide()
				w.ID = b.Name() // its own item: versions start at 0
				if err := backend.db.Model(&w).CreateOrUpdate(); err != nil {
					b.Fatal(err)
				}
				values := [2]string{"changed value A", "changed value B"}
				read := w // remembers the item as created
				fresh := op.name == "op=Save" && backend.db == stub
				b.ReportAllocs()
				before := counter.bytes.Load()
				i := 0
				for b.Loop() {
					if fresh {
						w = read // the stub checks no version
					}
					w.F01 = values[i%2]
					i++
					if err := op.run(backend.db.Model(&w)); err != nil {
						b.Fatal(err)
					}
				}
				if backend.db == mem {
					b.ReportMetric(float64(counter.bytes.Load()-before)/float64(i), "req-B/op")
				}
			})
		}
	}
}
