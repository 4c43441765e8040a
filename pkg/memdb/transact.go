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

// transactWriteInput is the body of a TransactWriteItems request.
type transactWriteInput struct {
	TransactItems               []transactWriteMember
	ClientRequestToken          *string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

func (s *Server) transactWriteItems(body []byte) (any, *apiError) {
	var in transactWriteInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkTransactShape(&in); err != nil {
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
		digest = requestDigest(body)
		if out, err, ok := s.replay(*in.ClientRequestToken, digest); ok {
			return out, err
		}
	}
	writes, prepErrs, err := s.prepareTransactMembers(&in)
	if err != nil {
		return nil, err
	}
	if err := checkOneOperationPerItem(writes); err != nil {
		return nil, err
	}
	defer unlockParts(lockParts(writeRefs(writes), true), true)
	olds, news, err := evaluateAll(writes, prepErrs)
	if err != nil {
		return nil, err
	}
	caps := commitTransaction(writes, olds, news)
	out := map[string]any{}
	if rep := reportAll(caps, in.ReturnConsumedCapacity); rep != nil {
		out["ConsumedCapacity"] = rep
	}
	if in.ClientRequestToken != nil {
		s.rememberToken(*in.ClientRequestToken, tokenEntry{digest: digest, at: s.now(), out: out})
	}
	return out, nil
}

// checkTransactShape checks what a TransactWriteItems request must hold
// before any table is looked at: 1 to 100 members, a known capacity mode
// and at most maxTransactBytes of items.
func checkTransactShape(in *transactWriteInput) *apiError {
	if len(in.TransactItems) == 0 {
		return validationf("Value [] at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		return validationf("Member must have length less than or equal to 100")
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return err
	}
	return checkTransactSize(in.TransactItems)
}

// requestDigest is the digest of a request body without its
// ClientRequestToken: what a retry with the same token must repeat.
func requestDigest(body []byte) [32]byte {
	// The parameters, canonical (map keys sorted at every level): a
	// client re-serialising the same request may order them otherwise.
	var m map[string]any
	json.Unmarshal(body, &m)
	delete(m, "ClientRequestToken")
	b, _ := json.Marshal(m)
	return sha256.Sum256(b)
}

// replay answers a retry of a transaction whose token is still remembered
// (ok): the first attempt's outcome when the request is the same, else
// IdempotentParameterMismatchException. The caller holds s.tokMu.
func (s *Server) replay(tok string, digest [32]byte) (out any, err *apiError, ok bool) {
	e, ok := s.tokens[tok]
	if !ok || s.now().Sub(e.at) >= tokenLifetime {
		return nil, nil, false
	}
	if e.digest != digest {
		return nil, &apiError{status: 400, code: "IdempotentParameterMismatchException", msg: "Specified idempotency token has been used with different request parameters."}, true
	}
	return e.out, nil, true
}

// prepareTransactMembers prepares every member of a TransactWriteItems in
// order. A member's item-level or late error is kept in prepErrs at its
// position (its write stays nil), to be reported when the members are
// evaluated; any other error ends the request.
func (s *Server) prepareTransactMembers(in *transactWriteInput) (writes []*preparedWrite, prepErrs []*apiError, _ *apiError) {
	writes = make([]*preparedWrite, len(in.TransactItems))
	prepErrs = make([]*apiError, len(in.TransactItems))
	for i, m := range in.TransactItems {
		w, err := s.prepareTransactMember(i, m)
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
			return nil, nil, err
		}
	}
	return writes, prepErrs, nil
}

// prepareTransactMember prepares member i (from 0) of a transaction, which
// must hold exactly one of ConditionCheck, Put, Delete and Update.
func (s *Server) prepareTransactMember(i int, m transactWriteMember) (*preparedWrite, *apiError) {
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
		return s.prepareWrite(wCheck, m.ConditionCheck)
	case m.Put != nil:
		return s.prepareWrite(wPut, m.Put)
	case m.Delete != nil:
		return s.prepareWrite(wDelete, m.Delete)
	default:
		if m.Update.UpdateExpression == nil {
			return nil, validationf("1 validation error detected: Value null at 'transactItems.%d.member.update.updateExpression' failed to satisfy constraint: Member must not be null", i+1)
		}
		return s.prepareWrite(wUpdate, m.Update)
	}
}

// checkOneOperationPerItem refuses a transaction with two members on the
// same item (members that failed to prepare are skipped).
func checkOneOperationPerItem(writes []*preparedWrite) *apiError {
	seen := map[string]bool{}
	for _, w := range writes {
		if w == nil {
			continue
		}
		id := w.t.name + "\x00" + w.pk
		if seen[id] {
			return validationf("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
	}
	return nil
}

// commitTransaction commits every evaluated member of a transaction and
// returns the capacity consumed per table (twice a single write's; a
// condition check costs a strongly consistent read of its item, twice).
func commitTransaction(writes []*preparedWrite, olds, news []item) map[string]*consumed {
	caps := map[string]*consumed{}
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
		}
		w.commit(news[i])
	}
	return caps
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

// transactGetInput is the body of a TransactGetItems request.
type transactGetInput struct {
	TransactItems []struct {
		Get *readInput
	}
	ReturnConsumedCapacity string
}

// transactGet is one prepared member of a TransactGetItems.
type transactGet struct {
	r  *preparedRead
	pk string
	hv *value
}

func (s *Server) transactGetItems(body []byte) (any, *apiError) {
	var in transactGetInput
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
	prepare := func() ([]transactGet, []partRef, *apiError) { return s.prepareTransactGets(&in) }
	return locked(s, false, prepare, func(gets []transactGet) (any, *apiError) {
		responses := make([]any, len(gets))
		caps := map[string]*consumed{}
		for i, g := range gets {
			it, size := g.r.get(g.pk, g.hv)
			resp := map[string]any{}
			if it != nil {
				resp["Item"] = it
			}
			responses[i] = resp
			c := caps[g.r.t.name]
			if c == nil {
				c = &consumed{table: g.r.t.name}
				caps[g.r.t.name] = c
			}
			c.tbl += readUnits(size, true) * 2
		}
		out := map[string]any{"Responses": responses}
		if rep := reportAll(caps, in.ReturnConsumedCapacity); rep != nil {
			out["ConsumedCapacity"] = rep
		}
		return out, nil
	})
}

// prepareTransactGets checks the members of a TransactGetItems in order
// and returns them with the partitions they read.
func (s *Server) prepareTransactGets(in *transactGetInput) ([]transactGet, []partRef, *apiError) {
	seen := map[string]bool{}
	gets := make([]transactGet, len(in.TransactItems))
	refs := make([]partRef, len(in.TransactItems))
	for i, m := range in.TransactItems {
		if m.Get == nil {
			return nil, nil, validationf("1 validation error detected: Value null at 'transactItems.%d.member.get' failed to satisfy constraint: Member must not be null", i+1)
		}
		r, err := s.prepareRead(m.Get)
		if err != nil {
			return nil, nil, err
		}
		pk, hv, err := r.key(m.Get.Key)
		if err != nil {
			return nil, nil, err
		}
		id := r.t.name + "\x00" + pk
		if seen[id] {
			return nil, nil, validationf("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
		gets[i] = transactGet{r: r, pk: pk, hv: hv}
		refs[i] = refOf(r.t, hv)
	}
	return gets, refs, nil
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
