package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// transport is the HTTP client of one client the injector is attached to.
type transport struct {
	in   *Injector
	next dynamodb.HTTPClient
}

var _ aws.HTTPClient = (*transport)(nil)

// itemOps are the operations faults are injected into.
var itemOps = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "GetItem": true,
	"Query": true, "Scan": true, "BatchWriteItem": true, "BatchGetItem": true,
	"TransactWriteItems": true, "TransactGetItems": true}

func applies(k Kind, op string) bool {
	switch k {
	case Conflict:
		return op == "TransactWriteItems" || op == "PutItem" || op == "UpdateItem" || op == "DeleteItem"
	case Unprocessed:
		return op == "BatchWriteItem" || op == "BatchGetItem"
	}
	return true
}

// fault is what one request gets.
type fault struct {
	kind  Kind
	delay time.Duration // for Stall
}

// pick chooses the fault of one request of op: the first rule that fires,
// else a random draw.
func (in *Injector) pick(op string, req *http.Request) fault {
	if in.off.Load() || !itemOps[op] {
		return fault{}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if f, ok := in.fromRules(op, req); ok {
		return f
	}
	if in.cfg.Rate <= 0 || in.rng.Float64() >= in.cfg.Rate {
		return fault{}
	}
	k := in.cfg.Kinds[in.rng.IntN(len(in.cfg.Kinds))]
	if !applies(k, op) {
		return fault{}
	}
	return fault{kind: k, delay: in.cfg.Stall}
}

// Do sends req through the fault chosen for it.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	op := req.Header.Get("X-Amz-Target")
	op = op[strings.LastIndexByte(op, '.')+1:]
	n, _ := t.in.sent.LoadOrStore(op, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	f := t.in.pick(op, req)
	if f.kind != None {
		t.in.counts[f.kind].Add(1)
	}
	switch f.kind {
	case Error500:
		return respond(req, http.StatusInternalServerError, errorBody("InternalServerError", "injected: internal server error")), nil
	case Error500Lost:
		if err := t.forward(req); err != nil {
			return nil, err
		}
		return respond(req, http.StatusInternalServerError, errorBody("InternalServerError", "injected: internal server error after commit")), nil
	case Reset:
		return nil, reset()
	case ResetLost:
		if err := t.forward(req); err != nil {
			return nil, err
		}
		return nil, reset()
	case Throttle:
		return respond(req, http.StatusBadRequest, errorBody("ThrottlingException", "injected: rate of requests exceeds the allowed throughput")), nil
	case Conflict:
		return respond(req, http.StatusBadRequest, conflictBody(op, req)), nil
	case Stall:
		if err := stall(req, f.delay); err != nil {
			return nil, err
		}
	case Cancel:
		cancelCaller(req.Context())
		return nil, req.Context().Err()
	case CancelLost:
		if err := t.forward(req); err != nil {
			return nil, err
		}
		cancelCaller(req.Context())
		return nil, req.Context().Err()
	case Unprocessed:
		return t.unprocessed(op, req)
	}
	return t.next.Do(req)
}

// stall waits d or until the request's context ends.
func stall(req *http.Request, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

// forward sends req to the server and discards the response.
func (t *transport) forward(req *http.Request) error {
	resp, err := t.next.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func reset() error {
	return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
}

func errorBody(code, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": msg})
	return b
}

// conflictBody is DynamoDB's answer to a write that meets a transaction in
// progress: a cancelled transaction whose first item conflicted, or for a
// single write a TransactionConflictException.
func conflictBody(op string, req *http.Request) []byte {
	if op != "TransactWriteItems" {
		return errorBody("TransactionConflictException", "injected: transaction is ongoing for the item")
	}
	var in struct{ TransactItems []json.RawMessage }
	body, _ := peek(req)
	_ = json.Unmarshal(body, &in)
	reasons := make([]map[string]string, max(len(in.TransactItems), 1))
	codes := make([]string, len(reasons))
	for i := range reasons {
		reasons[i] = map[string]string{"Code": "None"}
		codes[i] = "None"
	}
	reasons[0] = map[string]string{"Code": "TransactionConflict", "Message": "injected: transaction is ongoing for the item"}
	codes[0] = "TransactionConflict"
	b, _ := json.Marshal(map[string]any{
		"__type":              "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"Message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
		"CancellationReasons": reasons,
	})
	return b
}

// peek reads req's body and puts it back.
func peek(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// respond builds a DynamoDB JSON response, with the CRC32 header the SDK checks.
func respond(req *http.Request, status int, body []byte) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}
