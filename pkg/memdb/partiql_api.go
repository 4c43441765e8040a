package memdb

import (
	"encoding/base64"
)

// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

func (s *Server) executeStatement(body []byte) (any, *apiError) {
	var in pqInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, limitErr(*in.Limit, 1000)
	}
	st, err := parsePartiQL(in.Statement, in.Parameters)
	if err != nil {
		return nil, err
	}
	if st.verb == "SELECT" {
		return s.pqSelect(st, &in)
	}
	kind, r, err := s.pqWrite(st)
	if err != nil {
		return nil, err
	}
	r.ReturnConsumedCapacity = in.ReturnConsumedCapacity
	r.ReturnValuesOnConditionCheckFailure = in.ReturnValuesOnConditionCheckFailure
	out, err := s.singleWrite(kind, mustJSON(r))
	if err != nil {
		return nil, pqWriteErr(st, err)
	}
	res := map[string]any{"Items": []any{}}
	if c, ok := out.(map[string]any)["ConsumedCapacity"]; ok {
		res["ConsumedCapacity"] = c
	}
	return res, nil
}

// pqWriteErr words a failed INSERT condition as DynamoDB does.
func pqWriteErr(st *pqStatement, err *apiError) *apiError {
	if st.verb == "INSERT" && err.code == "ConditionalCheckFailedException" {
		return &apiError{status: 400, code: "DuplicateItemException", msg: "Duplicate primary key exists in table"}
	}
	return err
}

func (s *Server) pqSelect(st *pqStatement, in *pqInput) (any, *apiError) {
	r, isQuery, err := s.pqRead(st, in)
	if err != nil {
		return nil, err
	}
	var raw any
	if isQuery {
		raw, err = s.query(mustJSON(r))
	} else {
		raw, err = s.scan(mustJSON(r))
	}
	if err != nil {
		return nil, err
	}
	out := raw.(map[string]any)
	items, _ := out["Items"].([]item)
	list := make([]item, len(items))
	for i, it := range items {
		list[i] = st.project(it)
	}
	res := map[string]any{"Items": list}
	if lek, ok := out["LastEvaluatedKey"].(item); ok {
		res["NextToken"] = base64.StdEncoding.EncodeToString(appendItem(nil, lek))
	}
	if c, ok := out["ConsumedCapacity"]; ok {
		res["ConsumedCapacity"] = c
	}
	return res, nil
}

// pqGet builds the GetItem of a SELECT by full primary key (the only read
// batches and transactions allow).
func (s *Server) pqGet(st *pqStatement) (*readInput, *apiError) {
	tg, err := s.pqTarget(st)
	if err != nil {
		return nil, err
	}
	key, rest, err := tg.pqKey(st)
	if err != nil || len(rest) > 0 || st.index != "" {
		return nil, validationf("Only single item select is supported")
	}
	return &readInput{TableName: st.table, Key: key, ConsistentRead: true}, nil
}

type pqBatchStatement struct {
	Statement      string
	Parameters     []wireValue
	ConsistentRead bool
}

func (s *Server) batchExecuteStatement(body []byte) (any, *apiError) {
	var in struct {
		Statements             []pqBatchStatement
		ReturnConsumedCapacity string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Statements) == 0 {
		return nil, validationf("The statement was empty.")
	}
	if len(in.Statements) > maxBatchWrite {
		return nil, validationf("1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25")
	}
	sts := make([]*pqStatement, len(in.Statements))
	errs := make([]*apiError, len(in.Statements))
	reads, writes := 0, 0
	for i, b := range in.Statements {
		sts[i], errs[i] = parsePartiQL(b.Statement, b.Parameters)
		switch {
		case errs[i] != nil:
		case sts[i].verb == "SELECT":
			reads++
		default:
			writes++
		}
	}
	if reads > 0 && writes > 0 {
		return nil, validationf("Read and write requests together in the same batch is not supported.")
	}
	responses := make([]any, len(sts))
	for i, st := range sts {
		responses[i] = s.pqBatchOne(st, errs[i], in.Statements[i].ConsistentRead)
	}
	return map[string]any{"Responses": responses}, nil
}

