package memdb

// Capacity units follow DynamoDB's rules: a read unit covers 4 KB read with strong
// consistency (half a unit when eventually consistent; transactions double);
// a write unit covers 1 KB written; sizes round up and every request costs at
// least one unit. Index writes are counted per index the item enters, leaves or changes in.

type consumed struct {
	table string
	tbl   float64
	gsi   map[string]float64
	lsi   map[string]float64
	write bool // transactions report WriteCapacityUnits (else ReadCapacityUnits)
}

func readUnits(size int, consistent bool) float64 {
	u := float64((size + 4095) / 4096)
	if u < 1 {
		u = 1
	}
	if !consistent {
		u /= 2
	}
	return u
}

func writeUnits(size int) float64 {
	u := float64((size + 1023) / 1024)
	if u < 1 {
		u = 1
	}
	return u
}

func (c *consumed) addIndex(ix *index, u float64) {
	if u == 0 {
		return
	}
	if ix.global {
		if c.gsi == nil {
			c.gsi = map[string]float64{}
		}
		c.gsi[ix.name] += u
	} else {
		if c.lsi == nil {
			c.lsi = map[string]float64{}
		}
		c.lsi[ix.name] += u
	}
}

func (c *consumed) total() float64 {
	n := c.tbl
	for _, u := range c.gsi {
		n += u
	}
	for _, u := range c.lsi {
		n += u
	}
	return n
}

// report renders ConsumedCapacity for mode TOTAL or INDEXES (nil otherwise).
func (c *consumed) report(mode string) map[string]any {
	switch mode {
	case "TOTAL":
		return map[string]any{"TableName": c.table, "CapacityUnits": c.total()}
	case "INDEXES":
		m := map[string]any{"TableName": c.table, "CapacityUnits": c.total(), "Table": map[string]any{"CapacityUnits": c.tbl}}
		if c.gsi != nil {
			g := map[string]any{}
			for k, u := range c.gsi {
				g[k] = map[string]any{"CapacityUnits": u}
			}
			m["GlobalSecondaryIndexes"] = g
		}
		if c.lsi != nil {
			l := map[string]any{}
			for k, u := range c.lsi {
				l[k] = map[string]any{"CapacityUnits": u}
			}
			m["LocalSecondaryIndexes"] = l
		}
		return m
	}
	return nil
}

// writeCost is the capacity of replacing old by new (either may be nil) in t.
func (t *table) writeCost(pk string, old, new item, scale float64) *consumed {
	c := &consumed{table: t.name}
	size := 0
	if old != nil {
		size = itemSize(old)
	}
	if new != nil {
		size = max(size, itemSize(new))
	}
	c.tbl = writeUnits(size) * scale
	for _, ix := range t.allIndexes() {
		var oe, ne *row
		if old != nil {
			oe = ix.entryFor(pk, old)
		}
		if new != nil {
			ne = ix.entryFor(pk, new)
		}
		u := 0.0
		switch {
		case oe == nil && ne == nil:
		case oe == nil:
			u = writeUnits(itemSize(t.projectIndex(ix, new)))
		case ne == nil:
			u = writeUnits(itemSize(t.projectIndex(ix, old)))
		case !equalValues(oe.hv, ne.hv) || (oe.rv != nil && !equalValues(oe.rv, ne.rv)):
			u = writeUnits(itemSize(t.projectIndex(ix, old))) + writeUnits(itemSize(t.projectIndex(ix, new)))
		default:
			po, pn := t.projectIndex(ix, old), t.projectIndex(ix, new)
			if !equalValues(&value{t: tM, m: po}, &value{t: tM, m: pn}) {
				u = writeUnits(max(itemSize(po), itemSize(pn)))
			}
		}
		c.addIndex(ix, u*scale)
	}
	return c
}

func validCapacityMode(m string) *apiError {
	switch m {
	case "", "NONE", "TOTAL", "INDEXES":
		return nil
	}
	return validationf("1 validation error detected: Value '%s' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]", m)
}
