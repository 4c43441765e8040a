package dynamorm

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// MaxItemSize is DynamoDB's limit on the size of one item, in bytes.
const MaxItemSize = 400 * 1024

// Create writes the model's item; ErrConditionFailed if it exists.
func (q *query) Create() error {
	w, err := q.buildCreate()
	if err != nil {
		return err
	}
	return q.dispatch(w)
}

// CreateOrUpdate writes the model's item whether or not it exists. A
// created_at field keeps the value stored when the item exists (and the Go
// value is updated to it); a version field must match the stored one.
func (q *query) CreateOrUpdate() error {
	w, err := q.buildUpsert()
	if err != nil {
		return err
	}
	return q.dispatch(w)
}

// Update writes the named fields of the existing item (all non-key fields
// except created_at when none are named). Fields whose value would be
// omitted (omitempty, nil, empty index keys) are removed from the item.
func (q *query) Update(fields ...string) error {
	w, err := q.buildUpdate(fields)
	if err != nil {
		return err
	}
	return q.dispatch(w)
}

// Delete removes the model's item. With a version field holding a non-zero
// value, the stored version must match. Deleting a missing item succeeds,
// as in DynamoDB; add IfExists() to make it an error.
func (q *query) Delete() error {
	w, err := q.buildDelete()
	if err != nil {
		return err
	}
	return q.dispatch(w)
}

// dispatch sends w, or adds it to the transaction the query belongs to.
func (q *query) dispatch(w *writeOp) error {
	if q.tx != nil {
		return q.tx.add(w)
	}
	return q.send(w)
}

func (q *query) buildCreate() (*writeOp, error) { return q.buildCreateAs("Create", true) }

// buildCreateAs builds a create named op. mustNotExist adds the condition
// that the item does not exist; a batch put (BatchWriteItem cannot carry
// conditions) leaves it out and overwrites an existing item.
func (q *query) buildCreateAs(op string, mustNotExist bool) (*writeOp, error) {
	if err := q.requireItem(op); err != nil {
		return nil, err
	}
	life := &lifecycle{}
	q.stampCreate(life)
	if f := q.model.Version; f != nil && isZeroField(q.item, f) {
		life.setVersion(fieldOf(q.item, f), 1)
	}
	w, err := q.putOp(op, life)
	if err != nil {
		life.undo()
		return nil, err
	}
	var b expr.Builder
	var extra []string
	if mustNotExist {
		extra = append(extra, "attribute_not_exists("+b.Name(q.model.PK.Attr)+")")
	}
	if w.cond, err = q.renderConds(&b, extra...); err != nil {
		life.undo()
		return nil, err
	}
	w.names, w.values = b.Names(), b.Values()
	return w, nil
}

// putOp encodes the item and checks its keys and size.
func (q *query) putOp(op string, life *lifecycle) (*writeOp, error) {
	item, err := q.codec.Encode(q.item)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, q.model.Name(), err)
	}
	for _, f := range []*model.Field{q.model.PK, q.model.SK} {
		if f != nil {
			if err := checkKeyValue(q.model, f, item[f.Attr], op); err != nil {
				return nil, err
			}
		}
	}
	if err := checkSize(q.model, op, item); err != nil {
		return nil, err
	}
	return &writeOp{kind: writePut, op: op, model: q.model, table: q.table(), item: item, life: life, hasConditions: len(q.conds) > 0}, nil
}

func (q *query) buildUpsert() (*writeOp, error) {
	if err := q.requireItem("CreateOrUpdate"); err != nil {
		return nil, err
	}
	life := &lifecycle{}
	fail := func(err error) (*writeOp, error) { life.undo(); return nil, err }
	q.stampCreate(life)
	var b expr.Builder
	var extra []string
	if q.model.Version != nil {
		cur, err := q.bumpVersion(life)
		if err != nil {
			return fail(err)
		}
		extra = append(extra, "attribute_not_exists("+b.Name(q.model.PK.Attr)+") OR "+
			b.Name(q.model.Version.Attr)+" = "+b.Value(&types.AttributeValueMemberN{Value: strconv.FormatInt(cur, 10)}))
	}
	created := q.model.CreatedAt
	if created == nil {
		w, err := q.putOp("CreateOrUpdate", life)
		if err != nil {
			return fail(err)
		}
		if w.cond, err = q.renderConds(&b, extra...); err != nil {
			return fail(err)
		}
		w.names, w.values = b.Names(), b.Values()
		return w, nil
	}
	// With created_at, an upsert is an UpdateItem so that the stored
	// creation time survives: created_at = if_not_exists(created_at, :now).
	key, err := q.key("CreateOrUpdate")
	if err != nil {
		return fail(err)
	}
	w := &writeOp{kind: writeUpdate, op: "CreateOrUpdate", model: q.model, table: q.table(), key: key, life: life,
		returnValues: types.ReturnValueUpdatedNew, hasConditions: true}
	var u expr.Update
	item, err := q.codec.Encode(q.item)
	if err != nil {
		return fail(fmt.Errorf("CreateOrUpdate %s: %w", q.model.Name(), err))
	}
	if err := checkSize(q.model, "CreateOrUpdate", item); err != nil {
		return fail(err)
	}
	for _, f := range q.model.Fields {
		if f.PK || f.SK {
			continue
		}
		name := b.Name(f.Attr)
		av, ok := item[f.Attr]
		switch {
		case f == created:
			if ok {
				u.Set(name, "if_not_exists("+name+", "+b.Value(av)+")")
			}
		case ok:
			u.Set(name, b.Value(av))
		default:
			u.Remove(name)
		}
	}
	w.update = u.String()
	if w.cond, err = q.renderConds(&b, extra...); err != nil {
		return fail(err)
	}
	w.names, w.values = b.Names(), b.Values()
	w.onResult = func(attrs map[string]types.AttributeValue) error {
		stored, ok := attrs[created.Attr]
		if !ok {
			return nil
		}
		return q.codec.Decode(map[string]types.AttributeValue{created.Attr: stored}, q.item)
	}
	return w, nil
}

