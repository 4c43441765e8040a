package memdb

import "encoding/json"

const maxItemSize = 400 * 1024

// writeInput is the shared shape of PutItem, UpdateItem, DeleteItem and the
// write members of TransactWriteItems.
type writeInput struct {
	TableName                           string
	Item                                wireItem
	Key                                 wireItem
	ConditionExpression                 *string
	UpdateExpression                    *string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           wireItem
	ReturnValues                        string
	ReturnValuesOnConditionCheckFailure string
	ReturnConsumedCapacity              string
	ReturnItemCollectionMetrics         string
	// inTransaction: a ConditionCheck of TransactWriteItems, whose condition
	// DynamoDB lets name paths into key attributes.
	inTransaction bool
	// parseFirst: a member of TransactWriteItems (see prepareWrite).
	parseFirst          bool
	Expected            json.RawMessage
	AttributeUpdates    json.RawMessage
	ConditionalOperator json.RawMessage
}

type writeKind uint8

const (
	wPut writeKind = iota
	wUpdate
	wDelete
	wCheck
)

// preparedWrite is a validated write, ready to be evaluated against the table.
type preparedWrite struct {
	kind     writeKind
	t        *table
	pk       string
	hv, rv   *value
	item     item // PutItem's item
	upd      *updateExpr
	cond     *condNode
	ret      string
	retOnErr string
	part     [1]partRef // a single write's partition (kept here: no allocation of its own)
}

// checkExprParams enforces DynamoDB's rules on placeholders without expressions.
func checkExprParams(names map[string]string, values wireItem, anyExpr bool, nullMsg ...string) *apiError {
	if names != nil && len(names) == 0 {
		return validationf("ExpressionAttributeNames must not be empty")
	}
	if values != nil && len(values) == 0 {
		return validationf("ExpressionAttributeValues must not be empty")
	}
	if !anyExpr && names != nil {
		return validationf("ExpressionAttributeNames can only be specified when using expressions")
	}
	if !anyExpr && values != nil {
		if len(nullMsg) > 0 {
			return validationf("ExpressionAttributeValues can only be specified when using expressions: %s", nullMsg[0])
		}
		return validationf("ExpressionAttributeValues can only be specified when using expressions")
	}
	return nil
}

// itemCollectionMetrics: memdb does not compute item collection metrics, which
// DynamoDB returns only for tables with local secondary indexes.
func itemCollectionMetrics(mode string, t *table) *apiError {
	if mode == "SIZE" && len(t.lsis) > 0 {
		return outOfScope("ReturnItemCollectionMetrics SIZE on tables with local secondary indexes")
	}
	return nil
}

func legacy(raw json.RawMessage, name string) *apiError {
	if len(raw) > 0 && string(raw) != "null" {
		return outOfScope("the legacy parameter " + name + " (use expressions)")
	}
	return nil
}

