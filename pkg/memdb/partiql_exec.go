package memdb

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Running PartiQL statements as the equivalent DynamoDB requests. Messages
// are DynamoDB Local's.

type pqInput struct {
	Statement                           string
	Parameters                          []wireValue
	ConsistentRead                      bool
	Limit                               *int
	NextToken                           *string
	ReturnConsumedCapacity              string
	ReturnValuesOnConditionCheckFailure string
}

// pqTarget is the key schema and attribute types of a statement's table
// (or index).
type pqTarget struct {
	table keySchema // the table's primary key
	keys  keySchema // the key of the table or index read
	types map[string]string
}

func (s *Server) pqTarget(st *pqStatement) (*pqTarget, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.lookup(st.table)
	if err != nil {
		return nil, err
	}
	tg := &pqTarget{table: t.ks, keys: t.ks, types: map[string]string{}}
	for _, d := range t.attrDefs {
		tg.types[d.AttributeName] = d.AttributeType
	}
	if st.index != "" {
		ix := t.findIndex(st.index)
		if ix == nil {
			return nil, validationf("The table does not have the specified index: %s", st.index)
		}
		tg.keys = ix.ks
	}
	return tg, nil
}

func wireType(v *wireValue) string {
	switch {
	case v.S != nil:
		return "S"
	case v.N != nil:
		return "N"
	case v.B != nil:
		return "B"
	}
	return ""
}

func keyTypeErr(name string) *apiError {
	return validationf("Key attribute's data type should match its data type in table's schema: Key %s", name)
}

// pqKey splits the WHERE of a write into the item's key (an equality on
// every key attribute) and the other conditions.
func (tg *pqTarget) pqKey(st *pqStatement) (wireItem, []string, *apiError) {
	key := wireItem{}
	var rest []string
	for _, c := range st.where.conjuncts() {
		name := c.keyName
		if c.eq != nil && (name == tg.table.hash || name == tg.table.rng && name != "") {
			if _, dup := key[name]; !dup {
				if wireType(c.eq) != tg.types[name] {
					return nil, nil, keyTypeErr(name)
				}
				key[name] = *c.eq
				continue
			}
		}
		rest = append(rest, c.render())
	}
	if _, ok := key[tg.table.hash]; !ok || tg.table.rng != "" && len(key) != 2 {
		return nil, nil, validationf("Where clause does not contain a mandatory equality on all key attributes")
	}
	return key, rest, nil
}

// pqRequest is a DynamoDB request built from a statement.
type pqRequest struct {
	TableName                           string
	IndexName                           string            `json:",omitempty"`
	Key                                 wireItem          `json:",omitempty"`
	Item                                wireItem          `json:",omitempty"`
	KeyConditionExpression              string            `json:",omitempty"`
	FilterExpression                    string            `json:",omitempty"`
	UpdateExpression                    string            `json:",omitempty"`
	ConditionExpression                 string            `json:",omitempty"`
	ExpressionAttributeNames            map[string]string `json:",omitempty"`
	ExpressionAttributeValues           wireItem          `json:",omitempty"`
	Limit                               *int              `json:",omitempty"`
	ExclusiveStartKey                   json.RawMessage   `json:",omitempty"`
	ScanIndexForward                    *bool             `json:",omitempty"`
	ConsistentRead                      bool              `json:",omitempty"`
	ReturnConsumedCapacity              string            `json:",omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:",omitempty"`
}

// placeholders keeps the names and values the request's expressions use.
func (r *pqRequest) placeholders(st *pqStatement) {
	text := r.KeyConditionExpression + " " + r.FilterExpression + " " + r.UpdateExpression + " " + r.ConditionExpression
	for ph, n := range st.names {
		if usesPlaceholder(text, ph) {
			if r.ExpressionAttributeNames == nil {
				r.ExpressionAttributeNames = map[string]string{}
			}
			r.ExpressionAttributeNames[ph] = n
		}
	}
	for ph, v := range st.values {
		if usesPlaceholder(text, ph) {
			if r.ExpressionAttributeValues == nil {
				r.ExpressionAttributeValues = wireItem{}
			}
			r.ExpressionAttributeValues[ph] = v
		}
	}
}

// usesPlaceholder reports whether ph occurs in text as a whole placeholder.
func usesPlaceholder(text, ph string) bool {
	for i := strings.Index(text, ph); i >= 0; {
		end := i + len(ph)
		if end == len(text) || text[end] < '0' || text[end] > '9' {
			return true
		}
		j := strings.Index(text[end:], ph)
		if j < 0 {
			return false
		}
		i = end + j
	}
	return false
}

