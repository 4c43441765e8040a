package memdb

import (
	"encoding/json"
	"sort"
)

const (
	maxBatchGet      = 100
	maxBatchWrite    = 25
	maxBatchGetBytes = 16 << 20
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Server) batchGetItem(body []byte) (any, *apiError) {
	var in struct {
		RequestItems           map[string]*readInput
		ReturnConsumedCapacity string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.RequestItems) == 0 {
		return nil, validationf("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	n := 0
	for name, r := range in.RequestItems {
		if r == nil {
			return nil, validationf("1 validation error detected: Value null at 'requestItems.%s.member' failed to satisfy constraint: Member must not be null", name)
		}
		n += len(r.Keys)
	}
	if n > maxBatchGet {
		return nil, validationf("Too many items requested for the BatchGetItem call")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	reads := map[string]*preparedRead{}
	names := sortedKeys(in.RequestItems)
	for _, name := range names {
		r := in.RequestItems[name]
		r.TableName = name
		r.ReturnConsumedCapacity = in.ReturnConsumedCapacity
		if r.Key != nil {
			return nil, validationf("Key is not valid in BatchGetItem; use Keys")
		}
		if len(r.Keys) == 0 {
			return nil, validationf("1 validation error detected: Value '[]' at 'requestItems.%s.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		pr, err := s.prepareRead(r)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, k := range r.Keys {
			ki, err := convItem(k)
			if err != nil {
				return nil, err
			}
			pk, _, _, err := pr.t.keyFromKey(ki)
			if err != nil {
				return nil, err
			}
			if seen[pk] {
				return nil, validationf("Provided list of item keys contains duplicates")
			}
			seen[pk] = true
		}
		reads[name] = pr
	}
	tables := make([]*table, 0, len(reads))
	for _, pr := range reads {
		tables = append(tables, pr.t)
	}
	defer lockTables(tables, false)()
	responses := map[string][]item{}
	unprocessed := map[string]any{}
	var caps []any
	total := 0
	for _, name := range names {
		r := in.RequestItems[name]
		pr := reads[name]
		got := []item{}
		c := &consumed{table: name}
		var left []wireItem
		for _, k := range r.Keys {
			if total >= maxBatchGetBytes {
				left = append(left, k)
				continue
			}
			it, size, err := pr.get(k)
			if err != nil {
				return nil, err
			}
			c.tbl += readUnits(size, r.ConsistentRead)
			if it != nil {
				total += itemSize(it)
				got = append(got, it)
			}
		}
		responses[name] = got
		if left != nil {
			u := map[string]any{"Keys": left, "ConsistentRead": r.ConsistentRead}
			if r.ProjectionExpression != nil {
				u["ProjectionExpression"] = *r.ProjectionExpression
			}
			if r.ExpressionAttributeNames != nil {
				u["ExpressionAttributeNames"] = r.ExpressionAttributeNames
			}
			unprocessed[name] = u
		}
		if rep := c.report(in.ReturnConsumedCapacity); rep != nil {
			caps = append(caps, rep)
		}
	}
	out := map[string]any{"Responses": responses, "UnprocessedKeys": unprocessed}
	if caps != nil {
		out["ConsumedCapacity"] = caps
	}
	return out, nil
}

func (s *Server) batchWriteItem(body []byte) (any, *apiError) {
	var in struct {
		RequestItems map[string][]struct {
			PutRequest    *struct{ Item wireItem }
			DeleteRequest *struct{ Key wireItem }
		}
		ReturnConsumedCapacity      string
		ReturnItemCollectionMetrics string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.RequestItems) == 0 {
		return nil, validationf("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	n := 0
	for name, reqs := range in.RequestItems {
		if len(reqs) == 0 {
			return nil, validationf("1 validation error detected: Value '[]' at 'requestItems.%s.member' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		n += len(reqs)
	}
	if n > maxBatchWrite {
		return nil, validationf("Too many items requested for the BatchWriteItem call")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var writes []*preparedWrite
	names := sortedKeys(in.RequestItems)
	// DynamoDB reads every value of the request before it checks any item.
	for _, name := range names {
		for _, r := range in.RequestItems[name] {
			var err *apiError
			switch {
			case r.PutRequest != nil:
				_, err = convItem(r.PutRequest.Item)
			case r.DeleteRequest != nil:
				_, err = convItem(r.DeleteRequest.Key)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	for _, name := range names {
		seen := map[string]bool{}
		for _, r := range in.RequestItems[name] {
			var w *preparedWrite
			var err *apiError
			metrics := in.ReturnItemCollectionMetrics
			switch {
			case r.PutRequest != nil && r.DeleteRequest == nil:
				w, err = s.prepareWrite(wPut, &writeInput{TableName: name, Item: r.PutRequest.Item, ReturnItemCollectionMetrics: metrics})
			case r.DeleteRequest != nil && r.PutRequest == nil:
				w, err = s.prepareWrite(wDelete, &writeInput{TableName: name, Key: r.DeleteRequest.Key, ReturnItemCollectionMetrics: metrics})
			default:
				return nil, validationf("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
			if err != nil {
				return nil, err
			}
			if seen[w.pk] {
				return nil, validationf("Provided list of item keys contains duplicates")
			}
			seen[w.pk] = true
			writes = append(writes, w)
		}
	}
	tables := make([]*table, len(writes))
	for i, w := range writes {
		tables[i] = w.t
	}
	defer lockTables(tables, true)()
	caps := map[string]*consumed{}
	for _, w := range writes {
		old, new, err := w.evaluate()
		if err != nil {
			return nil, err
		}
		c := w.t.writeCost(w.pk, old, new, 1)
		if acc := caps[w.t.name]; acc != nil {
			acc.tbl += c.tbl
			for k, u := range c.gsi {
				acc.addIndex(&index{name: k, global: true}, u)
			}
			for k, u := range c.lsi {
				acc.addIndex(&index{name: k}, u)
			}
		} else {
			caps[w.t.name] = c
		}
		w.commit(new)
	}
	out := map[string]any{"UnprocessedItems": map[string]any{}}
	if in.ReturnConsumedCapacity == "TOTAL" || in.ReturnConsumedCapacity == "INDEXES" {
		var list []any
		for _, name := range sortedKeys(caps) {
			list = append(list, caps[name].report(in.ReturnConsumedCapacity))
		}
		out["ConsumedCapacity"] = list
	}
	return out, nil
}

var _ = json.RawMessage(nil)
