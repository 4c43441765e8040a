package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// RecordEnv names a file to which every request the test client sends is
// appended, one line each: the operation and its JSON body, normalised so
// that two runs of the suite can be compared (map keys sorted; random table
// suffixes, idempotency tokens, ULIDs and wall-clock times replaced by
// placeholders). Sorting the file gives a run's multiset of requests:
//
//	DYNAMORM_RECORD_REQUESTS=/tmp/before.txt go test ./tests/...
//	sort /tmp/before.txt > before.sorted
//
// A refactor that must not change what is sent compares the sorted files of
// a run before and after it.
const RecordEnv = "DYNAMORM_RECORD_REQUESTS"

// recording wraps c's HTTP client with a recorder when RecordEnv is set.
func recording(c *dynamodb.Client) (*dynamodb.Client, error) {
	path := os.Getenv(RecordEnv)
	if path == "" {
		return c, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", RecordEnv, err)
	}
	return dynamodb.New(c.Options(), func(o *dynamodb.Options) {
		o.HTTPClient = &recorder{next: o.HTTPClient, out: f}
	}), nil
}

type recorder struct {
	next dynamodb.HTTPClient
	mu   sync.Mutex
	out  io.Writer
}

var _ aws.HTTPClient = (*recorder)(nil)

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		line := req.Header.Get("X-Amz-Target") + " " + normalise(body) + "\n"
		r.mu.Lock()
		_, _ = io.WriteString(r.out, line)
		r.mu.Unlock()
	}
	return r.next.Do(req)
}

var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`_[0-9a-f]{12}([^0-9a-f]|$)`), "_SUFFIX$1"},
	{regexp.MustCompile(`"ClientRequestToken":"[^"]*"`), `"ClientRequestToken":"TOKEN"`},
	{regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{26}\b`), "ULID"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?`), "TIME"},
	{regexp.MustCompile(`shardId-[0-9]+-[0-9a-f]+`), "SHARD"},
	{regexp.MustCompile(`"N":"1[78]\d{8}"`), `"N":"UNIXTIME"`},
}

// normalise re-encodes a JSON body with sorted keys and replaces volatile
// values by placeholders.
func normalise(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	s := string(b)
	for _, x := range volatile {
		s = x.re.ReplaceAllString(s, x.with)
	}
	return s
}