// pqWrite builds the PutItem, UpdateItem or DeleteItem of a write statement.
func (s *Server) pqWrite(st *pqStatement) (writeKind, *pqRequest, *apiError) {
	tg, err := s.pqTarget(st)
	if err != nil {
		return 0, nil, err
	}
	r := &pqRequest{TableName: st.table}
	switch st.verb {
	case "INSERT":
		for _, k := range []string{tg.table.hash, tg.table.rng} {
			if k == "" {
				continue
			}
			v, ok := st.item[k]
			if !ok {
				return 0, nil, validationf("Key attribute should be present in the item: Key %s", k)
			}
			if wireType(&v) != tg.types[k] {
				return 0, nil, keyTypeErr(k)
			}
		}
		r.Item = st.item
		r.ConditionExpression = "attribute_not_exists(" + st.placeholder(tg.table.hash) + ")"
		r.placeholders(st)
		return wPut, r, nil
	}
	key, rest, err := tg.pqKey(st)
	if err != nil {
		return 0, nil, err
	}
	r.Key = key
	if st.verb == "UPDATE" {
		rest = append([]string{"attribute_exists(" + st.placeholder(tg.table.hash) + ")"}, rest...)
		var parts []string
		for _, a := range []struct {
			verb    string
			actions []string
		}{{"SET", st.sets}, {"ADD", st.adds}, {"DELETE", st.dels}} {
			if len(a.actions) > 0 {
				parts = append(parts, a.verb+" "+strings.Join(a.actions, ", "))
			}
		}
		if len(st.removes) > 0 {
			parts = append(parts, "REMOVE "+strings.Join(st.removes, ", "))
		}
		r.UpdateExpression = strings.Join(parts, " ")
	}
	r.ConditionExpression = strings.Join(rest, " AND ")
	r.placeholders(st)
	if st.verb == "UPDATE" {
		return wUpdate, r, nil
	}
	return wDelete, r, nil
}

// pqRead builds the Query or Scan of a SELECT (isQuery when the WHERE has
// an equality on the partition key).
func (s *Server) pqRead(st *pqStatement, in *pqInput) (*pqRequest, bool, *apiError) {
	tg, err := s.pqTarget(st)
	if err != nil {
		return nil, false, err
	}
	r := &pqRequest{TableName: st.table, IndexName: st.index, Limit: in.Limit, ConsistentRead: in.ConsistentRead,
		ReturnConsumedCapacity: in.ReturnConsumedCapacity}
	hash, rng, rest, err := tg.keyConditions(st)
	if err != nil {
		return nil, false, err
	}
	if st.orderBy != "" && st.orderBy != tg.keys.hash && st.orderBy != tg.keys.rng {
		return nil, false, validationf("Variable reference %s in ORDER BY clause must be part of the primary key", st.orderBy)
	}
	if hash != nil {
		r.KeyConditionExpression = hash.render()
		if rng != nil {
			r.KeyConditionExpression += " AND " + rng.render()
		}
		if st.desc {
			r.ScanIndexForward = new(bool)
		}
	}
	r.FilterExpression = strings.Join(rest, " AND ")
	if in.NextToken != nil {
		start, derr := base64.StdEncoding.DecodeString(*in.NextToken)
		var probe wireItem
		if derr != nil || json.Unmarshal(start, &probe) != nil || len(probe) == 0 {
			return nil, false, validationf("Invalid NextToken")
		}
		r.ExclusiveStartKey = start
	}
	r.placeholders(st)
	return r, hash != nil, nil
}

// keyConditions splits a SELECT's WHERE into the key condition of a Query
// (an equality on the partition key, and a comparison on the sort key) and
// the rest. Without a partition key equality, or when the rest names a key
// attribute (which a Query's filter may not), the whole WHERE is a Scan's
// filter, as DynamoDB Local runs such statements.
func (tg *pqTarget) keyConditions(st *pqStatement) (hash, rng *pqNode, rest []string, err *apiError) {
	var others []*pqNode
	for _, c := range st.where.conjuncts() {
		switch {
		case hash == nil && c.keyName == tg.keys.hash && c.keyOp == "=":
			hash = c
		case rng == nil && c.keyName != "" && c.keyName == tg.keys.rng:
			rng = c
		default:
			others = append(others, c)
		}
	}
	for _, c := range []*pqNode{hash, rng} {
		for _, v := range nodeVals(c) {
			if wireType(v) != tg.types[c.keyName] {
				return nil, nil, nil, keyTypeErr(c.keyName)
			}
		}
	}
	scan := hash == nil
	for _, c := range others {
		text := c.render()
		for _, k := range []string{tg.keys.hash, tg.keys.rng} {
			if ph, ok := st.nameOf[k]; ok && k != "" && usesPlaceholder(text, ph) {
				scan = true
			}
		}
		rest = append(rest, text)
	}
	if scan && st.where == nil {
		return nil, nil, nil, nil
	}
	if scan {
		return nil, nil, []string{st.where.render()}, nil
	}
	return hash, rng, rest, nil
}

func nodeVals(n *pqNode) []*wireValue {
	if n == nil {
		return nil
	}
	return n.vals
}

// project applies a SELECT's paths to an item: each path found is returned
// under its last dotted part ("m.k" as "k", "l[1]" as "l[1]").
func (st *pqStatement) project(it item) item {
	if st.proj == nil {
		return it
	}
	out := item{}
	for _, p := range st.proj {
		if v := resolve(it, p.elems); v != nil {
			out[p.label] = v
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("memdb: " + err.Error()) // only memdb's own request types are marshalled
	}
	return b
}
