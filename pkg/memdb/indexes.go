package memdb

// This file holds key validation and the maintenance of the table's ordered store
// and of its secondary indexes (sparse: an item is in an index only when it has
// all of the index's key attributes).

var errKeySchema = validationf("The provided key element does not match the schema")

func (t *table) attrType(name string) string {
	for _, d := range t.attrDefs {
		if d.AttributeName == name {
			return d.AttributeType
		}
	}
	return ""
}

func pkString(hv, rv *value) string {
	k := hv.keyString()
	if rv == nil {
		return k
	}
	return itoa(len(k)) + ":" + k + rv.keyString()
}

// keySizeErr enforces DynamoDB's key size limits (2048 bytes for a partition
// key, 1024 for a sort key).
func keySizeErr(pos int, v *value) *apiError {
	if pos == 0 && len(v.s) > 2048 {
		return itemErr(invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes"))
	}
	if pos == 1 && len(v.s) > 1024 {
		return itemErr(invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes"))
	}
	return nil
}

func emptyKeyErr(name string, v *value) *apiError {
	kind := "string"
	if v.t == tB {
		kind = "binary"
	}
	return validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", kind, name)
}

func emptyIndexKeyErr(index, name string, v *value) *apiError {
	kind := "string"
	if v.t == tB {
		kind = "binary"
	}
	return validationf("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s", kind, index, name)
}

// keyFromKey validates a Key parameter against the table's key schema.
func (t *table) keyFromKey(key item) (string, *value, *value, *apiError) {
	want := 1
	if t.ks.rng != "" {
		want = 2
	}
	if len(key) != want {
		return "", nil, nil, itemErr(errKeySchema)
	}
	var vals [2]*value
	for i, name := range []string{t.ks.hash, t.ks.rng} {
		if name == "" {
			break
		}
		v := key[name]
		if v == nil || v.t.String() != t.attrType(name) {
			return "", nil, nil, itemErr(errKeySchema)
		}
		if (v.t == tS || v.t == tB) && v.s == "" {
			return "", nil, nil, itemErr(emptyKeyErr(name, v))
		}
		vals[i] = v
	}
	return pkString(vals[0], vals[1]), vals[0], vals[1], nil
}

// keyFromItem validates a full item's table and index key attributes.
func (t *table) keyFromItem(it item) (string, *value, *value, *apiError) {
	var vals [2]*value
	for i, name := range []string{t.ks.hash, t.ks.rng} {
		if name == "" {
			break
		}
		v := it[name]
		if v == nil {
			return "", nil, nil, itemErr(invalidParam("Missing the key %s in the item", name))
		}
		if want := t.attrType(name); v.t.String() != want {
			return "", nil, nil, itemErr(invalidParam("Type mismatch for key %s expected: %s actual: %s", name, want, v.t))
		}
		if (v.t == tS || v.t == tB) && v.s == "" {
			return "", nil, nil, itemErr(emptyKeyErr(name, v))
		}
		if err := keySizeErr(i, v); err != nil {
			return "", nil, nil, err
		}
		vals[i] = v
	}
	if err := t.checkIndexKeys(it, false); err != nil {
		return "", nil, nil, err
	}
	return pkString(vals[0], vals[1]), vals[0], vals[1], nil
}

// checkIndexKeys validates the index key attributes of it. For the item an
// update produces (updated), DynamoDB refuses a non-scalar value before any
// type mismatch; for a put it checks index by index.
func (t *table) checkIndexKeys(it item, updated bool) *apiError {
	passes := []int{1}
	if updated {
		passes = []int{0, 1}
	}
	for _, pass := range passes {
		for _, list := range [][]*index{t.lsis, t.gsis} {
			for _, ix := range list {
				for _, name := range []string{ix.ks.hash, ix.ks.rng} {
					if name == "" || name == t.ks.hash || name == t.ks.rng {
						continue
					}
					v := it[name]
					if v == nil {
						continue
					}
					if v.t != tS && v.t != tN && v.t != tB {
						e := validationf("Invalid attribute value type")
						e.late = true
						return e
					}
					if pass == 0 {
						continue
					}
					if want := t.attrType(name); v.t.String() != want {
						return itemErr(invalidParam("Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", name, want, v.t, ix.name))
					}
					if (v.t == tS || v.t == tB) && v.s == "" {
						return emptyIndexKeyErr(ix.name, name, v)
					}
				}
			}
		}
	}
	return nil
}

// get returns the stored item with primary key pk in the partition of hv,
// or nil (the caller holds that partition's lock).
func (t *table) get(pk string, hv *value) item {
	if r := t.shard(hv).items[pk]; r != nil {
		return r.item
	}
	return nil
}

// put stores it under pk (it == nil deletes), maintains every index and
// records the change in the table's stream. The caller holds the lock of
// hv's partition for writing.
func (t *table) put(pk string, hv, rv *value, it item) {
	if t.changes != nil {
		t.recordChange(t.get(pk, hv), it, false)
	}
	t.replace(pk, hv, rv, it)
}

// replace stores it under pk (it == nil deletes) and maintains every index
// (the caller holds the lock of hv's partition for writing).
func (t *table) replace(pk string, hv, rv *value, it item) {
	sh := t.shard(hv)
	old := sh.items[pk]
	switch {
	case it != nil:
		r := &row{hv: hv, rv: rv, pk: pk, item: it, size: itemSize(it)}
		if sh.items == nil {
			sh.items = map[string]*row{}
		}
		sh.items[pk] = r
		t.store.insert(r) // replaces old, which has the same key
	case old != nil:
		delete(sh.items, pk)
		t.store.remove(old)
	}
	for _, ix := range t.allIndexes() {
		t.reindex(ix, pk, old, it)
	}
}

// reindex replaces the entry of old (nil if none) in ix by that of it (nil
// if deleted), under the index's lock, so a reader of the index sees one or
// the other.
func (t *table) reindex(ix *index, pk string, old *row, it item) {
	var oe, ne *row
	if old != nil {
		oe = ix.entryFor(pk, old.item)
	}
	if it != nil {
		if ne = ix.entryFor(pk, it); ne != nil {
			ne.size = itemSize(t.projectIndex(ix, it))
		}
	}
	if oe == nil && ne == nil {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if oe != nil {
		ix.store.remove(oe)
	}
	if ne != nil {
		ix.store.insert(ne)
	}
}

func (t *table) allIndexes() []*index {
	if len(t.lsis) == 0 {
		return t.gsis
	}
	if len(t.gsis) == 0 {
		return t.lsis
	}
	return append(append([]*index(nil), t.lsis...), t.gsis...)
}

// indexRow adds the entry of it to ix, if it has one (the caller holds the
// index's rows: a new index, under Server.mu).
func (t *table) indexRow(ix *index, pk string, it item) {
	if e := ix.entryFor(pk, it); e != nil {
		e.size = itemSize(t.projectIndex(ix, it))
		ix.store.insert(e)
	}
}

// entryFor is the index entry of an item, or nil when the item is not in the index.
func (ix *index) entryFor(pk string, it item) *row {
	hv := it[ix.ks.hash]
	if hv == nil {
		return nil
	}
	var rv *value
	if ix.ks.rng != "" {
		if rv = it[ix.ks.rng]; rv == nil {
			return nil
		}
	}
	return &row{hv: hv, rv: rv, pk: pk, item: it}
}

// projectIndex returns the attributes of it that the index projects.
func (t *table) projectIndex(ix *index, it item) item {
	if ix.proj.ProjectionType == "ALL" {
		return it
	}
	out := item{}
	for _, k := range []string{t.ks.hash, t.ks.rng, ix.ks.hash, ix.ks.rng} {
		if v := it[k]; k != "" && v != nil {
			out[k] = v
		}
	}
	for _, k := range ix.proj.NonKeyAttributes {
		if v := it[k]; v != nil {
			out[k] = v
		}
	}
	return out
}

// projects reports whether the index holds attribute name.
func (t *table) projects(ix *index, name string) bool {
	if ix.proj.ProjectionType == "ALL" {
		return true
	}
	for _, k := range []string{t.ks.hash, t.ks.rng, ix.ks.hash, ix.ks.rng} {
		if k == name && k != "" {
			return true
		}
	}
	for _, k := range ix.proj.NonKeyAttributes {
		if k == name {
			return true
		}
	}
	return false
}

// keyOf returns the key attributes of it for the table and, if given, an index.
func (t *table) keyOf(it item, ix *index) item {
	out := item{}
	names := []string{t.ks.hash, t.ks.rng}
	if ix != nil {
		names = append(names, ix.ks.hash, ix.ks.rng)
	}
	for _, k := range names {
		if v := it[k]; k != "" && v != nil {
			out[k] = v
		}
	}
	return out
}

// putSize is the size a put is checked against the 400 KB limit with: the
// item plus what each local secondary index holding it stores (the whole item
// for ALL; otherwise the projected attributes but the partition key, which the
// index entry shares with the table).
func (t *table) putSize(it item) int {
	size := itemSize(it)
	n := size
	for _, ix := range t.lsis {
		if ix.entryFor("", it) == nil {
			continue
		}
		if ix.proj.ProjectionType == "ALL" {
			n += size
			continue
		}
		n += itemSize(t.projectIndex(ix, it)) - len(t.ks.hash) - it[t.ks.hash].size()
	}
	return n
}
