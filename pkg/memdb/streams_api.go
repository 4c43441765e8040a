package memdb

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"sort"
	"strconv"
	"strings"
)

// The DynamoDB Streams API (target prefix DynamoDBStreams_20120810), so that
// a dynamodbstreams.Client works against memdb. Error messages are DynamoDB
// Local's.

var streamOperations = map[string]handlerFunc{
	"ListStreams":      (*Server).listStreams,
	"DescribeStream":   (*Server).describeStream,
	"GetShardIterator": (*Server).getShardIterator,
	"GetRecords":       (*Server).getRecords,
}

func (s *Server) dispatchStreams(op string, body []byte) (any, *apiError) {
	h, ok := streamOperations[op]
	if !ok {
		return nil, &apiError{status: 400, code: "UnknownOperationException", msg: ""}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	return h(s, body)
}

// findStream returns the stream with the given ARN (caller holds s.mu).
func (s *Server) findStream(arn string) (*changeStream, *apiError) {
	if s.closed {
		return nil, &apiError{status: 500, code: "InternalServerError", msg: "memdb: server closed"}
	}
	// Live tables first, newest stream first: under an injected clock a
	// table deleted and created again can reuse an ARN.
	for _, t := range s.tables {
		for i := len(t.streams) - 1; i >= 0; i-- {
			if t.streams[i].arn == arn {
				return t.streams[i], nil
			}
		}
	}
	for i := len(s.retired) - 1; i >= 0; i-- {
		if s.retired[i].arn == arn {
			return s.retired[i], nil
		}
	}
	return nil, &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found: Stream: " + arn + " not found"}
}

// allStreams lists the streams of every table, deleted ones included, by
// table name and, per table, newest first as DynamoDB Local lists them
// (caller holds s.mu).
func (s *Server) allStreams() []*changeStream {
	all := append([]*changeStream(nil), s.retired...)
	for _, t := range s.tables {
		all = append(all, t.streams...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].table != all[j].table {
			return all[i].table < all[j].table
		}
		return all[i].created.After(all[j].created)
	})
	return all
}

// retireStreams keeps the streams of a table being deleted, disabled
// (caller holds s.mu for writing).
func (s *Server) retireStreams(t *table) {
	for _, cs := range t.streams {
		cs.mu.Lock()
		cs.enabled = false
		cs.mu.Unlock()
	}
	s.retired = append(s.retired, t.streams...)
}

func limitErr(n int, max int) *apiError {
	if n < 1 {
		return validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
	}
	return validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", n, max)
}

func (s *Server) listStreams(body []byte) (any, *apiError) {
	var in struct {
		TableName               string
		Limit                   *int
		ExclusiveStartStreamArn string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, limitErr(*in.Limit, 100)
		}
		limit = *in.Limit
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*changeStream
	for _, cs := range s.allStreams() {
		if in.TableName == "" || cs.table == in.TableName {
			all = append(all, cs)
		}
	}
	if in.ExclusiveStartStreamArn != "" {
		for i, cs := range all {
			if cs.arn == in.ExclusiveStartStreamArn {
				all = all[i+1:]
				break
			}
		}
	}
	out := map[string]any{}
	if len(all) > limit {
		all = all[:limit]
		out["LastEvaluatedStreamArn"] = all[limit-1].arn
	}
	list := make([]any, len(all))
	for i, cs := range all {
		list[i] = map[string]any{"StreamArn": cs.arn, "TableName": cs.table, "StreamLabel": cs.label}
	}
	out["Streams"] = list
	return out, nil
}

func (s *Server) describeStream(body []byte) (any, *apiError) {
	var in struct {
		StreamArn string
		Limit     *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 100) {
		return nil, limitErr(*in.Limit, 100)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs, err := s.findStream(in.StreamArn)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	rng := map[string]any{"StartingSequenceNumber": seqString(1)}
	status := "ENABLED"
	if !cs.enabled {
		status = "DISABLED"
		rng["EndingSequenceNumber"] = seqString(uint64(len(cs.records)))
	}
	return map[string]any{"StreamDescription": map[string]any{
		"StreamArn": cs.arn, "StreamLabel": cs.label, "StreamStatus": status, "StreamViewType": cs.viewType,
		"CreationRequestDateTime": float64(cs.created.UnixMilli()) / 1000, "TableName": cs.table,
		"KeySchema": cs.keyElems,
		"Shards":    []any{map[string]any{"ShardId": cs.shardID, "SequenceNumberRange": rng}},
	}}, nil
}

// shardIterator is the decoded form of a shard iterator: the stream, and
// the sequence number of the next record to return.
type shardIterator struct {
	arn  string
	next uint64
}

func (it shardIterator) String() string {
	return it.arn + "|memdb|" + base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatUint(it.next, 10)))
}

