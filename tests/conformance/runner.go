// Package conformance holds scenarios of real DynamoDB SDK calls, a runner that
// executes them against any *dynamodb.Client, and the normalisation that turns
// results into comparable JSON. Goldens in testdata/ are recorded from DynamoDB
// Local; memdb must reproduce them (see conformance_test.go and allowlist.go).
package conformance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Step is one SDK call (or a short sequence, such as a paginator) and its result.
type Step struct {
	Name string
	// Unordered sorts result lists whose order DynamoDB does not define
	// (Scan items, BatchGetItem responses).
	Unordered bool
	Do        func(ctx context.Context, c *dynamodb.Client) (any, error)
}

// Scenario is a named sequence of steps over tables it owns.
type Scenario struct {
	Name   string
	Tables []string // deleted before and after the run
	Steps  []Step
}

// Result is a normalised step result.
type Result struct {
	Step   string `json:"step"`
	Output any    `json:"output,omitempty"`
	Error  any    `json:"error,omitempty"`
}

// Run executes every step of sc on c and returns the normalised results.
func Run(ctx context.Context, c *dynamodb.Client, sc Scenario) []Result {
	cleanup(ctx, c, sc.Tables)
	defer cleanup(ctx, c, sc.Tables)
	out := make([]Result, 0, len(sc.Steps))
	for _, st := range sc.Steps {
		v, err := st.Do(ctx, c)
		r := Result{Step: st.Name}
		if err != nil {
			r.Error = normalizeError(err)
		} else {
			r.Output = Normalize(v, st.Unordered)
		}
		out = append(out, r)
	}
	return out
}

func cleanup(ctx context.Context, c *dynamodb.Client, tables []string) {
	for _, t := range tables {
		name := t
		c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	}
}

func normalizeError(err error) any {
	m := map[string]any{}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		m["type"] = ae.ErrorCode()
		m["message"] = ae.ErrorMessage()
	} else {
		m["type"] = "client"
		m["message"] = err.Error()
	}
	var tc *types.TransactionCanceledException
	if errors.As(err, &tc) {
		m["reasons"] = Normalize(tc.CancellationReasons, false)
	}
	var cc *types.ConditionalCheckFailedException
	if errors.As(err, &cc) && cc.Item != nil {
		m["item"] = Normalize(cc.Item, false)
	}
	return m
}

// dropped are fields that vary between runs or servers for reasons unrelated
// to behaviour: timestamps, ARNs, ids, and statistics DynamoDB refreshes lazily.
var dropped = map[string]bool{
	"ResultMetadata": true, "CreationDateTime": true, "TableArn": true, "TableId": true, "IndexArn": true,
	"LatestStreamArn": true, "LatestStreamLabel": true, "LastUpdateToPayPerRequestDateTime": true,
	"LastIncreaseDateTime": true, "LastDecreaseDateTime": true, "TableSizeBytes": true, "IndexSizeBytes": true,
	"ItemCount": true, "WarmThroughput": true, "Backfilling": true, "DeletionProtectionEnabled": true, "TableClassSummary": true,
}

var avType = reflect.TypeOf((*types.AttributeValue)(nil)).Elem()

// Normalize converts an SDK value to plain JSON data: attribute values in their
// wire form ({"S": ...}), nil fields omitted, unstable fields dropped.
func Normalize(v any, unordered bool) any {
	out := normalize(reflect.ValueOf(v))
	if unordered {
		sortLists(out)
	}
	return out
}

func normalize(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type().Implements(avType) && v.Kind() != reflect.Interface {
		return attr(v.Interface().(types.AttributeValue))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return normalize(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || dropped[f.Name] {
				continue
			}
			fv := v.Field(i)
			if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map || fv.Kind() == reflect.Interface) && fv.IsNil() {
				continue
			}
			m[f.Name] = normalize(fv)
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		l := make([]any, v.Len())
		for i := range l {
			l[i] = normalize(v.Index(i))
		}
		switch v.Type().Elem() {
		case reflect.TypeOf(types.AttributeDefinition{}), reflect.TypeOf(types.GlobalSecondaryIndexDescription{}),
			reflect.TypeOf(types.LocalSecondaryIndexDescription{}):
			// Sets in DynamoDB's model: servers return them in any order.
			sortByJSON(l)
		}
		return l
	case reflect.Map:
		m := map[string]any{}
		for _, k := range v.MapKeys() {
			m[k.String()] = normalize(v.MapIndex(k))
		}
		return m
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return v.Interface()
}

func attr(av types.AttributeValue) any {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": a.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": a.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(a.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": a.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": a.Value}
	case *types.AttributeValueMemberSS:
		s := append([]string(nil), a.Value...)
		sort.Strings(s)
		return map[string]any{"SS": s}
	case *types.AttributeValueMemberNS:
		s := append([]string(nil), a.Value...)
		sort.Strings(s)
		return map[string]any{"NS": s}
	case *types.AttributeValueMemberBS:
		s := make([]string, len(a.Value))
		for i, b := range a.Value {
			s[i] = base64.StdEncoding.EncodeToString(b)
		}
		sort.Strings(s)
		return map[string]any{"BS": s}
	case *types.AttributeValueMemberL:
		l := make([]any, len(a.Value))
		for i, e := range a.Value {
			l[i] = attr(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range a.Value {
			m[k] = attr(e)
		}
		return map[string]any{"M": m}
	}
	return map[string]any{"unknown": true}
}

// sortLists sorts the lists under "Items" and under BatchGetItem "Responses".
func sortLists(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, x := range m {
		switch k {
		case "Items":
			if l, ok := x.([]any); ok {
				sortByJSON(l)
			}
		case "Responses":
			if r, ok := x.(map[string]any); ok {
				for _, l := range r {
					if l, ok := l.([]any); ok {
						sortByJSON(l)
					}
				}
			}
		default:
			sortLists(x)
		}
	}
}

func sortByJSON(l []any) {
	keys := make([]string, len(l))
	for i, e := range l {
		b, _ := json.Marshal(e)
		keys[i] = string(b)
	}
	sort.Sort(byKey{l, keys})
}

type byKey struct {
	l    []any
	keys []string
}

func (b byKey) Len() int           { return len(b.l) }
func (b byKey) Less(i, j int) bool { return strings.Compare(b.keys[i], b.keys[j]) < 0 }
func (b byKey) Swap(i, j int) {
	b.l[i], b.l[j] = b.l[j], b.l[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}
