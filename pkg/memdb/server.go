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
// What memdb does not implement answers with a ValidationException that says so.
package memdb

import (
	"bytes"
	"context"
	"encoding/json"
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
	tokens map[string]tokenEntry // TransactWriteItems idempotency tokens
	closed bool
	reqID  atomic.Uint64
	now    func() time.Time
}

// New returns an empty Server.
func New() *Server {
	return &Server{tables: map[string]*table{}, tokens: map[string]tokenEntry{}, now: time.Now}
}

// Close drops all tables; requests made after Close fail.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables = map[string]*table{}
	s.tokens = map[string]tokenEntry{}
	s.closed = true
}

type handlerFunc func(s *Server, body []byte) (any, *apiError)

var operations map[string]handlerFunc

func init() {
	operations = map[string]handlerFunc{
		"CreateTable":        (*Server).createTable,
		"DescribeTable":      (*Server).describeTable,
		"ListTables":         (*Server).listTables,
		"DeleteTable":        (*Server).deleteTable,
		"UpdateTable":        (*Server).updateTable,
		"UpdateTimeToLive":   (*Server).updateTimeToLive,
		"DescribeTimeToLive": (*Server).describeTimeToLive,
		"PutItem":            (*Server).putItem,
		"GetItem":            (*Server).getItem,
		"UpdateItem":         (*Server).updateItem,
		"DeleteItem":         (*Server).deleteItem,
		"Query":              (*Server).query,
		"Scan":               (*Server).scan,
		"BatchGetItem":       (*Server).batchGetItem,
		"BatchWriteItem":     (*Server).batchWriteItem,
		"TransactWriteItems": (*Server).transactWriteItems,
		"TransactGetItems":   (*Server).transactGetItems,
		"DescribeEndpoints":  (*Server).describeEndpoints,
		"DescribeLimits":     (*Server).describeLimits,
	}
}

// outOfScopeOps are real DynamoDB operations memdb answers with an out-of-scope error.
var outOfScopeOps = map[string]string{
	"ExecuteStatement": "PartiQL", "BatchExecuteStatement": "PartiQL", "ExecuteTransaction": "PartiQL",
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
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, serializationErr("cannot read request body"))
		return
	}
	out, aerr := s.dispatch(r.Method, r.Header.Get("X-Amz-Target"), body)
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	buf, jerr := appendJSON(make([]byte, 0, 256), out)
	if jerr != nil {
		s.writeError(w, &apiError{status: 500, code: "InternalServerError", msg: jerr.Error()})
		return
	}
	s.write(w, 200, buf)
}

func (s *Server) dispatch(method, target string, body []byte) (any, *apiError) {
	if method != http.MethodPost {
		return nil, &apiError{status: 400, code: "UnknownOperationException", msg: ""}
	}
	op, ok := strings.CutPrefix(target, "DynamoDB_20120810.")
	if !ok && strings.HasPrefix(target, "DynamoDBStreams_20120810.") {
		return nil, outOfScope("DynamoDB Streams (" + strings.TrimPrefix(target, "DynamoDBStreams_20120810.") + ")")
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

func (s *Server) write(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	h.Set("X-Amzn-Requestid", "MEMDB"+strconv.FormatUint(s.reqID.Add(1), 10))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	m := map[string]any{"__type": e.wireType()}
	if e.msg != "" || e.code != "UnknownOperationException" {
		m["message"] = e.msg
	}
	for k, v := range e.extra {
		m[k] = v
	}
	buf, _ := json.Marshal(m)
	s.write(w, e.status, buf)
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

type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func (t transport) Do(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := &recorder{header: make(http.Header, 5), code: 200}
	if req.Body == nil {
		req.Body = http.NoBody
	}
	t.s.ServeHTTP(rec, req)
	return &http.Response{
		Status:        strconv.Itoa(rec.code) + " " + http.StatusText(rec.code),
		StatusCode:    rec.code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.buf.Bytes())),
		ContentLength: int64(rec.buf.Len()),
		Request:       req,
	}, nil
}

// Client returns a real *dynamodb.Client wired to s through an in-memory transport.
// Options may be adjusted with optFns (they run after memdb's defaults).
func (s *Server) Client(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	opts := dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://memdb.local"),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "memdb", SecretAccessKey: "memdb", Source: "memdb"}, nil
		})),
		HTTPClient: transport{s},
	}
	return dynamodb.New(opts, optFns...)
}