func parseShardIterator(s string) (shardIterator, bool) {
	arn, enc, ok := strings.Cut(s, "|memdb|")
	if !ok {
		return shardIterator{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return shardIterator{}, false
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	return shardIterator{arn: arn, next: n}, err == nil && n > 0
}

func (s *Server) getShardIterator(body []byte) (any, *apiError) {
	var in struct {
		StreamArn         string
		ShardId           string
		ShardIteratorType string
		SequenceNumber    *string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs, err := s.findStream(in.StreamArn)
	if err != nil {
		return nil, err
	}
	if in.ShardId != cs.shardID {
		return nil, &apiError{status: 400, code: "ResourceNotFoundException", msg: "Shard does not exist"}
	}
	cs.mu.Lock()
	n := uint64(len(cs.records))
	cs.mu.Unlock()
	it := shardIterator{arn: cs.arn}
	switch in.ShardIteratorType {
	case "TRIM_HORIZON":
		it.next = 1
	case "LATEST":
		it.next = n + 1
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		if in.SequenceNumber == nil {
			return nil, invalidParam("Invalid SequenceNumber")
		}
		if n := len(*in.SequenceNumber); n < seqDigits || n > 40 {
			bound := "greater than or equal to 21"
			if n > 40 {
				bound = "less than or equal to 40"
			}
			return nil, validationf("1 validation error detected: Value '%s' at 'sequenceNumber' failed to satisfy constraint: Member must have length %s", *in.SequenceNumber, bound)
		}
		seq, perr := strconv.ParseUint(*in.SequenceNumber, 10, 64)
		if perr != nil {
			return nil, invalidParam("Invalid SequenceNumber")
		}
		if seq == 0 {
			return nil, invalidParam("Invalid SequenceNumber for the shard")
		}
		it.next = seq
		if in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			it.next++
		}
	default:
		return nil, validationf("Invalid ShardIteratorType.")
	}
	return map[string]any{"ShardIterator": it.String()}, nil
}

func (s *Server) getRecords(body []byte) (any, *apiError) {
	var in struct {
		ShardIterator string
		Limit         *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := maxRecordsLimit
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > maxRecordsLimit {
			return nil, limitErr(*in.Limit, maxRecordsLimit)
		}
		limit = *in.Limit
	}
	it, ok := parseShardIterator(in.ShardIterator)
	if !ok {
		return nil, validationf("Invalid ShardIterator")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs, err := s.findStream(it.arn)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var recs []any
	for it.next <= uint64(len(cs.records)) && len(recs) < limit {
		recs = append(recs, cs.wireRecord(&cs.records[it.next-1]))
		it.next++
	}
	out := map[string]any{"Records": recs}
	if recs == nil {
		out["Records"] = []any{}
	}
	if cs.enabled || it.next <= uint64(len(cs.records)) {
		out["NextShardIterator"] = it.String()
	}
	return out, nil
}

// ttlIdentity is the userIdentity of records of items the TTL process deleted.
var ttlIdentity = map[string]any{"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}

// wireRecord renders r as GetRecords returns it.
func (cs *changeStream) wireRecord(r *streamRecord) map[string]any {
	change := map[string]any{
		"ApproximateCreationDateTime": float64(r.at.Unix()),
		"Keys":                        r.keys,
		"SequenceNumber":              seqString(r.seq),
		"SizeBytes":                   r.size,
		"StreamViewType":              cs.viewType,
	}
	if r.newImg != nil {
		change["NewImage"] = r.newImg
	}
	if r.oldImg != nil {
		change["OldImage"] = r.oldImg
	}
	out := map[string]any{
		"eventID":      eventID(cs.shardID, r.seq),
		"eventName":    r.event,
		"eventVersion": "1.1",
		"eventSource":  "aws:dynamodb",
		"awsRegion":    region,
		"dynamodb":     change,
	}
	if r.byTTL {
		out["userIdentity"] = ttlIdentity
	}
	return out
}

// eventID is a stable, unique id in UUID form for record seq of a shard.
func eventID(shard string, seq uint64) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", crc32.ChecksumIEEE([]byte(shard)), seq)
}
