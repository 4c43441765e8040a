package plan

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

type Payment struct {
	ID         string `dynamorm:"pk"`
	Timestamp  string `dynamorm:"sk"`
	CustomerID string `dynamorm:"index:customer-index,pk"`
	Status     string `dynamorm:"index:customer-index,sk,index:status-index,pk"`
	Amount     int64  `dynamorm:"lsi:by-amount,index:status-index,sk"`
	Note       string
}

func setup(t *testing.T) *model.Model {
	m, err := model.Of(reflect.TypeOf(Payment{}))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func cond(m *model.Model, field string, op expr.Op, vals ...string) Condition {
	f, _ := m.Field(field)
	avs := make([]types.AttributeValue, len(vals))
	for i, v := range vals {
		avs[i] = &types.AttributeValueMemberS{Value: v}
	}
	return Condition{Field: f, Path: []string{f.Attr}, Op: op, Values: avs}
}

func TestPlanChoosesOperation(t *testing.T) {
	m := setup(t)
	cases := []struct {
		name      string
		where     []Condition
		consist   bool
		op, index string
		keyCond   string
		filter    bool
	}{
		{"full key in any order is GetItem", []Condition{cond(m, "Timestamp", expr.Eq, "t"), cond(m, "ID", expr.Eq, "1")}, false, GetItem, "", "", false},
		{"pk only queries the table", []Condition{cond(m, "ID", expr.Eq, "1")}, false, Query, "", "#n0 = :v0", false},
		{"gsi keys in any order", []Condition{cond(m, "Status", expr.Eq, "open"), cond(m, "CustomerID", expr.Eq, "c")}, false, Query, "customer-index", "#n0 = :v0 AND #n1 = :v1", false},
		{"sk condition a key condition cannot express is post-filtered", []Condition{cond(m, "ID", expr.Eq, "1"), cond(m, "Timestamp", expr.Ne, "x")}, false, Query, "", "#n0 = :v0", false},
		{"range on sk stays in key condition", []Condition{cond(m, "ID", expr.Eq, "1"), cond(m, "Timestamp", expr.Gt, "x")}, false, Query, "", "#n0 = :v0 AND #n1 > :v1", false},
		{"no pk equality scans", []Condition{cond(m, "Note", expr.Eq, "n")}, false, Scan, "", "", true},
		{"lsi chosen when its sort key is constrained", []Condition{cond(m, "ID", expr.Eq, "1"), cond(m, "Amount", expr.Gt, "5")}, false, Query, "by-amount", "#n0 = :v0 AND #n1 > :v1", false},
		{"consistent read prefers the table to a GSI", []Condition{cond(m, "CustomerID", expr.Eq, "c"), cond(m, "ID", expr.Eq, "1")}, true, Query, "", "#n0 = :v0", true},
		{"consistent read without key conditions scans", []Condition{cond(m, "Note", expr.Eq, "n")}, true, Scan, "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := PlanRead(ReadInput{Model: m, Table: "payments", Where: c.where, Consistent: c.consist})
			if err != nil {
				t.Fatal(err)
			}
			if r.Operation != c.op || r.Index != c.index || r.KeyCondition != c.keyCond || (r.Filter != "") != c.filter {
				t.Errorf("got %s index=%q key=%q filter=%q", r.Operation, r.Index, r.KeyCondition, r.Filter)
			}
		})
	}
}

// A consistent read only a global index could serve fails before sending
// instead of becoming a consistent Scan of the whole table.
func TestPlanConsistentReadOnlyAGSIServes(t *testing.T) {
	m := setup(t)
	_, err := PlanRead(ReadInput{Model: m, Table: "payments", Where: []Condition{cond(m, "CustomerID", expr.Eq, "c")}, Consistent: true})
	if !errors.Is(err, errs.ErrValidation) || !strings.Contains(err.Error(), `"customer-index"`) {
		t.Fatalf("got %v, want ErrValidation naming customer-index", err)
	}
}

