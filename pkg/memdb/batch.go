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

// batchGetInput is the body of a BatchGetItem request.
type batchGetInput struct {
	RequestItems           map[string]*readInput
	ReturnConsumedCapacity string
}

func (s *Server) batchGetItem(body []byte) (any, *apiError) {
	var in batchGetInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkBatchGetShape(&in); err != nil {
		return nil, err
	}
	names := sortedKeys(in.RequestItems)
	prepare := func() (map[string]*preparedRead, []partRef, *apiError) {
		return s.prepareBatchReads(&in, names)
	}
	return locked(s, false, prepare, func(reads map[string]*preparedRead) (any, *apiError) {
		return readBatch(&in, names, reads)
	})
}

// readBatch reads the keys of a BatchGetItem (the caller holds their
// partitions' locks).
func readBatch(in *batchGetInput, names []string, reads map[string]*preparedRead) (any, *apiError) {
	responses := map[string][]item{}
	unprocessed := map[string]any{}
	var caps []any
	total := 0
	for _, name := range names {
		got, left, rep, err := readBatchTable(name, in.RequestItems[name], reads[name], &total, in.ReturnConsumedCapacity)
		if err != nil {
			return nil, err
		}
		responses[name] = got
		if left != nil {
			unprocessed[name] = left
		}
		if rep != nil {
			caps = append(caps, rep)
		}
	}
	out := map[string]any{"Responses": responses, "UnprocessedKeys": unprocessed}
	if caps != nil {
		out["ConsumedCapacity"] = caps
	}
	return out, nil
}

