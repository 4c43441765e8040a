package memdb

import (
	"fmt"
	"sort"
	"strings"
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
	// mu guards the items and indexes (see locks.go); the schema and
	// settings change only under Server.mu held for writing.
	mu         sync.RWMutex
	keyAttrs   atomic.Pointer[keyAttrs] // built on first use; reset when indexes change
	name       string
	attrDefs   []attrDef
	ks         keySchema
	keyElems   []keyElem
	created    time.Time
	billing    string
	rcu, wcu   int64
	gsis, lsis []*index
	items      map[string]*row
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

func parseKeySchema(elems []keyElem, defs map[string]string, what string) (keySchema, *apiError) {
	var ks keySchema
	if len(elems) == 0 || len(elems) > 2 {
		return ks, invalidParam("%s must have one or two elements", what)
	}
	if elems[0].KeyType != "HASH" {
		return ks, validationf("Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed second")
	}
	ks.hash = elems[0].AttributeName
	if len(elems) == 2 {
		if elems[1].KeyType != "RANGE" {
			return ks, invalidParam("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		if elems[1].AttributeName == ks.hash {
			return ks, invalidParam("Both the Hash Key and the Range Key element in the KeySchema have the same name")
		}
		ks.rng = elems[1].AttributeName
	}
	return ks, nil
}

func checkProvisioned(billing string, tp *throughput, gsis []indexInput) *apiError {
	if billing == "PAY_PER_REQUEST" {
		if tp != nil {
			return invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		return nil
	}
	if tp == nil || tp.ReadCapacityUnits == nil || tp.WriteCapacityUnits == nil {
		return invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	for _, g := range gsis {
		if g.ProvisionedThroughput == nil {
			return invalidParam("ProvisionedThroughput must be specified for index: %s", g.IndexName)
		}
	}
	return nil
}

func (s *Server) createTable(body []byte) (any, *apiError) {
	var in struct {
		TableName                 string
		AttributeDefinitions      []attrDef
		KeySchema                 []keyElem
		LocalSecondaryIndexes     []indexInput
		GlobalSecondaryIndexes    []indexInput
		BillingMode               string
		ProvisionedThroughput     *throughput
		StreamSpecification       *streamSpec
		DeletionProtectionEnabled *bool
		TableClass                string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkTableName(in.TableName, "tableName"); err != nil {
		return nil, err
	}
	if in.BillingMode == "" {
		in.BillingMode = "PROVISIONED"
	}
	if err := checkProvisioned(in.BillingMode, in.ProvisionedThroughput, in.GlobalSecondaryIndexes); err != nil {
		return nil, err
	}
	defs := map[string]string{}
	var defNames []string
	for _, d := range in.AttributeDefinitions {
		if d.AttributeType != "S" && d.AttributeType != "N" && d.AttributeType != "B" {
			return nil, validationf("1 validation error detected: Value '%s' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]", d.AttributeType)
		}
		if _, dup := defs[d.AttributeName]; dup {
			return nil, invalidParam("Duplicate AttributeName in AttributeDefinitions: %s", d.AttributeName)
		}
		defs[d.AttributeName] = d.AttributeType
		defNames = append(defNames, d.AttributeName)
	}
	ks, err := parseKeySchema(in.KeySchema, defs, "KeySchema")
	if err != nil {
		return nil, err
	}
	t := &table{name: in.TableName, attrDefs: in.AttributeDefinitions, ks: ks, keyElems: in.KeySchema,
		created: s.now(), billing: in.BillingMode, items: map[string]*row{}, store: newStore(), now: s.now,
		tableClass: in.TableClass}
	if err := t.enableStream(in.StreamSpecification, t.created, true); err != nil {
		return nil, err
	}
	if in.DeletionProtectionEnabled != nil {
		t.protect = *in.DeletionProtectionEnabled
	}
	if tp := in.ProvisionedThroughput; tp != nil && in.BillingMode == "PROVISIONED" {
		t.rcu, t.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
	}
	used := map[string]bool{ks.hash: true}
	if ks.rng != "" {
		used[ks.rng] = true
	}
	if len(in.LocalSecondaryIndexes) > 0 && ks.rng == "" {
		return nil, validationf("Local Secondary indices are not allowed on hash tables, only hash and range tables")
	}
	names := map[string]bool{}
	for i, list := range [][]indexInput{in.LocalSecondaryIndexes, in.GlobalSecondaryIndexes} {
		for _, ii := range list {
			if names[ii.IndexName] {
				return nil, invalidParam("Duplicate index name: %s", ii.IndexName)
			}
			names[ii.IndexName] = true
			ix, err := newIndex(ii, i == 1, t, defs)
			if err != nil {
				return nil, err
			}
			used[ix.ks.hash] = true
			if ix.ks.rng != "" {
				used[ix.ks.rng] = true
			}
			if i == 0 {
				t.lsis = append(t.lsis, ix)
			} else {
				t.gsis = append(t.gsis, ix)
				t.keyAttrs.Store(nil)
			}
		}
	}
	var missing []string
	for k := range used {
		if _, ok := defs[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]", strings.Join(missing, ", "), strings.Join(defNames, ", "))
	}
	if len(used) != len(defs) {
		return nil, invalidParam("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	if len(t.lsis) > 0 && ks.rng == "" {
		return nil, invalidParam("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &apiError{status: 500, code: "InternalServerError", msg: "memdb: server closed"}
	}
	if s.tables[t.name] != nil {
		return nil, &apiError{status: 400, code: "ResourceInUseException", msg: "Table already exists: " + t.name}
	}
	s.tables[t.name] = t
	return map[string]any{"TableDescription": t.describe("ACTIVE")}, nil
}

func newIndex(ii indexInput, global bool, t *table, defs map[string]string) (*index, *apiError) {
	if len(ii.IndexName) < 3 || len(ii.IndexName) > 255 || !validName(ii.IndexName) {
		return nil, validationf("Invalid table/index name.  Table/index names must be between 3 and 255 characters long, and may contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'")
	}
	ks, err := parseKeySchema(ii.KeySchema, defs, "KeySchema")
	if err != nil {
		return nil, err
	}
	ix := &index{name: ii.IndexName, global: global, ks: ks, keyElems: ii.KeySchema, proj: ii.Projection, store: newStore()}
	if !global {
		if ks.hash != t.ks.hash {
			return nil, invalidParam("Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", ii.IndexName, ks.hash, t.ks.hash)
		}
		if ks.rng == "" {
			return nil, invalidParam("Index KeySchema must have a range key for index: %s", ii.IndexName)
		}
	}
	switch ix.proj.ProjectionType {
	case "ALL", "KEYS_ONLY":
		if len(ix.proj.NonKeyAttributes) > 0 {
			return nil, invalidParam("ProjectionType is %s, but NonKeyAttributes is specified", ix.proj.ProjectionType)
		}
	case "INCLUDE":
		if len(ix.proj.NonKeyAttributes) == 0 {
			return nil, invalidParam("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
		}
	default:
		return nil, invalidParam("Unknown ProjectionType: %s", ix.proj.ProjectionType)
	}
	if tp := ii.ProvisionedThroughput; global && tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
		ix.rcu, ix.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
	}
	return ix, nil
}

func tpDesc(r, w int64) map[string]any {
	return map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": r, "WriteCapacityUnits": w}
}

func (t *table) arn() string { return "arn:aws:dynamodb:us-east-1:000000000000:table/" + t.name }

func (t *table) describe(status string) map[string]any {
	d := map[string]any{
		"TableName":                 t.name,
		"TableStatus":               status,
		"AttributeDefinitions":      t.attrDefs,
		"KeySchema":                 t.keyElems,
		"CreationDateTime":          float64(t.created.UnixMilli()) / 1000,
		"ProvisionedThroughput":     tpDesc(t.rcu, t.wcu),
		"TableSizeBytes":            t.store.bytes,
		"ItemCount":                 t.store.count,
		"TableArn":                  t.arn(),
		"TableId":                   fmt.Sprintf("%08x-0000-0000-0000-000000000000", len(t.name)),
		"DeletionProtectionEnabled": t.protect,
	}
	if t.billing == "PAY_PER_REQUEST" {
		d["BillingModeSummary"] = map[string]any{"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": float64(t.created.UnixMilli()) / 1000}
	}
	if t.tableClass != "" {
		d["TableClassSummary"] = map[string]any{"TableClass": t.tableClass}
	}
	t.describeStream(d)
	var lsis, gsis []any
	for _, ix := range t.lsis {
		lsis = append(lsis, map[string]any{"IndexName": ix.name, "KeySchema": ix.keyElems, "Projection": ix.proj,
			"IndexSizeBytes": ix.store.bytes, "ItemCount": ix.store.count, "IndexArn": t.arn() + "/index/" + ix.name})
	}
	for _, ix := range t.gsis {
		gsis = append(gsis, map[string]any{"IndexName": ix.name, "KeySchema": ix.keyElems, "Projection": ix.proj,
			"IndexStatus": "ACTIVE", "ProvisionedThroughput": map[string]any{"ReadCapacityUnits": ix.rcu, "WriteCapacityUnits": ix.wcu},
			"IndexSizeBytes": ix.store.bytes, "ItemCount": ix.store.count, "IndexArn": t.arn() + "/index/" + ix.name})
	}
	if lsis != nil {
		d["LocalSecondaryIndexes"] = lsis
	}
	if gsis != nil {
		d["GlobalSecondaryIndexes"] = gsis
	}
	return d
}

type tableNameInput struct{ TableName string }

func (s *Server) describeTable(body []byte) (any, *apiError) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return map[string]any{"Table": t.describe("ACTIVE")}, nil
}

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

func (s *Server) listTables(body []byte) (any, *apiError) {
	var in struct {
		ExclusiveStartTableName string
		Limit                   *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 {
			return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
		}
		if *in.Limit > 100 {
			return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", *in.Limit)
		}
		limit = *in.Limit
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		if n > in.ExclusiveStartTableName {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	sort.Strings(names)
	out := map[string]any{}
	if len(names) > limit {
		names = names[:limit]
		out["LastEvaluatedTableName"] = names[limit-1]
	}
	out["TableNames"] = names
	return out, nil
}

func (s *Server) updateTable(body []byte) (any, *apiError) {
	var in struct {
		TableName                   string
		AttributeDefinitions        []attrDef
		BillingMode                 string
		ProvisionedThroughput       *throughput
		GlobalSecondaryIndexUpdates []struct {
			Create *indexInput
			Delete *struct{ IndexName string }
			Update *struct {
				IndexName             string
				ProvisionedThroughput *throughput
			}
		}
		StreamSpecification       *streamSpec
		DeletionProtectionEnabled *bool
		TableClass                string
		ReplicaUpdates            []any
		SSESpecification          map[string]any
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ReplicaUpdates != nil {
		return nil, outOfScope("replicas (UpdateTable ReplicaUpdates)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	defs := map[string]string{}
	for _, d := range t.attrDefs {
		defs[d.AttributeName] = d.AttributeType
	}
	newDefs := append([]attrDef(nil), t.attrDefs...)
	for _, d := range in.AttributeDefinitions {
		if old, ok := defs[d.AttributeName]; ok {
			if old != d.AttributeType {
				return nil, invalidParam("Cannot change the type of an attribute definition: %s", d.AttributeName)
			}
			continue
		}
		defs[d.AttributeName] = d.AttributeType
		newDefs = append(newDefs, d)
	}
	billing := t.billing
	if in.BillingMode != "" {
		billing = in.BillingMode
	}
	if in.BillingMode == "PROVISIONED" && t.billing != "PROVISIONED" && in.ProvisionedThroughput == nil {
		return nil, invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	if billing == "PAY_PER_REQUEST" && in.ProvisionedThroughput != nil {
		return nil, invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Create != nil:
			if t.findIndex(u.Create.IndexName) != nil {
				return nil, invalidParam("Index already exists: %s", u.Create.IndexName)
			}
			if billing == "PROVISIONED" && u.Create.ProvisionedThroughput == nil {
				return nil, invalidParam("ProvisionedThroughput must be specified for index: %s", u.Create.IndexName)
			}
			ix, err := newIndex(*u.Create, true, t, defs)
			if err != nil {
				return nil, err
			}
			for _, k := range []string{ix.ks.hash, ix.ks.rng} {
				if _, ok := defs[k]; k != "" && !ok {
					return nil, invalidParam("Global Secondary Index hash key not specified in Attribute Definitions.Type unknown.")
				}
			}
			t.gsis = append(t.gsis, ix)
			t.keyAttrs.Store(nil)
			for _, r := range t.items {
				t.indexRow(ix, r.pk, r.item)
			}
		case u.Delete != nil:
			found := false
			for i, ix := range t.gsis {
				if ix.name == u.Delete.IndexName {
					t.gsis = append(t.gsis[:i], t.gsis[i+1:]...)
					t.keyAttrs.Store(nil)
					found = true
					break
				}
			}
			if !found {
				return nil, &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found"}
			}
		case u.Update != nil:
			ix := t.findIndex(u.Update.IndexName)
			if ix == nil || !ix.global {
				return nil, &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found"}
			}
			if tp := u.Update.ProvisionedThroughput; tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
				ix.rcu, ix.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
			}
		}
	}
	t.attrDefs = newDefs
	t.billing = billing
	if billing == "PAY_PER_REQUEST" {
		t.rcu, t.wcu = 0, 0
		for _, ix := range t.gsis {
			ix.rcu, ix.wcu = 0, 0
		}
	}
	if tp := in.ProvisionedThroughput; tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
		t.rcu, t.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
	}
	if err := t.enableStream(in.StreamSpecification, s.now(), false); err != nil {
		return nil, err
	}
	if in.DeletionProtectionEnabled != nil {
		t.protect = *in.DeletionProtectionEnabled
	}
	if in.TableClass != "" {
		t.tableClass = in.TableClass
	}
	return map[string]any{"TableDescription": t.describe("ACTIVE")}, nil
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

func (s *Server) updateTimeToLive(body []byte) (any, *apiError) {
	var in struct {
		TableName               string
		TimeToLiveSpecification *struct {
			Enabled       *bool
			AttributeName string
		}
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	if spec == nil || spec.Enabled == nil || spec.AttributeName == "" {
		return nil, validationf("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	switch {
	case *spec.Enabled && t.ttlOn:
		return nil, validationf("TimeToLive is already enabled")
	case !*spec.Enabled && !t.ttlOn:
		return nil, validationf("TimeToLive is already disabled")
	case !*spec.Enabled && spec.AttributeName != t.ttlAttr:
		return nil, validationf("TimeToLive attribute name mismatch: %s != %s", spec.AttributeName, t.ttlAttr)
	}
	t.ttlOn = *spec.Enabled
	t.ttlAttr = spec.AttributeName
	return map[string]any{"TimeToLiveSpecification": map[string]any{"Enabled": t.ttlOn, "AttributeName": spec.AttributeName}}, nil
}

func (s *Server) describeTimeToLive(body []byte) (any, *apiError) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	d := map[string]any{"TimeToLiveStatus": "DISABLED"}
	if t.ttlOn {
		d = map[string]any{"TimeToLiveStatus": "ENABLED", "AttributeName": t.ttlAttr}
	}
	return map[string]any{"TimeToLiveDescription": d}, nil
}
