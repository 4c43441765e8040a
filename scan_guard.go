package dynamorm

import (
	"fmt"
	"strings"

	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// implicitScan is the error of a read planned as a Scan on a DB with
// session.Config.ForbidImplicitScans: it shows the plan and what would let
// a Query serve the read instead.
func (q *query) implicitScan(r *plan.Read, where []plan.Condition) error {
	shown := strings.TrimSpace(q.explanation(r).String())
	return fmt.Errorf("%w: %s: this read would scan the whole table, which this DB forbids (session.Config.ForbidImplicitScans); %s, or call Scan() to scan explicitly. The plan:\n%s",
		core.ErrValidation, q.model.Name(), q.scanRemedy(where), shown)
}

// scanRemedy says which index would serve a read of where with a Query.
func (q *query) scanRemedy(where []plan.Condition) string {
	m := q.model
	if q.index != "" {
		if idx, ok := m.Index(q.index); ok {
			return fmt.Sprintf("index %q would serve it with Where(%q, \"=\", ...) on its partition key", idx.Name, idx.PK.KeyName())
		}
	}
	for _, c := range where {
		if c.Field == nil || c.Op != expr.Eq || len(c.Path) != 1 {
			continue
		}
		for _, idx := range m.Indexes {
			if idx.PK == c.Field {
				return fmt.Sprintf("index %q has %s as its partition key and would serve it (a consistent read cannot use a global index)", idx.Name, c.Field.GoName)
			}
		}
		return fmt.Sprintf("a global secondary index with partition key %s would serve it: tag the field `dynamorm:\"index:by-%s,pk\"` and create the index",
			c.Field.GoName, strings.ToLower(c.Field.Attr))
	}
	return fmt.Sprintf("no condition is an equality that an index could serve; give Where(%q, \"=\", ...) to query the table", m.PK.KeyName())
}
