package dynamorm

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// checkTable compares an existing table with the one the model would
// create: the table's key attributes (names and types) and the keys of
// every index the table and the model both have, and, when missingToo, the
// indexes the table lacks. It returns an error listing every mismatch, or
// nil when the table serves the model.
func checkTable(md *model.Model, want *dynamodb.CreateTableInput, have *types.TableDescription, missingToo bool) error {
	var diffs []string
	wantTypes, haveTypes := attrTypes(want.AttributeDefinitions), attrTypes(have.AttributeDefinitions)
	diffs = append(diffs, keyDiffs("table", want.KeySchema, wantTypes, have.KeySchema, haveTypes)...)

	haveIdx := map[string][]types.KeySchemaElement{}
	haveKind := map[string]string{}
	for _, g := range have.GlobalSecondaryIndexes {
		haveIdx[aws.ToString(g.IndexName)], haveKind[aws.ToString(g.IndexName)] = g.KeySchema, "global"
	}
	for _, l := range have.LocalSecondaryIndexes {
		haveIdx[aws.ToString(l.IndexName)], haveKind[aws.ToString(l.IndexName)] = l.KeySchema, "local"
	}
	check := func(name, kind string, ks []types.KeySchemaElement) {
		hks, ok := haveIdx[name]
		switch {
		case !ok:
			if missingToo {
				diffs = append(diffs, fmt.Sprintf("the table has no %s secondary index %q (AutoMigrate adds a missing global one)", kind, name))
			}
			return
		case haveKind[name] != kind:
			diffs = append(diffs, fmt.Sprintf("index %q is a %s secondary index in the table, a %s one in the model", name, haveKind[name], kind))
		}
		diffs = append(diffs, keyDiffs(fmt.Sprintf("index %q", name), ks, wantTypes, hks, haveTypes)...)
	}
	for _, g := range want.GlobalSecondaryIndexes {
		check(aws.ToString(g.IndexName), "global", g.KeySchema)
	}
	for _, l := range want.LocalSecondaryIndexes {
		check(aws.ToString(l.IndexName), "local", l.KeySchema)
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: table %s does not match model %s: %s", core.ErrValidation, aws.ToString(want.TableName), md.Name(), strings.Join(diffs, "; "))
}

func attrTypes(defs []types.AttributeDefinition) map[string]types.ScalarAttributeType {
	m := make(map[string]types.ScalarAttributeType, len(defs))
	for _, d := range defs {
		m[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	return m
}

// keyDiffs compares the partition and sort keys of one key schema.
func keyDiffs(what string, want []types.KeySchemaElement, wantTypes map[string]types.ScalarAttributeType,
	have []types.KeySchemaElement, haveTypes map[string]types.ScalarAttributeType) []string {
	var diffs []string
	for _, role := range []struct {
		kind types.KeyType
		name string
	}{{types.KeyTypeHash, "partition key"}, {types.KeyTypeRange, "sort key"}} {
		w, h := keyNamed(want, role.kind), keyNamed(have, role.kind)
		describe := func(attr string, ts map[string]types.ScalarAttributeType) string {
			if attr == "" {
				return "none"
			}
			return fmt.Sprintf("%q (%s)", attr, ts[attr])
		}
		wd, hd := describe(w, wantTypes), describe(h, haveTypes)
		if wd != hd {
			diffs = append(diffs, fmt.Sprintf("%s %s is %s in the table, %s in the model", what, role.name, hd, wd))
		}
	}
	return diffs
}

func keyNamed(ks []types.KeySchemaElement, kind types.KeyType) string {
	for _, k := range ks {
		if k.KeyType == kind {
			return aws.ToString(k.AttributeName)
		}
	}
	return ""
}
