// Package difftest is a randomized differential tester: it generates random
// tables, items and requests, sends each to memdb and to DynamoDB Local, and
// compares the normalised responses (see difftest_test.go). Divergences are
// shrunk to a minimal sequence of requests.
package difftest

import (
	"fmt"
	"math/rand"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// AV is an attribute value.
type AV = types.AttributeValue

// Item is an item or key.
type Item = map[string]types.AttributeValue

// Schema is a random table: key attributes and types, and its indexes.
type Schema struct {
	Name          string
	HashType      string // S, N or B
	RangeType     string // "" for a hash-only table
	GSIs, LSIs    []Index
	IndexKeyTypes map[string]string // attribute name -> type, for index keys
}

// Index is a secondary index of a Schema.
type Index struct {
	Name, Hash, Range string
	Projection        types.ProjectionType
	NonKey            []string
}

// attrs are the non-key attribute names items use; g1/g2/l1 double as index keys.
var attrs = []string{"a", "b", "c", "m", "l", "s", "g1", "g2", "l1"}

// Gen makes random schemas, values and requests from one seeded source.
type Gen struct {
	r      *rand.Rand
	schema *Schema
	keys   []Item // keys of items written so far, to aim requests at
}

// NewGen returns a generator for seed.
func NewGen(seed int64) *Gen { return &Gen{r: rand.New(rand.NewSource(seed))} }

func (g *Gen) pick(n int) int           { return g.r.Intn(n) }
func (g *Gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *Gen) oneOf(s ...string) string { return s[g.pick(len(s))] }

// NewSchema makes a random table definition named name.
func (g *Gen) NewSchema(name string) *Schema {
	s := &Schema{Name: name, HashType: g.oneOf("S", "N", "B"), IndexKeyTypes: map[string]string{}}
	if g.chance(0.7) {
		s.RangeType = g.oneOf("S", "N", "B")
	}
	proj := func(ix *Index) {
		ix.Projection = []types.ProjectionType{types.ProjectionTypeAll, types.ProjectionTypeKeysOnly, types.ProjectionTypeInclude}[g.pick(3)]
		if ix.Projection == types.ProjectionTypeInclude {
			ix.NonKey = []string{g.oneOf("a", "b", "m"), g.oneOf("c", "l", "s")}
		}
	}
	for i, n := 0, g.pick(3); i < n; i++ {
		ix := Index{Name: fmt.Sprintf("gsi%d", i), Hash: []string{"g1", "g2"}[i%2]}
		s.IndexKeyTypes[ix.Hash] = g.oneOf("S", "N", "B")
		if g.chance(0.5) {
			ix.Range = "sk"
			if s.RangeType == "" || g.chance(0.5) {
				ix.Range = "l1"
			}
		}
		proj(&ix)
		s.GSIs = append(s.GSIs, ix)
	}
	if s.RangeType != "" && g.chance(0.5) {
		ix := Index{Name: "lsi0", Hash: "pk", Range: "l1"}
		proj(&ix)
		s.LSIs = append(s.LSIs, ix)
	}
	for _, ix := range append(append([]Index(nil), s.GSIs...), s.LSIs...) {
		if ix.Range == "l1" {
			if _, ok := s.IndexKeyTypes["l1"]; !ok {
				s.IndexKeyTypes["l1"] = g.oneOf("S", "N", "B")
			}
		}
	}
	g.schema, g.keys = s, nil
	return s
}

// CreateInput is the CreateTable request for s.
func (s *Schema) CreateInput() *dynamodb.CreateTableInput {
	str := func(v string) *string { return &v }
	defs := map[string]string{"pk": s.HashType}
	ks := func(h, r string) []types.KeySchemaElement {
		out := []types.KeySchemaElement{{AttributeName: str(h), KeyType: types.KeyTypeHash}}
		if r != "" {
			out = append(out, types.KeySchemaElement{AttributeName: str(r), KeyType: types.KeyTypeRange})
		}
		return out
	}
	rng := ""
	if s.RangeType != "" {
		rng = "sk"
		defs["sk"] = s.RangeType
	}
	in := &dynamodb.CreateTableInput{TableName: str(s.Name), BillingMode: types.BillingModePayPerRequest, KeySchema: ks("pk", rng)}
	for _, ix := range s.GSIs {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{IndexName: str(ix.Name),
			KeySchema: ks(ix.Hash, ix.Range), Projection: &types.Projection{ProjectionType: ix.Projection, NonKeyAttributes: ix.NonKey}})
	}
	for _, ix := range s.LSIs {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{IndexName: str(ix.Name),
			KeySchema: ks(ix.Hash, ix.Range), Projection: &types.Projection{ProjectionType: ix.Projection, NonKeyAttributes: ix.NonKey}})
	}
	for k, t := range s.IndexKeyTypes {
		defs[k] = t
	}
	for _, k := range sortedNames(defs) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: str(k), AttributeType: types.ScalarAttributeType(defs[k])})
	}
	return in
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// edgeNumbers are numbers at DynamoDB's limits of range, precision and form.
var edgeNumbers = []string{"0", "-0", "1", "-1", "0.5", "10", "10.0", "1e2", "-1.25", "123456789012345678901234567890123456.78",
	"1E-130", "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125", "00012", "0.000"}

