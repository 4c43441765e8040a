// Package memdb is an in-process DynamoDB: a Server that speaks the DynamoDB
// JSON 1.0 protocol as an http.Handler, and a Client wired to it without a socket,
// so the real aws-sdk-go-v2 client (parsing, typed errors, paginators, waiters)
// runs against it. It is meant for tests and local development; production code
// never imports it.
//
//	db := memdb.New()
//	defer db.Close()
//	client := db.Client()
//
// Beyond items, queries, batches and transactions it records DynamoDB Streams
// and serves the Streams API (StreamsClient; StreamReader hands records to a
// Lambda stream handler as an events.DynamoDBEvent), expires items by TTL on
// an injectable clock (SetClock, SweepTTL, StartTTLSweeper), and runs the
// common subset of PartiQL (ExecuteStatement, BatchExecuteStatement,
// ExecuteTransaction). What memdb does not implement answers with a
// ValidationException that says so.
package memdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Server is an in-memory DynamoDB. It is safe for concurrent use.
type Server struct {
	mu     sync.RWMutex
	tables map[string]*table
	tokMu  sync.Mutex            // guards tokens and tokenOrder
	tokens map[string]tokenEntry // TransactWriteItems idempotency tokens
	// tokenOrder lists the tokens by insertion, for expiry.
	tokenOrder []string
	// retired are the streams of deleted tables, which stay readable
	// (DynamoDB keeps them 24 hours; memdb until Close).
	retired []*changeStream
	closed  bool
	reqID   atomic.Uint64
	clock   atomic.Pointer[func() time.Time]
}

// New returns an empty Server.
func New() *Server {
	s := &Server{tables: map[string]*table{}, tokens: map[string]tokenEntry{}}
	s.SetClock(nil)
	return s
}

// Close drops all tables; requests made after Close fail.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables = map[string]*table{}
	s.tokens, s.tokenOrder = map[string]tokenEntry{}, nil
	s.retired = nil
	s.closed = true
}

type handlerFunc func(s *Server, body []byte) (any, *apiError)

var operations map[string]handlerFunc

func init() {
	operations = map[string]handlerFunc{
		"CreateTable":           (*Server).createTable,
		"DescribeTable":         (*Server).describeTable,
		"ListTables":            (*Server).listTables,
		"DeleteTable":           (*Server).deleteTable,
		"UpdateTable":           (*Server).updateTable,
		"UpdateTimeToLive":      (*Server).updateTimeToLive,
		"DescribeTimeToLive":    (*Server).describeTimeToLive,
		"PutItem":               (*Server).putItem,
		"GetItem":               (*Server).getItem,
		"UpdateItem":            (*Server).updateItem,
		"DeleteItem":            (*Server).deleteItem,
		"Query":                 (*Server).query,
		"Scan":                  (*Server).scan,
		"BatchGetItem":          (*Server).batchGetItem,
		"BatchWriteItem":        (*Server).batchWriteItem,
		"TransactWriteItems":    (*Server).transactWriteItems,
		"TransactGetItems":      (*Server).transactGetItems,
		"DescribeEndpoints":     (*Server).describeEndpoints,
		"DescribeLimits":        (*Server).describeLimits,
		"ExecuteStatement":      (*Server).executeStatement,
		"BatchExecuteStatement": (*Server).batchExecuteStatement,
		"ExecuteTransaction":    (*Server).executeTransaction,
	}
}

// outOfScopeOps are real DynamoDB operations memdb answers with an out-of-scope error.
var outOfScopeOps = map[string]string{
	"CreateBackup": "backups", "DeleteBackup": "backups", "DescribeBackup": "backups", "ListBackups": "backups",
	"RestoreTableFromBackup": "backups", "RestoreTableToPointInTime": "point-in-time recovery",
	"DescribeContinuousBackups": "point-in-time recovery", "UpdateContinuousBackups": "point-in-time recovery",
	"CreateGlobalTable": "global tables", "DescribeGlobalTable": "global tables", "ListGlobalTables": "global tables",
	"UpdateGlobalTable": "global tables", "DescribeGlobalTableSettings": "global tables", "UpdateGlobalTableSettings": "global tables",
	"DescribeTableReplicaAutoScaling": "auto scaling", "UpdateTableReplicaAutoScaling": "auto scaling",
	"ExportTableToPointInTime": "exports", "DescribeExport": "exports", "ListExports": "exports",
	"ImportTable": "imports", "DescribeImport": "imports", "ListImports": "imports",
	"DescribeKinesisStreamingDestination": "Kinesis streaming", "EnableKinesisStreamingDestination": "Kinesis streaming",
	"DisableKinesisStreamingDestination": "Kinesis streaming", "UpdateKinesisStreamingDestination": "Kinesis streaming",
	"DescribeContributorInsights": "contributor insights", "UpdateContributorInsights": "contributor insights",
	"ListContributorInsights": "contributor insights",
	"TagResource":             "tagging", "UntagResource": "tagging", "ListTagsOfResource": "tagging",
	"GetResourcePolicy": "resource policies", "PutResourcePolicy": "resource policies", "DeleteResourcePolicy": "resource policies",
}

// ServeHTTP implements the DynamoDB JSON 1.0 protocol (POST, X-Amz-Target header).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r.Body, r.ContentLength)
	status, out := 400, []byte(nil)
	switch {
	case err == errBodyTooLarge:
		status, out = tooLarge()
	case err != nil:
		status, out = s.errorBody(serializationErr("cannot read request body"))
	default:
		status, out = s.handle(r.Method, r.Header.Get("X-Amz-Target"), body)
	}
	for k, v := range s.headers(out) {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	w.Write(out)
}