// checkBatchGetShape checks what a BatchGetItem request must hold before
// any table is looked at: request items, a known capacity mode, no null
// member and at most maxBatchGet keys in all.
func checkBatchGetShape(in *batchGetInput) *apiError {
	if len(in.RequestItems) == 0 {
		return validationf("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return err
	}
	n := 0
	for name, r := range in.RequestItems {
		if r == nil {
			return validationf("1 validation error detected: Value null at 'requestItems.%s.member' failed to satisfy constraint: Member must not be null", name)
		}
		n += len(r.Keys)
	}
	if n > maxBatchGet {
		return validationf("Too many items requested for the BatchGetItem call")
	}
	return nil
}

// prepareBatchReads prepares the read of each table of a BatchGetItem, in
// name order, and checks its keys (valid for the table, no duplicates); it
// returns the partitions they are in.
func (s *Server) prepareBatchReads(in *batchGetInput, names []string) (map[string]*preparedRead, []partRef, *apiError) {
	reads := map[string]*preparedRead{}
	var refs []partRef
	for _, name := range names {
		r := in.RequestItems[name]
		r.TableName = name
		r.ReturnConsumedCapacity = in.ReturnConsumedCapacity
		if r.Key != nil {
			return nil, nil, validationf("Key is not valid in BatchGetItem; use Keys")
		}
		if len(r.Keys) == 0 {
			return nil, nil, validationf("1 validation error detected: Value '[]' at 'requestItems.%s.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		pr, err := s.prepareRead(r)
		if err != nil {
			return nil, nil, err
		}
		seen := map[string]bool{}
		for _, k := range r.Keys {
			ki, err := convItem(k)
			if err != nil {
				return nil, nil, err
			}
			pk, hv, _, err := pr.t.keyFromKey(ki)
			if err != nil {
				return nil, nil, err
			}
			if seen[pk] {
				return nil, nil, validationf("Provided list of item keys contains duplicates")
			}
			seen[pk] = true
			refs = append(refs, refOf(pr.t, hv))
		}
		reads[name] = pr
	}
	return reads, refs, nil
}

// readBatchTable reads one table's keys of a BatchGetItem. Once *total
// (the response size so far) reaches maxBatchGetBytes, the remaining keys
// are returned as the table's unprocessed entry (nil when all were read),
// beside the items found and the table's capacity report.
func readBatchTable(name string, r *readInput, pr *preparedRead, total *int, mode string) ([]item, map[string]any, map[string]any, *apiError) {
	got := []item{}
	c := &consumed{table: name}
	var left []wireItem
	for _, k := range r.Keys {
		if *total >= maxBatchGetBytes {
			left = append(left, k)
			continue
		}
		pk, hv, err := pr.key(k)
		if err != nil {
			return nil, nil, nil, err
		}
		it, size := pr.get(pk, hv)
		c.tbl += readUnits(size, r.ConsistentRead)
		if it != nil {
			*total += itemSize(it)
			got = append(got, it)
		}
	}
	var u map[string]any
	if left != nil {
		u = map[string]any{"Keys": left, "ConsistentRead": r.ConsistentRead}
		if r.ProjectionExpression != nil {
			u["ProjectionExpression"] = *r.ProjectionExpression
		}
		if r.ExpressionAttributeNames != nil {
			u["ExpressionAttributeNames"] = r.ExpressionAttributeNames
		}
	}
	return got, u, c.report(mode), nil
}

// batchWriteRequest is one put or delete of a BatchWriteItem request.
type batchWriteRequest struct {
	PutRequest    *struct{ Item wireItem }
	DeleteRequest *struct{ Key wireItem }
}

// batchWriteInput is the body of a BatchWriteItem request.
type batchWriteInput struct {
	RequestItems                map[string][]batchWriteRequest
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

func (s *Server) batchWriteItem(body []byte) (any, *apiError) {
	var in batchWriteInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkBatchWriteShape(&in); err != nil {
		return nil, err
	}
	names := sortedKeys(in.RequestItems)
	if err := checkBatchWriteValues(&in, names); err != nil {
		return nil, err
	}
	prepare := func() ([]*preparedWrite, []partRef, *apiError) {
		writes, err := s.prepareBatchWrites(&in, names)
		return writes, writeRefs(writes), err
	}
	return locked(s, true, prepare, func(writes []*preparedWrite) (any, *apiError) {
		return writeBatch(&in, writes)
	})
}

// writeRefs are the partitions of writes (nil members skipped).
func writeRefs(writes []*preparedWrite) []partRef {
	refs := make([]partRef, 0, len(writes))
	for _, w := range writes {
		if w != nil {
			refs = append(refs, refOf(w.t, w.hv))
		}
	}
	return refs
}

// writeBatch applies the puts and deletes of a BatchWriteItem (the caller
// holds their partitions' locks).
func writeBatch(in *batchWriteInput, writes []*preparedWrite) (any, *apiError) {
	caps := map[string]*consumed{}
	for _, w := range writes {
		old, new, err := w.evaluate()
		if err != nil {
			return nil, err
		}
		addBatchWriteCost(caps, w.t.writeCost(w.pk, old, new, 1), w.t.name)
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

// checkBatchWriteShape checks what a BatchWriteItem request must hold
// before any table is looked at: request items, a known capacity mode, no
// empty table list and at most maxBatchWrite requests in all.
func checkBatchWriteShape(in *batchWriteInput) *apiError {
	if len(in.RequestItems) == 0 {
		return validationf("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return err
	}
	n := 0
	for name, reqs := range in.RequestItems {
		if len(reqs) == 0 {
			return validationf("1 validation error detected: Value '[]' at 'requestItems.%s.member' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		n += len(reqs)
	}
	if n > maxBatchWrite {
		return validationf("Too many items requested for the BatchWriteItem call")
	}
	return nil
}

// checkBatchWriteValues converts every item and key of a BatchWriteItem:
// DynamoDB reads every value of the request before it checks any item.
func checkBatchWriteValues(in *batchWriteInput, names []string) *apiError {
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
				return err
			}
		}
	}
	return nil
}

// prepareBatchWrites prepares each put and delete of a BatchWriteItem, in
// table name order, refusing a request that is both or neither and two
// requests on the same key of a table.
func (s *Server) prepareBatchWrites(in *batchWriteInput, names []string) ([]*preparedWrite, *apiError) {
	var writes []*preparedWrite
	metrics := in.ReturnItemCollectionMetrics
	for _, name := range names {
		seen := map[string]bool{}
		for _, r := range in.RequestItems[name] {
			var w *preparedWrite
			var err *apiError
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
	return writes, nil
}

// addBatchWriteCost adds one write's cost c to the total of its table in
// caps (the first write of a table starts it).
func addBatchWriteCost(caps map[string]*consumed, c *consumed, name string) {
	acc := caps[name]
	if acc == nil {
		caps[name] = c
		return
	}
	acc.tbl += c.tbl
	for k, u := range c.gsi {
		acc.addIndex(&index{name: k, global: true}, u)
	}
	for k, u := range c.lsi {
		acc.addIndex(&index{name: k}, u)
	}
}

var _ = json.RawMessage(nil)