func TestPlanExplicitIndexAndErrors(t *testing.T) {
	m := setup(t)
	r, err := PlanRead(ReadInput{Model: m, Table: "payments", Index: "status-index", Where: []Condition{cond(m, "Status", expr.Eq, "x")}})
	if err != nil || r.Operation != Query || r.Index != "status-index" {
		t.Fatalf("explicit index: %+v %v", r, err)
	}
	if want := []string{"ID", "Timestamp", "Status", "Amount"}; !reflect.DeepEqual(r.KeyAttrs, want) {
		t.Errorf("KeyAttrs = %v, want %v", r.KeyAttrs, want)
	}
	_, err = PlanRead(ReadInput{Model: m, Table: "payments", Index: "nope"})
	if !errors.Is(err, errs.ErrIndexNotFound) || !strings.Contains(err.Error(), "customer-index") {
		t.Errorf("unknown index error = %v", err)
	}
	_, err = PlanRead(ReadInput{Model: m, Table: "payments", Index: "customer-index", Consistent: true, Where: []Condition{cond(m, "CustomerID", expr.Eq, "c")}})
	if !errors.Is(err, errs.ErrValidation) || !strings.Contains(err.Error(), "ConsistentRead") || !strings.Contains(err.Error(), "customer-index") {
		t.Errorf("consistent GSI error = %v", err)
	}
	r, err = PlanRead(ReadInput{Model: m, Table: "payments", Index: "by-amount", Consistent: true, Where: []Condition{cond(m, "ID", expr.Eq, "c")}})
	if err != nil || !r.Consistent {
		t.Errorf("consistent LSI: %v", err)
	}
}

func TestPlanOrder(t *testing.T) {
	m := setup(t)
	ts, _ := m.Field("Timestamp")
	note, _ := m.Field("Note")
	r, _ := PlanRead(ReadInput{Model: m, Table: "p", Where: []Condition{cond(m, "ID", expr.Eq, "1")}, OrderBy: ts, Desc: true})
	if r.Forward || r.SortBy != nil {
		t.Errorf("order by sort key: forward=%v sortBy=%v", r.Forward, r.SortBy)
	}
	r, _ = PlanRead(ReadInput{Model: m, Table: "p", Where: []Condition{cond(m, "ID", expr.Eq, "1")}, OrderBy: note, Desc: true})
	if r.SortBy != note || !r.Desc {
		t.Errorf("order by non-key should sort in memory: %+v", r)
	}
}

func TestPlanFilterTree(t *testing.T) {
	m := setup(t)
	a := cond(m, "Note", expr.Eq, "a")
	b := cond(m, "Note", expr.Eq, "b")
	tree := expr.Node{Children: []expr.Node{
		{Cond: &expr.Cond{Path: a.Path, Op: a.Op, Values: a.Values}},
		{Or: true, Cond: &expr.Cond{Path: b.Path, Op: b.Op, Values: b.Values}},
	}}
	r, err := PlanRead(ReadInput{Model: m, Table: "p", Where: []Condition{cond(m, "ID", expr.Eq, "1"), cond(m, "Timestamp", expr.Ne, "x")}, Filter: tree})
	if err != nil {
		t.Fatal(err)
	}
	if want := "(#n1 = :v1 OR #n1 = :v2)"; r.Filter != want {
		t.Errorf("filter = %q, want %q", r.Filter, want)
	}
	// The sort-key condition a key condition cannot express is evaluated
	// on the returned items: DynamoDB rejects key attributes in a Query filter.
	if len(r.PostFilter) != 1 || r.PostFilter[0].Op != expr.Ne {
		t.Errorf("post-filter = %+v", r.PostFilter)
	}
	if !r.Filtered() {
		t.Error("Filtered() = false")
	}
	ts, _ := m.Field("Timestamp")
	_, err = PlanRead(ReadInput{Model: m, Table: "p", Where: []Condition{cond(m, "ID", expr.Eq, "1")},
		Filter: expr.Node{Children: []expr.Node{{Cond: &expr.Cond{Path: []string{ts.Attr}, Op: expr.Ne, Values: a.Values}}}}})
	if !errors.Is(err, errs.ErrValidation) || !strings.Contains(err.Error(), "Where") {
		t.Errorf("Filter on a queried key: err = %v", err)
	}
}
