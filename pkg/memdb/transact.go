package memdb

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"
)

const (
	maxTransactItems = 100
	tokenLifetime    = 10 * time.Minute
)

// tokenEntry remembers a TransactWriteItems idempotency token.
type tokenEntry struct {
	digest [32]byte
	at     time.Time
	out    any
}

type transactWriteMember struct {
	ConditionCheck *writeInput
	Put            *writeInput
	Delete         *writeInput
	Update         *writeInput
}

func (s *Server) transactWriteItems(body []byte) (any, *apiError) {
	var in struct {
		TransactItems               []transactWriteMember
		ClientRequestToken          *string
		ReturnConsumedCapacity      string
		ReturnItemCollectionMetrics string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.TransactItems) == 0 {
		return nil, validationf("Value [] at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		return nil, validationf("Member must have length less than or equal to 100")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if err := checkTransactSize(in.TransactItems); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var digest [32]byte
	if in.ClientRequestToken != nil {
		// Transactions with a token run one at a time, so that a retry
		// waits for the first attempt and replays its outcome.
		s.tokMu.Lock()
		defer s.tokMu.Unlock()
		// The parameters, canonical (map keys sorted at every level): a
		// client re-serialising the same request may order them otherwise.
		var m map[string]any
		json.Unmarshal(body, &m)
		delete(m, "ClientRequestToken")
		b, _ := json.Marshal(m)
		digest = sha256.Sum256(b)
		if e, ok := s.tokens[*in.ClientRequestToken]; ok && s.now().Sub(e.at) < tokenLifetime {
			if e.digest != digest {
				return nil, &apiError{status: 400, code: "IdempotentParameterMismatchException", msg: "Specified idempotency token has been used with different request parameters."}
			}
			return e.out, nil
		}
	}
	writes := make([]*preparedWrite, len(in.TransactItems))
	prepErrs := make([]*apiError, len(in.TransactItems))
	seen := map[string]bool{}
	for i, m := range in.TransactItems {
		var w *preparedWrite
		var err *apiError
		n := 0
		for _, x := range []*writeInput{m.ConditionCheck, m.Put, m.Delete, m.Update} {
			if x != nil {
				n++
			}
		}
		if n != 1 {
			return nil, validationf("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		for _, x := range []*writeInput{m.ConditionCheck, m.Put, m.Delete, m.Update} {
			if x != nil {
				x.parseFirst = true
			}
		}
		switch {
		case m.ConditionCheck != nil:
			if m.ConditionCheck.ConditionExpression == nil {
				return nil, validationf("1 validation error detected: Value null at 'transactItems.%d.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null", i+1)
			}
			m.ConditionCheck.inTransaction = true
			w, err = s.prepareWrite(wCheck, m.ConditionCheck)
		case m.Put != nil:
			w, err = s.prepareWrite(wPut, m.Put)
		case m.Delete != nil:
			w, err = s.prepareWrite(wDelete, m.Delete)
		default:
			if m.Update.UpdateExpression == nil {
				return nil, validationf("1 validation error detected: Value null at 'transactItems.%d.member.update.updateExpression' failed to satisfy constraint: Member must not be null", i+1)
			}
			w, err = s.prepareWrite(wUpdate, m.Update)
		}
		if err == nil {
			err = itemCollectionMetrics(in.ReturnItemCollectionMetrics, w.t)
		}
		switch {
		case err == nil:
			writes[i] = w
		case err.itemLevel:
			prepErrs[i] = err
		case err.late:
			// Found when the member is evaluated, in order (evaluateAll).
			prepErrs[i] = err
		default:
			return nil, err
		}
	}
	for _, w := range writes {
		if w == nil {
			continue
		}
		id := w.t.name + "\x00" + w.pk
		if seen[id] {
			return nil, validationf("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
	}
	tables := make([]*table, len(writes))
	for i, w := range writes {
		if w != nil {
			tables[i] = w.t
		}
	}
	defer lockTables(tables, true)()
	olds, news, err := evaluateAll(writes, prepErrs)
	if err != nil {
		return nil, err
	}
	caps := map[string]*consumed{}
	var order []string
	for i, w := range writes {
		c := w.t.writeCost(w.pk, olds[i], news[i], 2)
		c.write = true
		if w.kind == wCheck {
			c = &consumed{table: w.t.name, tbl: readUnits(itemSizeOrZero(olds[i]), true) * 2, write: true}
		}
		if acc := caps[w.t.name]; acc != nil {
			mergeConsumed(acc, c)
		} else {
			caps[w.t.name] = c
			order = append(order, w.t.name)
		}
		w.commit(news[i])
	}
	out := map[string]any{}
	if rep := reportAll(caps, in.ReturnConsumedCapacity); rep != nil {
		out["ConsumedCapacity"] = rep
	}
	if in.ClientRequestToken != nil {
		s.rememberToken(*in.ClientRequestToken, tokenEntry{digest: digest, at: s.now(), out: out})
	}
	return out, nil
}

// maxTransactBytes is DynamoDB's limit on the aggregate size of the items
// in one TransactWriteItems request.
const maxTransactBytes = 4 * 1024 * 1024

// checkTransactSize enforces the 4 MB limit on the items a transaction
// carries: put items, keys and expression attribute values, measured by
// DynamoDB's item-size rules. Malformed values are left to the per-item
// checks, which report them precisely.
func checkTransactSize(members []transactWriteMember) *apiError {
	total := 0
	for _, m := range members {
		for _, w := range []*writeInput{m.ConditionCheck, m.Put, m.Delete, m.Update} {
			if w == nil {
				continue
			}
			for _, wi := range []wireItem{w.Item, w.Key, w.ExpressionAttributeValues} {
				if it, err := convItem(wi); err == nil {
					total += itemSizeOrZero(it)
				}
			}
		}
	}
	if total > maxTransactBytes {
		return validationf("Transaction payload size cannot exceed 4MB. Payload Size: %d", total)
	}
	return nil
}

func itemSizeOrZero(it item) int {
	if it == nil {
		return 0
	}
	return itemSize(it)
}

func mergeConsumed(acc, c *consumed) {
	acc.tbl += c.tbl
	for k, u := range c.gsi {
		acc.addIndex(&index{name: k, global: true}, u)
	}
	for k, u := range c.lsi {
		acc.addIndex(&index{name: k}, u)
	}
}

func reportAll(caps map[string]*consumed, mode string) []any {
	if mode != "TOTAL" && mode != "INDEXES" {
		return nil
	}
	var list []any
	for _, name := range sortedKeys(caps) {
		r := caps[name].report(mode)
		if caps[name].write {
			r["WriteCapacityUnits"] = r["CapacityUnits"]
		} else {
			r["ReadCapacityUnits"] = r["CapacityUnits"]
		}
		list = append(list, r)
	}
	return list
}

func (s *Server) transactGetItems(body []byte) (any, *apiError) {
	var in struct {
		TransactItems []struct {
			Get *readInput
		}
		ReturnConsumedCapacity string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.TransactItems) == 0 {
		return nil, validationf("Value [] at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		return nil, validationf("Member must have length less than or equal to 100")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var tables []*table
	for _, m := range in.TransactItems {
		if m.Get != nil {
			if t := s.tables[m.Get.TableName]; t != nil {
				tables = append(tables, t)
			}
		}
	}
	defer lockTables(tables, false)()
	seen := map[string]bool{}
	responses := make([]any, len(in.TransactItems))
	caps := map[string]*consumed{}
	for i, m := range in.TransactItems {
		if m.Get == nil {
			return nil, validationf("1 validation error detected: Value null at 'transactItems.%d.member.get' failed to satisfy constraint: Member must not be null", i+1)
		}
		r, err := s.prepareRead(m.Get)
		if err != nil {
			return nil, err
		}
		k, err := convItem(m.Get.Key)
		if err != nil {
			return nil, err
		}
		pk, _, _, err := r.t.keyFromKey(k)
		if err != nil {
			return nil, err
		}
		id := r.t.name + "\x00" + pk
		if seen[id] {
			return nil, validationf("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
		it, size, err := r.get(m.Get.Key)
		if err != nil {
			return nil, err
		}
		resp := map[string]any{}
		if it != nil {
			resp["Item"] = it
		}
		responses[i] = resp
		c := caps[r.t.name]
		if c == nil {
			c = &consumed{table: r.t.name}
			caps[r.t.name] = c
		}
		c.tbl += readUnits(size, true) * 2
	}
	out := map[string]any{"Responses": responses}
	if rep := reportAll(caps, in.ReturnConsumedCapacity); rep != nil {
		out["ConsumedCapacity"] = rep
	}
	return out, nil
}

// rememberToken stores an idempotency token and forgets those older than
// DynamoDB's ten minutes, oldest first, so that memory stays bounded by the
// tokens of the last ten minutes (the caller holds s.tokMu).
func (s *Server) rememberToken(tok string, e tokenEntry) {
	now := s.now()
	for len(s.tokenOrder) > 0 {
		old := s.tokenOrder[0]
		if t, ok := s.tokens[old]; ok && now.Sub(t.at) < tokenLifetime {
			break
		}
		delete(s.tokens, old)
		s.tokenOrder = s.tokenOrder[1:]
	}
	if _, ok := s.tokens[tok]; !ok {
		s.tokenOrder = append(s.tokenOrder, tok)
	}
	s.tokens[tok] = e
}

// evaluateAll evaluates the members of a transaction in order against the
// stored items, as DynamoDB Local does. The first member whose update cannot
// apply (a missing operand, a wrong operand type, an invalid path, a path
// into a key) rejects the request, and the first that updates a key cancels it
// with that one reason; otherwise failed conditions and invalid items cancel
// it, with a reason per member.
func evaluateAll(writes []*preparedWrite, prepErrs []*apiError) (olds, news []item, err *apiError) {
	olds = make([]item, len(writes))
	news = make([]item, len(writes))
	reasons := make([]map[string]any, len(writes))
	failed := false
	for i, w := range writes {
		reasons[i] = map[string]any{"Code": "None"}
		err := prepErrs[i]
		if err == nil {
			olds[i], news[i], err = w.evaluate()
		}
		switch {
		case err == nil:
			continue
		case err.code == "ConditionalCheckFailedException":
			msg := err.msg
			if w.kind == wCheck {
				msg += "."
			}
			reasons[i] = map[string]any{"Code": "ConditionalCheckFailed", "Message": msg}
			if it, ok := err.extra["Item"]; ok {
				reasons[i]["Item"] = it
			}
		case err.keyUpdate:
			// An update of a key cancels the transaction with that one reason.
			return nil, nil, cancelled([]map[string]any{{"Code": "ValidationError", "Message": err.msg}})
		case err.itemLevel && !err.late:
			reasons[i] = map[string]any{"Code": "ValidationError", "Message": err.msg}
		default:
			return nil, nil, err
		}
		failed = true
	}
	if failed {
		return nil, nil, cancelled(reasons)
	}
	return olds, news, nil
}

func cancelled(reasons []map[string]any) *apiError {
	codes := make([]string, len(reasons))
	list := make([]any, len(reasons))
	for i, r := range reasons {
		codes[i] = r["Code"].(string)
		list[i] = r
	}
	return &apiError{status: 400, code: "TransactionCanceledException",
		msg:   "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
		extra: map[string]any{"CancellationReasons": list}}
}
