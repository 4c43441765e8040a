package plan

import (
	"sync"

	"github.com/dynamorm/dynamorm/internal/model"
)

// shape is what an Update's expressions depend on: the fields written,
// which of them are removed, and whether the version being replaced is 0.
type shape struct {
	fields      []*model.Field
	removed     []bool
	zeroVersion bool
}

// rendered is the rendered expressions of a shape: the update and condition
// expressions, the names, and the value placeholders in the order of the
// values they stand for.
type rendered struct {
	update, cond string
	names        map[string]string
	values       []string
}

// maxShapeFields is the most fields an Update can name and still have its
// expressions cached; maxShapes bounds the cache.
const (
	maxShapeFields = 16
	maxShapes      = 4096
)

type shapeKey struct {
	fields      [maxShapeFields]*model.Field
	removed     uint32
	zeroVersion bool
}

// key is the shape's cache key; false when the shape is too large to cache.
// Field pointers identify the model, so the key needs no model.
func (sh shape) key() (shapeKey, bool) {
	k := shapeKey{zeroVersion: sh.zeroVersion}
	if len(sh.fields) > maxShapeFields {
		return k, false
	}
	copy(k.fields[:], sh.fields)
	for i, r := range sh.removed {
		if r {
			k.removed |= 1 << i
		}
	}
	return k, true
}

// shapeCache holds rendered Update expressions by shape, at most max of
// them, in two generations: lookups hit the current generation or promote
// from the previous one; when the current one is full it becomes the
// previous one (dropping the older), so the shapes in use stay cached and
// the ones no longer used are evicted.
type shapeCache struct {
	mu        sync.RWMutex
	max       int
	cur, prev map[shapeKey]*rendered
}

var updateShapes = newShapeCache(maxShapes)

func newShapeCache(max int) *shapeCache {
	return &shapeCache{max: max, cur: map[shapeKey]*rendered{}}
}

func (c *shapeCache) get(k shapeKey) *rendered {
	c.mu.RLock()
	r, ok := c.cur[k]
	if ok || c.prev == nil {
		c.mu.RUnlock()
		return r
	}
	r, ok = c.prev[k]
	c.mu.RUnlock()
	if ok {
		c.put(k, r)
	}
	return r
}

func (c *shapeCache) put(k shapeKey, r *rendered) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= c.max/2 {
		c.prev, c.cur = c.cur, make(map[shapeKey]*rendered, c.max/2)
	}
	c.cur[k] = r
}

// len is the number of shapes cached.
func (c *shapeCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := len(c.cur)
	for k := range c.prev {
		if _, dup := c.cur[k]; !dup {
			n++
		}
	}
	return n
}
