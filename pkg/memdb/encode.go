package memdb

import (
	"encoding/json"
	"slices"
	"strconv"
)

// appendJSON encodes a response value. Responses are built from maps, slices,
// items, values, strings, numbers and bools; anything else goes through
// encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case item:
		return appendItem(b, x), nil
	case *value:
		return appendValue(b, x), nil
	case []item:
		b = append(b, '[')
		for i, it := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendItem(b, it)
		}
		return append(b, ']'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendObject(b, x)
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// itemRowsKey, in a Query or Scan response, holds the row of each of its
// Items that is a whole stored item (nil for projections), so that the
// response reuses the row's cached JSON. It is not encoded.
const itemRowsKey = "\x00rows"

func appendObject(b []byte, x map[string]any) ([]byte, error) {
	var small [8]string
	keys := small[:0]
	for k := range x {
		if k != itemRowsKey {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	rows, _ := x[itemRowsKey].([]*row)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if items, ok := x[k].([]item); ok && k == "Items" && len(rows) == len(items) {
			b = appendItems(b, items, rows)
			continue
		}
		var err error
		if b, err = appendJSON(b, x[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendItems(b []byte, items []item, rows []*row) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		if rows[i] != nil {
			b = append(b, rows[i].encoded()...)
		} else {
			b = appendItem(b, it)
		}
	}
	return append(b, ']')
}