// scalar is a random S, N or B value of type t drawn from a small domain, so
// that keys and values collide often.
func (g *Gen) scalar(t string) AV {
	switch t {
	case "N":
		if g.chance(0.2) {
			return &types.AttributeValueMemberN{Value: edgeNumbers[g.pick(len(edgeNumbers))]}
		}
		return &types.AttributeValueMemberN{Value: fmt.Sprint(g.pick(7) - 2)}
	case "B":
		b := make([]byte, 1+g.pick(3))
		for i := range b {
			b[i] = byte(g.pick(3) * 100)
		}
		return &types.AttributeValueMemberB{Value: b}
	}
	return &types.AttributeValueMemberS{Value: g.oneOf("a", "b", "ab", "abc", "B", "é", "z", "a b")}
}

// Value is a random value of any of the ten types, nested up to depth.
func (g *Gen) Value(depth int) AV {
	k := g.pick(10)
	if depth <= 0 && k >= 8 {
		k = g.pick(8)
	}
	switch k {
	case 0, 1, 2:
		return g.scalar([]string{"S", "N", "B"}[k])
	case 3:
		return &types.AttributeValueMemberBOOL{Value: g.chance(0.5)}
	case 4:
		return &types.AttributeValueMemberNULL{Value: true}
	case 5:
		return &types.AttributeValueMemberSS{Value: g.uniq(func() string { return g.scalar("S").(*types.AttributeValueMemberS).Value })}
	case 6:
		return &types.AttributeValueMemberNS{Value: g.uniq(func() string { return fmt.Sprint(g.pick(9) - 3) })}
	case 7:
		var bs [][]byte
		for _, s := range g.uniq(func() string { return g.oneOf("\x01", "\x02", "\x01\x02", "\xff") }) {
			bs = append(bs, []byte(s))
		}
		return &types.AttributeValueMemberBS{Value: bs}
	case 8:
		l := make([]AV, g.pick(4))
		for i := range l {
			l[i] = g.Value(depth - 1)
		}
		return &types.AttributeValueMemberL{Value: l}
	}
	m := Item{}
	for i, n := 0, g.pick(4); i < n; i++ {
		m[g.oneOf("x", "y", "z")] = g.Value(depth - 1)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func (g *Gen) uniq(f func() string) []string {
	seen := map[string]bool{}
	var out []string
	for i, n := 0, 1+g.pick(3); i < n; i++ {
		if s := f(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// invalid is a value DynamoDB refuses.
func (g *Gen) invalid() AV {
	switch g.pick(5) {
	case 0:
		return &types.AttributeValueMemberSS{Value: []string{}}
	case 1:
		return &types.AttributeValueMemberNS{Value: []string{"1", "1.0"}}
	case 2:
		return &types.AttributeValueMemberN{Value: g.oneOf("1e126", "abc", "1.2.3", "12345678901234567890123456789012345678901")}
	case 3:
		return &types.AttributeValueMemberNULL{Value: false}
	}
	return &types.AttributeValueMemberSS{Value: []string{"a", "a"}}
}

// Key is a random key: mostly one already written, sometimes a new one.
func (g *Gen) Key() Item {
	if len(g.keys) > 0 && g.chance(0.7) {
		return g.keys[g.pick(len(g.keys))]
	}
	k := Item{"pk": g.scalar(g.schema.HashType)}
	if g.schema.RangeType != "" {
		k["sk"] = g.scalar(g.schema.RangeType)
	}
	return k
}

// Item is a random item with a key from Key; index key attributes get their
// declared type, mostly.
func (g *Gen) Item() Item {
	it := Item{}
	for k, v := range g.Key() {
		it[k] = v
	}
	for _, a := range attrs {
		if !g.chance(0.45) {
			continue
		}
		if t, ok := g.schema.IndexKeyTypes[a]; ok && g.chance(0.9) {
			it[a] = g.scalar(t)
			continue
		}
		it[a] = g.Value(2)
	}
	if g.chance(0.03) {
		it[g.oneOf(attrs...)] = g.invalid()
	}
	g.remember(it)
	return it
}

func (g *Gen) remember(it Item) {
	k := Item{"pk": it["pk"]}
	if g.schema.RangeType != "" {
		k["sk"] = it["sk"]
	}
	g.keys = append(g.keys, k)
}
