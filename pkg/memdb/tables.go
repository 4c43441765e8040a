package memdb

import (
	"sync"
	"sync/atomic"
	"time"
)

type attrDef struct {
	AttributeName string
	AttributeType string
}

type keyElem struct {
	AttributeName string
	KeyType       string
}

type projection struct {
	ProjectionType   string   `json:",omitempty"`
	NonKeyAttributes []string `json:",omitempty"`
}

type throughput struct {
	ReadCapacityUnits  *int64
	WriteCapacityUnits *int64
}

type indexInput struct {
	IndexName             string
	KeySchema             []keyElem
	Projection            projection
	ProvisionedThroughput *throughput
}

// index is a secondary index and its ordered entries.
type index struct {
	mu       sync.RWMutex // guards the rows of store (see locks.go)
	name     string
	global   bool
	ks       keySchema
	keyElems []keyElem
	proj     projection
	rcu, wcu int64
	store    *store
}

// table is one table: schema, settings, items and indexes.
type table struct {
	// parts are the partition locks and the items by primary key, in
	// shards by partition (see locks.go); the schema and settings change
	// only under Server.mu held for writing.
	parts      [partStripes]partShard
	keyAttrs   atomic.Pointer[keyAttrs] // built on first use; reset when indexes change
	name       string
	attrDefs   []attrDef
	ks         keySchema
	keyElems   []keyElem
	created    time.Time
	billing    string
	rcu, wcu   int64
	gsis, lsis []*index
	store      *store
	ttlAttr    string
	ttlOn      bool
	changes    *changeStream   // the latest stream (enabled or not), nil if never enabled
	streams    []*changeStream // every stream of the table, oldest first
	now        func() time.Time
	protect    bool
	tableClass string
}

// validName checks DynamoDB's table and index name pattern [a-zA-Z0-9_.-]+.
func validName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return name != ""
}

func checkTableName(name, field string) *apiError {
	switch {
	case name == "":
		return validationf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	case len(name) < 3:
		return validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 3", name, field)
	case len(name) > 255:
		return validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 255", name, field)
	case !validName(name):
		return validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name, field)
	}
	return nil
}

// lookup returns the named table (caller holds s.mu).
func (s *Server) lookup(name string) (*table, *apiError) {
	if s.closed {
		return nil, &apiError{status: 500, code: "InternalServerError", msg: "memdb: server closed"}
	}
	if err := checkTableName(name, "tableName"); err != nil {
		return nil, err
	}
	t := s.tables[name]
	if t == nil {
		return nil, resourceNotFound()
	}
	return t, nil
}

// tableNamed is the prepare step (see locked) of a request on the named
// table that locks no partition before it runs.
func (s *Server) tableNamed(name string) func() (*table, []partRef, *apiError) {
	return func() (*table, []partRef, *apiError) {
		t, err := s.lookup(name)
		return t, nil, err
	}
}

func (t *table) findIndex(name string) *index {
	for _, ix := range t.gsis {
		if ix.name == name {
			return ix
		}
	}
	for _, ix := range t.lsis {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

type tableNameInput struct{ TableName string }

func (s *Server) deleteTable(body []byte) (any, *apiError) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	if t.protect {
		return nil, validationf("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	delete(s.tables, t.name)
	s.retireStreams(t)
	return map[string]any{"TableDescription": t.describe("DELETING")}, nil
}