// handle runs one request and returns the HTTP status and JSON body.
func (s *Server) handle(method, target string, body []byte) (int, []byte) {
	out, aerr := s.dispatch(method, target, body)
	if aerr != nil {
		return s.errorBody(aerr)
	}
	buf, jerr := appendJSON(make([]byte, 0, 1024), out)
	if jerr != nil {
		return s.errorBody(&apiError{status: 500, code: "InternalServerError", msg: jerr.Error()})
	}
	return 200, buf
}

// headers are the response headers DynamoDB sends, including the CRC32 of the body.
func (s *Server) headers(body []byte) http.Header {
	return http.Header{
		"Content-Type":     {"application/x-amz-json-1.0"},
		"X-Amz-Crc32":      {strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)},
		"X-Amzn-Requestid": {"MEMDB" + strconv.FormatUint(s.reqID.Add(1), 10)},
		"Content-Length":   {strconv.Itoa(len(body))},
	}
}

func (s *Server) dispatch(method, target string, body []byte) (any, *apiError) {
	if method != http.MethodPost {
		return nil, &apiError{status: 400, code: "UnknownOperationException", msg: ""}
	}
	op, ok := strings.CutPrefix(target, "DynamoDB_20120810.")
	if sop, isStreams := strings.CutPrefix(target, "DynamoDBStreams_20120810."); !ok && isStreams {
		return s.dispatchStreams(sop, body)
	}
	if !ok {
		return nil, &apiError{status: 400, code: "UnknownOperationException", msg: ""}
	}
	h, ok := operations[op]
	if !ok {
		if what, known := outOfScopeOps[op]; known {
			return nil, outOfScope(what + " (" + op + ")")
		}
		return nil, &apiError{status: 400, code: "UnknownOperationException", msg: ""}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	return h(s, body)
}

func (s *Server) errorBody(e *apiError) (int, []byte) {
	m := map[string]any{"__type": e.wireType()}
	if e.msg != "" || e.code != "UnknownOperationException" {
		m["message"] = e.msg
	}
	for k, v := range e.extra {
		m[k] = v
	}
	buf, _ := appendJSON(nil, m)
	return e.status, buf
}

// decode unmarshals a request body, answering DynamoDB's SerializationException on bad JSON.
func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return serializationErr("Start of structure or map found where not expected")
	}
	return nil
}

func (s *Server) describeEndpoints(body []byte) (any, *apiError) {
	return map[string]any{"Endpoints": []any{map[string]any{"Address": "memdb.local", "CachePeriodInMinutes": 1440}}}, nil
}

func (s *Server) describeLimits(body []byte) (any, *apiError) {
	return map[string]any{"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
		"TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}, nil
}

// ---- in-memory transport ----

// transport is an aws.HTTPClient that calls the Server directly, without a socket.
type transport struct{ s *Server }

// ErrClosed is the error of every request a Client sends after the
// server's Close. The SDK does not retry it (a 500 would be retried, with
// seconds of backoff, although no retry can succeed).
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string { return "memdb: server closed" }

// RetryableError tells the SDK's retryer that a retry cannot succeed.
func (closedError) RetryableError() bool { return false }

func (t transport) Do(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if t.s.isClosed() {
		return nil, ErrClosed
	}
	var body []byte
	status, out := 0, []byte(nil)
	if req.Body != nil {
		var err error
		if body, err = readBody(req.Body, req.ContentLength); err == errBodyTooLarge {
			status, out = tooLarge()
		} else if err != nil {
			return nil, err
		}
	}
	if status == 0 {
		status, out = t.s.handle(req.Method, req.Header.Get("X-Amz-Target"), body)
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        t.s.headers(out),
		Body:          io.NopCloser(bytes.NewReader(out)),
		ContentLength: int64(len(out)),
		Request:       req,
	}, nil
}

// inProcessEndpoint is the endpoint of the clients that reach a Server without a socket.
const inProcessEndpoint = "http://memdb.local"

// inProcessCredentials are the clients' credentials: anonymous, so the SDK
// does not sign requests (memdb checks no signature; SigV4 signing was about
// a fifth of a call's cost through the SDK and 55 of its allocations).
var inProcessCredentials aws.CredentialsProvider = aws.AnonymousCredentials{}

// Client returns a real *dynamodb.Client wired to s through an in-memory transport.
// Options may be adjusted with optFns (they run after memdb's defaults).
func (s *Server) Client(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	opts := dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(inProcessEndpoint),
		Credentials:  inProcessCredentials,
		HTTPClient:   transport{s},
	}
	return dynamodb.New(opts, optFns...)
}

// maxRequestBytes is the largest request body DynamoDB accepts (16 MiB);
// larger ones are answered 413, as DynamoDB Local answers them.
const maxRequestBytes = 16 << 20

var errBodyTooLarge = errors.New("memdb: request body over 16 MiB")

// readBody reads a request body of at most maxRequestBytes.
func readBody(r io.Reader, length int64) ([]byte, error) {
	if length > maxRequestBytes {
		return nil, errBodyTooLarge
	}
	if length > 0 {
		body := make([]byte, length)
		_, err := io.ReadFull(r, body)
		return body, err
	}
	body, err := io.ReadAll(io.LimitReader(r, maxRequestBytes+1))
	if len(body) > maxRequestBytes {
		return nil, errBodyTooLarge
	}
	return body, err
}

func tooLarge() (int, []byte) {
	return http.StatusRequestEntityTooLarge, []byte(`{"Message":""}`)
}