func (q *query) buildUpdate(names []string) (*writeOp, error) {
	if err := q.requireItem("Update"); err != nil {
		return nil, err
	}
	m := q.model
	key, err := q.key("Update")
	if err != nil {
		return nil, err
	}
	var fieldsBuf [maxShapeFields]*model.Field // fields of the common Update, on the stack
	fields := fieldsBuf[:0]
	if len(names) == 0 {
		for _, f := range m.Fields {
			if !f.PK && !f.SK && f != m.CreatedAt && f != m.Version && f != m.UpdatedAt {
				fields = append(fields, f)
			}
		}
	} else {
		for _, name := range names {
			f, err := m.MustField(name)
			if err != nil {
				return nil, fmt.Errorf("Update: %w", err)
			}
			if f.PK || f.SK {
				return nil, fmt.Errorf("%w: Update %s: %s is part of the primary key and cannot be updated; delete the item and create it with the new key", core.ErrValidation, m.Name(), f.GoName)
			}
			if f == m.Version || f == m.UpdatedAt || slices.Contains(fields, f) {
				continue // maintained below, or named twice
			}
			fields = append(fields, f)
		}
	}
	life := &lifecycle{}
	fail := func(err error) (*writeOp, error) { life.undo(); return nil, err }
	q.stampUpdate(life)
	if m.UpdatedAt != nil {
		fields = append(fields, m.UpdatedAt)
	}
	// vals are the expression's values in the order the expression uses
	// them: the current version, then each field that is set.
	var valsBuf [maxShapeFields]types.AttributeValue
	vals := valsBuf[:0]
	zeroVersion := false
	if m.Version != nil {
		cur, err := q.bumpVersion(life)
		if err != nil {
			return fail(err)
		}
		fields = append(fields, m.Version)
		zeroVersion = cur == 0
		vals = append(vals, &types.AttributeValueMemberN{Value: strconv.FormatInt(cur, 10)})
	}
	if len(fields) == 0 {
		return fail(fmt.Errorf("%w: Update %s: nothing to update", core.ErrValidation, m.Name()))
	}
	var removed []bool
	if len(fields) <= maxShapeFields {
		var buf [maxShapeFields]bool
		removed = buf[:len(fields)]
	} else {
		removed = make([]bool, len(fields))
	}
	size := 0
	for i, f := range fields {
		av, err := q.codec.EncodeAttr(q.item, f.Attr)
		if err != nil {
			return fail(fmt.Errorf("Update %s: %w", m.Name(), err))
		}
		if av == nil {
			removed[i] = true
			continue
		}
		size += len(f.Attr) + valueSize(av)
		vals = append(vals, av)
	}
	if size > MaxItemSize {
		return fail(fmt.Errorf("%w: Update %s: the updated attributes alone are %d bytes; DynamoDB's item limit is %d", core.ErrValidation, m.Name(), size, MaxItemSize))
	}
	w := &writeOp{kind: writeUpdate, op: "Update", model: m, table: q.table(), key: key, life: life,
		missingIsNotFound: true, hasConditions: true}
	// The expressions depend only on the fields, which of them are removed
	// and whether the version is zero; without caller conditions they are
	// rendered once per such shape and reused.
	sk, cacheable := newShapeKey(m, fields, removed, zeroVersion)
	cacheable = cacheable && len(q.conds) == 0
	var sh *updateShape
	if cacheable {
		sh = updateShapes.get(sk)
	}
	if sh == nil {
		var b expr.Builder
		rendered, extra := renderUpdate(&b, m, fields, removed, zeroVersion)
		if rendered.cond, err = q.renderConds(&b, extra...); err != nil {
			return fail(err)
		}
		w.update, w.cond, w.names, w.values = rendered.update, rendered.cond, b.Names(), b.Values()
		for k, ph := range rendered.values {
			w.values[ph] = vals[k]
		}
		if cacheable {
			rendered.names = maps.Clone(w.names)
			updateShapes.put(sk, &rendered)
		}
		return w, nil
	}
	w.update, w.cond, w.names = sh.update, sh.cond, maps.Clone(sh.names)
	if len(vals) > 0 {
		w.values = make(map[string]types.AttributeValue, len(vals))
		for k, ph := range sh.values {
			w.values[ph] = vals[k]
		}
	}
	return w, nil
}