// pqBatchOne runs one statement of a batch; its failure is its response.
func (s *Server) pqBatchOne(st *pqStatement, err *apiError, consistent bool) map[string]any {
	fail := func(e *apiError) map[string]any {
		code := e.code
		switch code {
		case "ValidationException":
			code = "ValidationError"
		case "ConditionalCheckFailedException":
			code = "ConditionalCheckFailed"
		case "DuplicateItemException":
			code = "DuplicateItem"
		}
		return map[string]any{"Error": map[string]any{"Code": code, "Message": e.msg}}
	}
	if err != nil {
		if err.msg != "" && err.msg[:min(9, len(err.msg))] == "Statement" {
			err = validationf("Invalid operation. Only select, insert, update and delete operations are valid")
		}
		return fail(err)
	}
	if st.verb == "SELECT" {
		r, err := s.pqGet(st)
		if err != nil {
			return fail(err)
		}
		r.ConsistentRead = consistent
		out, err := s.getItem(mustJSON(r))
		if err != nil {
			return fail(err)
		}
		res := map[string]any{"TableName": st.table}
		if it, ok := out.(map[string]any)["Item"].(item); ok {
			res["Item"] = st.project(it)
		}
		return res
	}
	kind, r, err := s.pqWrite(st)
	if err == nil {
		_, err = s.singleWrite(kind, mustJSON(r))
	}
	if err != nil {
		res := fail(pqWriteErr(st, err))
		res["TableName"] = st.table
		return res
	}
	return map[string]any{"TableName": st.table}
}

func (s *Server) executeTransaction(body []byte) (any, *apiError) {
	var in struct {
		TransactStatements     []pqBatchStatement
		ClientRequestToken     *string
		ReturnConsumedCapacity string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.TransactStatements) == 0 {
		return nil, validationf("Value [] at 'transactStatements' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	sts := make([]*pqStatement, len(in.TransactStatements))
	reads := 0
	for i, b := range in.TransactStatements {
		st, err := parsePartiQL(b.Statement, b.Parameters)
		if err != nil {
			return nil, err
		}
		sts[i] = st
		if st.verb == "SELECT" {
			reads++
		}
	}
	if reads > 0 && reads < len(sts) {
		return nil, validationf("ExecuteTransaction API does not support both read and write operations in the same request.")
	}
	if reads > 0 {
		return s.pqTransactGet(sts, in.ReturnConsumedCapacity)
	}
	return s.pqTransactWrite(sts, in.ClientRequestToken, in.ReturnConsumedCapacity)
}

func (s *Server) pqTransactGet(sts []*pqStatement, capacity string) (any, *apiError) {
	members := make([]map[string]any, len(sts))
	for i, st := range sts {
		r, err := s.pqGet(st)
		if err != nil {
			return nil, validationf("Validation failed in TransactStatements[%d]: Select statements within ExecuteTransaction must specify the primary key in the where clause.", i)
		}
		members[i] = map[string]any{"Get": map[string]any{"TableName": r.TableName, "Key": r.Key}}
	}
	out, err := s.transactGetItems(mustJSON(map[string]any{"TransactItems": members, "ReturnConsumedCapacity": capacity}))
	if err != nil {
		return nil, err
	}
	res := out.(map[string]any)
	for i, r := range res["Responses"].([]any) {
		if it, ok := r.(map[string]any)["Item"].(item); ok {
			r.(map[string]any)["Item"] = sts[i].project(it)
		}
	}
	return res, nil
}

func (s *Server) pqTransactWrite(sts []*pqStatement, token *string, capacity string) (any, *apiError) {
	members := make([]map[string]any, len(sts))
	for i, st := range sts {
		kind, r, err := s.pqWrite(st)
		if err != nil {
			return nil, err
		}
		op := map[writeKind]string{wPut: "Put", wUpdate: "Update", wDelete: "Delete"}[kind]
		members[i] = map[string]any{op: r}
	}
	req := map[string]any{"TransactItems": members, "ReturnConsumedCapacity": capacity}
	if token != nil {
		req["ClientRequestToken"] = *token
	}
	out, err := s.transactWriteItems(mustJSON(req))
	if err != nil {
		return nil, pqCancelReasons(sts, err)
	}
	// DynamoDB Local answers a transaction of writes with an empty list.
	res := map[string]any{"Responses": []any{}}
	if c, ok := out.(map[string]any)["ConsumedCapacity"]; ok {
		res["ConsumedCapacity"] = c
	}
	return res, nil
}

// pqCancelReasons words an INSERT's failed condition in a cancelled
// transaction as DynamoDB Local does (a duplicate key).
func pqCancelReasons(sts []*pqStatement, err *apiError) *apiError {
	list, ok := err.extra["CancellationReasons"].([]any)
	if !ok {
		return err
	}
	codes := ""
	for i, r := range list {
		m := r.(map[string]any)
		if sts[i].verb == "INSERT" && m["Code"] == "ConditionalCheckFailed" {
			list[i] = map[string]any{"Code": "ValidationError", "Message": "Duplicate primary key exists in table"}
		}
		if i > 0 {
			codes += ", "
		}
		codes += list[i].(map[string]any)["Code"].(string)
	}
	err.msg = "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]"
	return err
}
