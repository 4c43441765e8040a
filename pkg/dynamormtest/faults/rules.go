package faults

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Always, as a Rule's Times, injects the fault into every matching request
// from the Nth on.
const Always = -1

// Rule injects one kind of fault into chosen requests: those of operation
// Op on table Table (either may be empty: any), counted from the moment the
// rule is added. The Nth matching request gets the fault, and so do the
// Times-1 matching requests after it. Retries the SDK makes count as
// requests.
type Rule struct {
	Kind Kind
	// Op is the DynamoDB operation (PutItem, UpdateItem, DeleteItem,
	// GetItem, Query, Scan, BatchWriteItem, BatchGetItem,
	// TransactWriteItems, TransactGetItems); empty for every operation the
	// Kind applies to.
	Op string
	// Table is the table name as sent (with any prefix; see
	// dynamormtest.TableName); empty for every table. A batch or
	// transaction matches when one of its tables is Table.
	Table string
	// Nth is the first matching request that gets the fault, counting from
	// 1 (0 means 1).
	Nth int
	// Times is how many matching requests, from the Nth on, get the fault
	// (0 means 1; Always means every one).
	Times int
	// Delay is how long a Stall lasts (default Config.Stall).
	Delay time.Duration
}

// rule is a Rule being counted.
type rule struct {
	Rule
	seen int // matching requests so far
}

// Add adds rules, checked in order before any random draw: a request gets
// the fault of the first rule that fires for it. A rule that names an
// operation faults are not injected into, a kind that never applies to its
// operation, or a negative Nth, Times or Delay is an error, and then no
// rule is added.
func (in *Injector) Add(rules ...Rule) error {
	for i, r := range rules {
		if err := r.check(); err != nil {
			return fmt.Errorf("faults: rule %d: %w", i, err)
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, r := range rules {
		in.rules = append(in.rules, &rule{Rule: r})
	}
	return nil
}

// Clear removes every rule.
func (in *Injector) Clear() {
	in.mu.Lock()
	in.rules = nil
	in.mu.Unlock()
}

func (r Rule) check() error {
	switch {
	case r.Kind <= None || r.Kind >= numKinds:
		return fmt.Errorf("unknown fault kind %d", int(r.Kind))
	case r.Op != "" && !itemOps[r.Op]:
		return fmt.Errorf("faults are not injected into %q; the operations are %v", r.Op, opNames())
	case r.Op != "" && !applies(r.Kind, r.Op):
		return fmt.Errorf("%s never applies to %s", r.Kind, r.Op)
	case r.Nth < 0 || r.Times < Always || r.Delay < 0:
		return fmt.Errorf("negative Nth (%d), Times (%d) or Delay (%s)", r.Nth, r.Times, r.Delay)
	}
	return nil
}

func opNames() []string {
	var ops []string
	for op := range itemOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// fromRules counts the request of op against every rule it matches and
// returns the fault of the first that fires. in.mu is held.
func (in *Injector) fromRules(op string, req *http.Request) (fault, bool) {
	if len(in.rules) == 0 {
		return fault{}, false
	}
	var tables []string
	var f fault
	fired := false
	for _, r := range in.rules {
		if (r.Op != "" && r.Op != op) || !applies(r.Kind, op) {
			continue
		}
		if r.Table != "" {
			if tables == nil {
				tables = requestTables(req)
			}
			if !slices.Contains(tables, r.Table) {
				continue
			}
		}
		r.seen++
		if !fired && r.fires() {
			f, fired = fault{kind: r.Kind, delay: r.Delay}, true
			if f.delay == 0 {
				f.delay = in.cfg.Stall
			}
		}
	}
	return f, fired
}

// fires reports whether the request just counted gets the rule's fault.
func (r *rule) fires() bool {
	first := max(r.Nth, 1)
	if r.seen < first {
		return false
	}
	return r.Times == Always || r.seen < first+max(r.Times, 1)
}

// requestTables returns the tables a request names (never nil).
func requestTables(req *http.Request) []string {
	body, _ := peek(req)
	var msg struct {
		TableName     string
		RequestItems  map[string]json.RawMessage
		TransactItems []map[string]struct{ TableName string }
	}
	_ = json.Unmarshal(body, &msg)
	tables := []string{}
	if msg.TableName != "" {
		tables = append(tables, msg.TableName)
	}
	for t := range msg.RequestItems {
		tables = append(tables, t)
	}
	for _, item := range msg.TransactItems {
		for _, op := range item {
			tables = append(tables, op.TableName)
		}
	}
	return tables
}
