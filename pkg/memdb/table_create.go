package memdb

import (
	"sort"
	"strings"
)

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

// createTableInput is the body of a CreateTable request.
type createTableInput struct {
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

func (s *Server) createTable(body []byte) (any, *apiError) {
	var in createTableInput
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
	defs, defNames, err := parseAttrDefs(in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	ks, err := parseKeySchema(in.KeySchema, defs, "KeySchema")
	if err != nil {
		return nil, err
	}
	t := &table{name: in.TableName, attrDefs: in.AttributeDefinitions, ks: ks, keyElems: in.KeySchema,
		created: s.now(), billing: in.BillingMode, store: newStore(), now: s.now,
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
	if err := t.addCreatedIndexes(&in, defs, used); err != nil {
		return nil, err
	}
	if err := checkKeyAttrsDefined(used, defs, defNames); err != nil {
		return nil, err
	}
	if len(t.lsis) > 0 && ks.rng == "" {
		return nil, invalidParam("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
	}
	return s.addTable(t)
}

// parseAttrDefs reads a CreateTable's attribute definitions into a map of
// name to type, beside the names in the order given; a type other than S,
// N or B and a name defined twice are refused.
func parseAttrDefs(list []attrDef) (map[string]string, []string, *apiError) {
	defs := map[string]string{}
	var defNames []string
	for _, d := range list {
		if d.AttributeType != "S" && d.AttributeType != "N" && d.AttributeType != "B" {
			return nil, nil, validationf("1 validation error detected: Value '%s' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]", d.AttributeType)
		}
		if _, dup := defs[d.AttributeName]; dup {
			return nil, nil, invalidParam("Duplicate AttributeName in AttributeDefinitions: %s", d.AttributeName)
		}
		defs[d.AttributeName] = d.AttributeType
		defNames = append(defNames, d.AttributeName)
	}
	return defs, defNames, nil
}

// addCreatedIndexes builds a CreateTable's local, then global, secondary
// indexes onto t, refusing a name used twice, and marks their key
// attributes in used.
func (t *table) addCreatedIndexes(in *createTableInput, defs map[string]string, used map[string]bool) *apiError {
	names := map[string]bool{}
	for i, list := range [][]indexInput{in.LocalSecondaryIndexes, in.GlobalSecondaryIndexes} {
		for _, ii := range list {
			if names[ii.IndexName] {
				return invalidParam("Duplicate index name: %s", ii.IndexName)
			}
			names[ii.IndexName] = true
			ix, err := newIndex(ii, i == 1, t, defs)
			if err != nil {
				return err
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
	return nil
}

// checkKeyAttrsDefined checks that the key attributes used by the table
// and its indexes are exactly the attributes defined (defNames in the
// order given, for the message).
func checkKeyAttrsDefined(used map[string]bool, defs map[string]string, defNames []string) *apiError {
	var missing []string
	for k := range used {
		if _, ok := defs[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]", strings.Join(missing, ", "), strings.Join(defNames, ", "))
	}
	if len(used) != len(defs) {
		return invalidParam("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	return nil
}

// addTable adds the new table t to the server unless one of its name
// exists, and answers CreateTable with its description.
func (s *Server) addTable(t *table) (any, *apiError) {
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