// updateShape is the rendered expressions of an Update: the update and
// condition expressions, the names, and the value placeholders in the
// order of the values they stand for.
type updateShape struct {
	update, cond string
	names        map[string]string
	values       []string
}

// renderUpdate renders the update expression of fields (removed[i]: REMOVE
// fields[i]) and returns the conditions Update adds: the item exists, and
// has the version being replaced. Values are placeholders only.
func renderUpdate(b *expr.Builder, m *model.Model, fields []*model.Field, removed []bool, zeroVersion bool) (updateShape, []string) {
	var sh updateShape
	extra := make([]string, 1, 2)
	extra[0] = "attribute_exists(" + b.Name(m.PK.Attr) + ")"
	if m.Version != nil {
		ver, cur := b.Name(m.Version.Attr), b.Value(nil)
		sh.values = append(sh.values, cur)
		if zeroVersion {
			extra = append(extra, "attribute_not_exists("+ver+") OR "+ver+" = "+cur)
		} else {
			extra = append(extra, ver+" = "+cur)
		}
	}
	var u expr.Update
	for i, f := range fields {
		if removed[i] {
			u.Remove(b.Name(f.Attr))
			continue
		}
		ph := b.Value(nil)
		sh.values = append(sh.values, ph)
		u.Set(b.Name(f.Attr), ph)
	}
	sh.update = u.String()
	return sh, extra
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

func newShapeKey(m *model.Model, fields []*model.Field, removed []bool, zeroVersion bool) (shapeKey, bool) {
	k := shapeKey{zeroVersion: zeroVersion}
	if len(fields) > maxShapeFields {
		return k, false
	}
	copy(k.fields[:], fields)
	for i, r := range removed {
		if r {
			k.removed |= 1 << i
		}
	}
	return k, true
}

// shapeCache holds the rendered Update expressions by shape. Field
// pointers identify the model, so the key needs no model.
type shapeCache struct {
	mu     sync.RWMutex
	shapes map[shapeKey]*updateShape
}

var updateShapes = &shapeCache{shapes: map[shapeKey]*updateShape{}}

func (c *shapeCache) get(k shapeKey) *updateShape {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.shapes[k]
}

func (c *shapeCache) put(k shapeKey, sh *updateShape) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.shapes) < maxShapes {
		c.shapes[k] = sh
	}
}

func (q *query) buildDelete() (*writeOp, error) {
	if err := q.requireItem("Delete"); err != nil {
		return nil, err
	}
	key, err := q.key("Delete")
	if err != nil {
		return nil, err
	}
	var b expr.Builder
	var extra []string
	if f := q.model.Version; f != nil {
		if cur := versionOf(fieldOf(q.item, f)); cur != 0 {
			extra = append(extra, b.Name(f.Attr)+" = "+b.Value(&types.AttributeValueMemberN{Value: strconv.FormatInt(cur, 10)}))
		}
	}
	w := &writeOp{kind: writeDelete, op: "Delete", model: q.model, table: q.table(), key: key, hasConditions: len(q.conds)+len(extra) > 0}
	if w.cond, err = q.renderConds(&b, extra...); err != nil {
		return nil, err
	}
	w.names, w.values = b.Names(), b.Values()
	return w, nil
}

func checkSize(m *model.Model, op string, item map[string]types.AttributeValue) error {
	if n := itemSize(item); n > MaxItemSize {
		return fmt.Errorf("%w: %s %s: the item is %d bytes; DynamoDB's limit is %d (400 KB)", core.ErrValidation, op, m.Name(), n, MaxItemSize)
	}
	return nil
}

// itemSize computes an item's size by DynamoDB's rules: attribute names
// plus values (numbers about one byte per two digits plus one).
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for name, av := range item {
		n += len(name) + valueSize(av)
	}
	return n
}

func valueSize(av types.AttributeValue) int {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += len(s)/2 + 1
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}
