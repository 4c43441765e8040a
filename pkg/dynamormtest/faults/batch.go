package faults

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// unprocessed sends part of a BatchWriteItem or BatchGetItem (the requests
// of each table after a random cut) and returns the rest as unprocessed,
// merged with what the server itself left unprocessed.
func (t *transport) unprocessed(op string, req *http.Request) (*http.Response, error) {
	body, err := peek(req)
	if err != nil {
		return nil, err
	}
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return t.next.Do(req)
	}
	sent, kept := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	if op == "BatchWriteItem" {
		t.in.splitWrites(msg["RequestItems"], sent, kept)
	} else {
		t.in.splitKeys(msg["RequestItems"], sent, kept)
	}
	field := "UnprocessedItems"
	if op == "BatchGetItem" {
		field = "UnprocessedKeys"
	}
	out := map[string]json.RawMessage{}
	if len(sent) > 0 {
		msg["RequestItems"] = mustJSON(sent)
		r := req.Clone(req.Context())
		b := mustJSON(msg)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		resp, err := t.next.Do(r)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		rb, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(rb, &out) != nil {
			return respond(req, resp.StatusCode, rb), nil
		}
	}
	out[field] = mergeUnprocessed(op, out[field], kept)
	return respond(req, http.StatusOK, mustJSON(out)), nil
}

// splitWrites cuts each table's write requests: the first part is sent, the
// rest kept back (at least one request of the batch is kept back).
func (in *Injector) splitWrites(raw json.RawMessage, sent, kept map[string]json.RawMessage) {
	var items map[string][]json.RawMessage
	_ = json.Unmarshal(raw, &items)
	for table, reqs := range items {
		cut := in.cut(len(reqs))
		if cut > 0 {
			sent[table] = mustJSON(reqs[:cut])
		}
		kept[table] = mustJSON(reqs[cut:])
	}
}

// splitKeys cuts each table's keys as splitWrites cuts write requests; the
// kept keys carry their table's projection and consistency.
func (in *Injector) splitKeys(raw json.RawMessage, sent, kept map[string]json.RawMessage) {
	var items map[string]map[string]json.RawMessage
	_ = json.Unmarshal(raw, &items)
	for table, ka := range items {
		var keys []json.RawMessage
		_ = json.Unmarshal(ka["Keys"], &keys)
		cut := in.cut(len(keys))
		if cut > 0 {
			ka["Keys"] = mustJSON(keys[:cut])
			sent[table] = mustJSON(ka)
		}
		ka["Keys"] = mustJSON(keys[cut:])
		kept[table] = mustJSON(ka)
	}
}

// cut draws how many of n requests are sent: 0 to n-1.
func (in *Injector) cut(n int) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rng.IntN(max(n, 1))
}

// mergeUnprocessed adds kept to the server's own unprocessed requests.
func mergeUnprocessed(op string, server json.RawMessage, kept map[string]json.RawMessage) json.RawMessage {
	if op == "BatchWriteItem" {
		var all map[string][]json.RawMessage
		_ = json.Unmarshal(server, &all)
		if all == nil {
			all = map[string][]json.RawMessage{}
		}
		for table, raw := range kept {
			var reqs []json.RawMessage
			_ = json.Unmarshal(raw, &reqs)
			all[table] = append(all[table], reqs...)
		}
		return mustJSON(all)
	}
	var all map[string]map[string]json.RawMessage
	_ = json.Unmarshal(server, &all)
	if all == nil {
		all = map[string]map[string]json.RawMessage{}
	}
	for table, raw := range kept {
		var ka map[string]json.RawMessage
		_ = json.Unmarshal(raw, &ka)
		if have, ok := all[table]; ok {
			var a, b []json.RawMessage
			_ = json.Unmarshal(have["Keys"], &a)
			_ = json.Unmarshal(ka["Keys"], &b)
			ka["Keys"] = mustJSON(append(a, b...))
		}
		all[table] = ka
	}
	return mustJSON(all)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
