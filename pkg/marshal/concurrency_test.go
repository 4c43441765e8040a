package marshal

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Types no other test touches, so their codecs are compiled under contention.
type raceLeaf struct {
	N    int
	Tags map[string]struct{} `dynamorm:"set"`
}

type raceRoot struct {
	ID     string `dynamorm:"pk"`
	At     time.Time
	Leaves []raceLeaf
	Self   *raceRoot
	Any    any
}

func TestConcurrentFirstUse(t *testing.T) {
	const workers = 32
	var (
		start sync.WaitGroup
		done  sync.WaitGroup
		codec = make([]*StructCodec, workers)
	)
	start.Add(1)
	for w := range workers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			in := raceRoot{ID: "r", At: time.Unix(int64(w), 0).UTC(),
				Leaves: []raceLeaf{{N: w, Tags: map[string]struct{}{"t": {}}}},
				Self:   &raceRoot{ID: "child"}, Any: raceLeaf{N: 1}}
			for range 50 {
				item, err := Marshal(&in)
				if !assert.NoError(t, err) {
					return
				}
				var out raceRoot
				if !assert.NoError(t, Unmarshal(item, &out)) {
					return
				}
				in.Any = nil
				out.Any = nil
				assert.Equal(t, in, out)
				in.Any = raceLeaf{N: 1}
			}
			sc, err := StructCodecOf(reflect.TypeOf(raceRoot{}))
			require.NoError(t, err)
			codec[w] = sc
		}()
	}
	start.Done()
	done.Wait()
	for _, sc := range codec {
		assert.Same(t, codec[0], sc, "one codec per type")
	}
}
