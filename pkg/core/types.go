package core

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dynamorm/dynamorm/internal/attr"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// PaginatedResult describes one page read by AllPaginated.
type PaginatedResult struct {
	Items            any                             // the destination slice that was filled
	Count            int                             // items on this page
	ScannedCount     int                             // items DynamoDB read for this page
	LastEvaluatedKey map[string]types.AttributeValue // where this page stopped; nil at the end
	NextCursor       string                          // opaque cursor for Cursor(); "" at the end
	HasMore          bool                            // whether another page may exist
}

// Explanation is the request a query would send, as returned by Explain.
type Explanation struct {
	Operation        string // GetItem, Query, Scan or BatchGet
	Table            string
	Index            string
	Key              map[string]types.AttributeValue   // GetItem only
	Keys             []map[string]types.AttributeValue // BatchGet only: Where(pk, "IN", ...) on a table without a sort key
	KeyCondition     string
	Filter           string
	Projection       string
	Names            map[string]string
	Values           map[string]types.AttributeValue
	ScanIndexForward bool
	ConsistentRead   bool
	Limit            int32 // the page size sent, 0 for none
	Segment          *int32
	TotalSegments    *int32
	// SortInMemory names the attribute results are sorted by after every
	// match is read, when OrderBy is not the sort key of what is read.
	SortInMemory   string
	SortDescending bool
	// Then is the request a lookup by a unique constraint sends after
	// this one (the GetItem of the constraint's guard item): the GetItem of
	// the item the guard names, which must still hold the value.
	Then string
	// Tenant says how a read of a tenant-scoped model is kept to the
	// tenant and what that costs: the key's tenant prefix, or (a Scan) the
	// filter on the stored tenant, which reads every tenant's items.
	Tenant string
}

// String renders the explanation on one line per part, placeholders resolved
// in a readable form: #n0 as its name and :v0 as its value.
func (e *Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s", e.Operation, e.Table)
	if e.Index != "" {
		fmt.Fprintf(&b, " (index %s)", e.Index)
	}
	b.WriteByte('\n')
	line := func(label, s string) {
		if s != "" {
			fmt.Fprintf(&b, "  %s: %s\n", label, e.resolve(s))
		}
	}
	if len(e.Key) > 0 {
		line("key", attr.FormatMap(e.Key, "="))
	}
	for _, k := range e.Keys {
		line("key", attr.FormatMap(k, "="))
	}
	line("key condition", e.KeyCondition)
	line("filter", e.Filter)
	line("projection", e.Projection)
	if e.SortInMemory != "" {
		order := "ascending"
		if e.SortDescending {
			order = "descending"
		}
		line("order", "by "+e.SortInMemory+" "+order+", sorted in memory after reading every match")
	} else if e.Operation == "Query" && !e.ScanIndexForward {
		line("order", "descending")
	}
	if e.ConsistentRead {
		line("consistent read", "true")
	}
	if e.Limit > 0 {
		line("page size", fmt.Sprint(e.Limit))
	}
	line("then", e.Then)
	if e.Tenant != "" {
		fmt.Fprintf(&b, "  tenant: %s\n", e.Tenant)
	}
	return b.String()
}

func (e *Explanation) resolve(s string) string {
	var pairs []string
	for ph, name := range e.Names {
		pairs = append(pairs, ph, name)
	}
	for ph, v := range e.Values {
		pairs = append(pairs, ph, FormatValue(v))
	}
	// Longer placeholders first so #n10 is not replaced as #n1 followed by 0.
	type pair struct{ from, to string }
	ps := make([]pair, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		ps = append(ps, pair{pairs[i], pairs[i+1]})
	}
	sort.Slice(ps, func(i, j int) bool { return len(ps[i].from) > len(ps[j].from) })
	args := make([]string, 0, len(pairs))
	for _, p := range ps {
		args = append(args, p.from, p.to)
	}
	return strings.NewReplacer(args...).Replace(s)
}

// FormatValue renders an attribute value compactly for messages and
// explanations: strings quoted, numbers bare, sets and lists bracketed.
func FormatValue(av types.AttributeValue) string {
	return attr.Format(av)
}

// TypeName returns the DynamoDB type of av: "S", "N", "B", "BOOL", "NULL",
// "L", "M", "SS", "NS" or "BS"; "" for nil or a type DynamoDB does not have.
func TypeName(av types.AttributeValue) string {
	return attr.TypeName(av)
}

// KeySchema is a partition key and optional sort key by attribute name.
type KeySchema struct {
	PartitionKey string
	SortKey      string
}

// IndexSchema describes a secondary index of a model.
type IndexSchema struct {
	Name           string
	Local          bool
	KeySchema      KeySchema
	ProjectionType string   // ALL, KEYS_ONLY or INCLUDE
	NonKeyFields   []string // attributes projected with INCLUDE
}