// prepareWrite validates in for kind; the caller holds s.mu.
func (s *Server) prepareWrite(kind writeKind, in *writeInput) (*preparedWrite, *apiError) {
	for _, l := range []struct {
		raw  json.RawMessage
		name string
	}{{in.Expected, "Expected"}, {in.AttributeUpdates, "AttributeUpdates"}, {in.ConditionalOperator, "ConditionalOperator"}} {
		if err := legacy(l.raw, l.name); err != nil {
			return nil, err
		}
	}
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	w := &preparedWrite{kind: kind, t: t, ret: in.ReturnValues, retOnErr: in.ReturnValuesOnConditionCheckFailure}
	switch in.ReturnValues {
	case "", "NONE":
	case "ALL_OLD":
		if kind == wCheck {
			return nil, validationf("ReturnValues is not supported for ConditionCheck")
		}
	case "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW":
		if kind != wUpdate {
			return nil, validationf("Return values set to invalid value")
		}
	default:
		return nil, validationf("Return values set to invalid value")
	}
	switch in.ReturnValuesOnConditionCheckFailure {
	case "", "NONE", "ALL_OLD":
	default:
		return nil, validationf("1 validation error detected: Value '%s' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]", in.ReturnValuesOnConditionCheckFailure)
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if err := itemCollectionMetrics(in.ReturnItemCollectionMetrics, t); err != nil {
		return nil, err
	}
	nullMsg := "ConditionExpression is null"
	if kind == wUpdate {
		nullMsg = "UpdateExpression and ConditionExpression are null"
	}
	if err := checkExprParams(in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.ConditionExpression != nil || in.UpdateExpression != nil, nullMsg); err != nil {
		return nil, err
	}
	// A member of a transaction has its expressions read before its item;
	// a single write the other way round, as DynamoDB Local does.
	var ctx *exprCtx
	if in.parseFirst {
		if ctx, err = w.parseExprs(kind, in); err == nil {
			if err = ctx.checkUnused(); err == nil {
				err = w.readKey(kind, in)
			}
		}
	} else if err = w.readKey(kind, in); err == nil {
		ctx, err = w.parseExprs(kind, in)
	}
	if err != nil {
		return nil, err
	}
	if in.inTransaction {
		ctx.nestedKeys = nil
	}
	if err := ctx.checkParsed(); err != nil {
		return nil, err
	}
	return w, nil
}

// parseExprs parses the update and condition expressions of in.
func (w *preparedWrite) parseExprs(kind writeKind, in *writeInput) (*exprCtx, *apiError) {
	ctx, err := newExprCtx(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, err
	}
	ctx.withKeys(w.t)
	if in.UpdateExpression != nil {
		if kind != wUpdate {
			return nil, validationf("UpdateExpression is not allowed here")
		}
		if w.upd, err = parseUpdate(ctx, *in.UpdateExpression); err != nil {
			return nil, err
		}
	}
	if in.ConditionExpression != nil {
		if w.cond, err = parseCondition(ctx, "ConditionExpression", *in.ConditionExpression); err != nil {
			return nil, err
		}
	}
	return ctx, nil
}

// readKey validates the item (puts) or key of in.
func (w *preparedWrite) readKey(kind writeKind, in *writeInput) *apiError {
	t := w.t
	var err *apiError
	if kind != wPut {
		key, err := convItem(in.Key)
		if err != nil {
			return err
		}
		w.pk, w.hv, w.rv, err = t.keyFromKey(key)
		return err
	}
	if in.Item == nil {
		return validationf("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null")
	}
	it, err := convItem(in.Item)
	if err != nil {
		return err
	}
	if w.pk, w.hv, w.rv, err = t.keyFromItem(it); err != nil {
		return err
	}
	if t.putSize(it) > maxItemSize {
		return validationf("Item size has exceeded the maximum allowed size")
	}
	w.item = it
	return nil
}

// evaluate checks the condition and computes the new item (nil for deletes);
// it stores nothing. A failed condition answers ConditionalCheckFailedException.
func (w *preparedWrite) evaluate() (old, new item, err *apiError) {
	old = w.t.get(w.pk, w.hv)
	if w.cond != nil {
		view := old
		if view == nil {
			view = item{}
		}
		if !evalCond(view, w.cond) {
			var ret item
			if w.retOnErr == "ALL_OLD" && old != nil {
				ret = old
			}
			return old, nil, conditionFailed(ret)
		}
	}
	switch w.kind {
	case wPut:
		return old, w.item, nil
	case wDelete:
		return old, nil, nil
	case wCheck:
		return old, old, nil
	}
	base := old
	if base == nil {
		base = item{w.t.ks.hash: w.hv}
		if w.rv != nil {
			base[w.t.ks.rng] = w.rv
		}
	}
	if w.upd == nil {
		return old, base, nil
	}
	new, err = applyUpdate(base, w.upd, w.t.keyNames())
	if err != nil {
		return old, nil, err
	}
	for _, a := range w.upd.set {
		if v := new[a.path[0].name]; v != nil && nesting(v) > maxItemNesting {
			return old, nil, validationf("Nesting Levels have exceeded supported limits")
		}
	}
	if err := w.t.checkIndexKeys(new, true); err != nil {
		return old, nil, err
	}
	if itemSize(new) > maxItemSize {
		return old, nil, validationf("Item size to update has exceeded the maximum allowed size")
	}
	return old, new, nil
}

// commit stores the result of evaluate.
func (w *preparedWrite) commit(new item) {
	if w.kind == wCheck {
		return
	}
	w.t.put(w.pk, w.hv, w.rv, new)
}

// returned renders ReturnValues.
func (w *preparedWrite) returned(old, new item) item {
	switch w.ret {
	case "ALL_OLD":
		return old
	case "ALL_NEW":
		return new
	case "UPDATED_OLD", "UPDATED_NEW":
		src := new
		if w.ret == "UPDATED_OLD" {
			src = old
		}
		if src == nil || w.upd == nil {
			return nil
		}
		// DynamoDB returns each top-level attribute holding a path the update
		// named, when that path exists in the returned image.
		var paths []docPath
		for _, l := range [][]updateAction{w.upd.set, w.upd.remove, w.upd.add, w.upd.del} {
			for _, a := range l {
				if resolve(src, a.path) != nil {
					paths = append(paths, a.path[:1])
				}
			}
		}
		out := project(src, paths)
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}

func (s *Server) singleWrite(kind writeKind, body []byte) (any, *apiError) {
	var in writeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	prepare := func() (*preparedWrite, []partRef, *apiError) {
		w, err := s.prepareWrite(kind, &in)
		if err != nil {
			return nil, nil, err
		}
		w.part[0] = refOf(w.t, w.hv)
		return w, w.part[:], nil
	}
	return locked(s, true, prepare, func(w *preparedWrite) (any, *apiError) {
		old, new, err := w.evaluate()
		if err != nil {
			return nil, err
		}
		w.commit(new)
		out := map[string]any{}
		if r := w.returned(old, new); len(r) > 0 {
			out["Attributes"] = r
		}
		if c := w.t.writeCost(w.pk, old, new, 1).report(in.ReturnConsumedCapacity); c != nil {
			out["ConsumedCapacity"] = c
		}
		return out, nil
	})
}

func (s *Server) putItem(body []byte) (any, *apiError)    { return s.singleWrite(wPut, body) }
func (s *Server) updateItem(body []byte) (any, *apiError) { return s.singleWrite(wUpdate, body) }
func (s *Server) deleteItem(body []byte) (any, *apiError) { return s.singleWrite(wDelete, body) }

// readInput is the shared shape of GetItem and the reads of batches and transactions.
type readInput struct {
	TableName                string
	Key                      wireItem
	Keys                     []wireItem
	ConsistentRead           bool
	ProjectionExpression     *string
	ExpressionAttributeNames map[string]string
	ReturnConsumedCapacity   string
	AttributesToGet          json.RawMessage
}

// preparedRead is a validated projection for reads.
type preparedRead struct {
	t     *table
	paths []docPath
	part  [1]partRef // a GetItem's partition (kept here: no allocation of its own)
}

func (s *Server) prepareRead(in *readInput) (*preparedRead, *apiError) {
	if err := legacy(in.AttributesToGet, "AttributesToGet"); err != nil {
		return nil, err
	}
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	if err := validCapacityMode(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if err := checkExprParams(in.ExpressionAttributeNames, nil, in.ProjectionExpression != nil); err != nil {
		return nil, err
	}
	r := &preparedRead{t: t}
	if in.ProjectionExpression != nil {
		ctx, _ := newExprCtx(in.ExpressionAttributeNames, nil)
		ctx.withKeys(t)
		if r.paths, err = parseProjection(ctx, *in.ProjectionExpression); err != nil {
			return nil, err
		}
		if err := ctx.checkParsed(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// key validates a key of the read's table.
func (r *preparedRead) key(key wireItem) (pk string, hv *value, _ *apiError) {
	k, err := convItem(key)
	if err != nil {
		return "", nil, err
	}
	pk, hv, _, err = r.t.keyFromKey(k)
	return pk, hv, err
}

// get reads the item of a key checked by key (the caller holds the lock
// of hv's partition) and returns its size.
func (r *preparedRead) get(pk string, hv *value) (item, int) {
	row := r.t.shard(hv).items[pk]
	if row == nil {
		return nil, 0
	}
	it := row.item
	if r.paths != nil {
		it = project(it, r.paths)
	}
	return it, row.size
}

func (s *Server) getItem(body []byte) (any, *apiError) {
	var in readInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var pk string
	var hv *value
	prepare := func() (*preparedRead, []partRef, *apiError) {
		r, err := s.prepareRead(&in)
		if err == nil {
			pk, hv, err = r.key(in.Key)
		}
		if err != nil {
			return nil, nil, err
		}
		r.part[0] = refOf(r.t, hv)
		return r, r.part[:], nil
	}
	return locked(s, false, prepare, func(r *preparedRead) (any, *apiError) {
		it, size := r.get(pk, hv)
		out := map[string]any{}
		if it != nil {
			out["Item"] = it
		}
		c := &consumed{table: r.t.name, tbl: readUnits(size, in.ConsistentRead)}
		if rep := c.report(in.ReturnConsumedCapacity); rep != nil {
			out["ConsumedCapacity"] = rep
		}
		return out, nil
	})
}

func (t *table) keyNames() []string {
	if t.ks.rng == "" {
		return []string{t.ks.hash}
	}
	return []string{t.ks.hash, t.ks.rng}
}
