package difftest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/tests/conformance"
)

var (
	// By default ./scripts/test.sh runs the first 300 cases of seed 1 (about
	// 20 s, 45 s with -race), within a 45 s budget; -difftest.cases=0 -difftest.duration=10m
	// -difftest.seed=0 searches longer from a random seed.
	duration = flag.Duration("difftest.duration", 45*time.Second, "time budget of the differential tester")
	cases    = flag.Int("difftest.cases", 300, "how many cases to run (0: as many as the time budget allows)")
	seedFlag = flag.Int64("difftest.seed", 1, "seed of the first case (0: a random seed, printed)")
	steps    = flag.Int("difftest.steps", 25, "requests per case")
	maxDiffs = flag.Int("difftest.max", 5, "stop after this many distinct divergences")
)

// endpoint returns DynamoDB Local's endpoint, or skips (fails in CI) without one.
func endpoint(t *testing.T) string {
	ep := os.Getenv("DYNAMORM_TEST_ENDPOINT")
	if ep == "" {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("the differential tester needs DynamoDB Local: set DYNAMORM_TEST_ENDPOINT (./scripts/test.sh does)")
		}
		t.Skip("the differential tester needs DynamoDB Local: run ./scripts/test.sh, or set DYNAMORM_TEST_ENDPOINT")
	}
	if os.Getenv("DYNAMORM_TEST_BACKEND") == "memdb" {
		t.Skip("the differential tester compares memdb with DynamoDB Local; it runs in the DynamoDB Local pass of ./scripts/test.sh")
	}
	return ep
}

// TestDifferential runs random cases on memdb and DynamoDB Local until the
// time budget is spent, and reports each divergence shrunk to a minimal case.
func TestDifferential(t *testing.T) {
	local := conformance.LocalClient(endpoint(t))
	seed := *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -difftest.seed=%d), budget %v", seed, seed, *duration)
	ctx := context.Background()
	deadline := time.Now().Add(*duration)
	ran, requests, found := 0, 0, map[string]bool{}
	for c := int64(0); (*cases == 0 || ran < *cases) && len(found) < *maxDiffs; c++ {
		if time.Now().After(deadline) {
			t.Logf("time budget spent after %d of %d cases", ran, *cases)
			break
		}
		sc := NewCase(seed+c, *steps)
		ran++
		requests += len(sc.Steps)
		d := diverges(ctx, local, sc)
		if d == nil {
			continue
		}
		min, d := shrink(ctx, local, sc, d)
		if found[d.signature] {
			continue
		}
		found[d.signature] = true
		t.Errorf("divergence (case seed %d), minimal case of %d requests:\n%s at the last one:\n memdb:          %s\n dynamodb-local: %s",
			seed+c, len(min.Steps), describe(min), d.memdb, d.local)
	}
	t.Logf("%d cases, %d requests on each backend, %d divergences", ran, requests, len(found))
}

// NewCase is the case of one seed: a random table and n random requests.
func NewCase(seed int64, n int) conformance.Scenario {
	g := NewGen(seed)
	s := g.NewSchema("difftest_" + strconv.FormatInt(seed%1000, 10))
	sc := conformance.Scenario{Name: "case " + strconv.FormatInt(seed, 10), Tables: []string{s.Name}}
	in := s.CreateInput()
	sc.Steps = append(sc.Steps, step("CreateTable", (*dynamodb.Client).CreateTable, in))
	for i := 0; i < n; i++ {
		sc.Steps = append(sc.Steps, g.Request())
	}
	sc.Steps = append(sc.Steps, g.finalScan())
	return sc
}

// finalScan reads the whole table, so that a write's effect is compared
// even when no later request read it.
func (g *Gen) finalScan() conformance.Step {
	return conformance.Step{Name: "final Scan", Unordered: true, Do: func(ctx context.Context, c *dynamodb.Client) (any, error) {
		var items []Item
		p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(g.schema.Name), ConsistentRead: aws.Bool(true)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			items = append(items, out.Items...)
		}
		return map[string]any{"Items": items}, nil
	}}
}

// divergence is the first step whose results differ.
type divergence struct {
	step, memdb, local string
	signature          string // operation and the kind of difference, to report each once
}

func diverges(ctx context.Context, local *dynamodb.Client, sc conformance.Scenario) *divergence {
	srv := memdb.New()
	defer srv.Close()
	got := conformance.Run(ctx, srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }), sc)
	want := conformance.Run(ctx, local, sc)
	for i := range want {
		if canon(want[i]) == canon(got[i]) {
			continue
		}
		if q := allowed(sc.Steps[i].Name, want[i], got[i]); q != nil {
			if q.endsCase {
				return nil
			}
			continue
		}
		op, _, _ := strings.Cut(sc.Steps[i].Name, " ")
		got[i].Step, want[i].Step = "", ""
		return &divergence{step: sc.Steps[i].Name, memdb: canon(got[i]), local: canon(want[i]), signature: op + " " + kindOf(want[i]) + "/" + kindOf(got[i])}
	}
	return nil
}

// kindOf summarises a result: success, or the error type and the start of its message.
func kindOf(r conformance.Result) string {
	if r.Error == nil {
		return "ok"
	}
	m, _ := r.Error.(map[string]any)
	msg := fmt.Sprint(m["message"])
	if i := strings.IndexAny(msg, ";:"); i > 0 {
		msg = msg[:i]
	}
	return fmt.Sprint(m["type"]) + ":" + msg
}

// shrink removes requests, one at a time, while the case still diverges.
func shrink(ctx context.Context, local *dynamodb.Client, sc conformance.Scenario, d *divergence) (conformance.Scenario, *divergence) {
	for i := range sc.Steps {
		if sc.Steps[i].Name == d.step {
			sc.Steps = sc.Steps[:i+1]
			break
		}
	}
	for i := len(sc.Steps) - 2; i >= 1; i-- {
		try := sc
		try.Steps = append(append([]conformance.Step(nil), sc.Steps[:i]...), sc.Steps[i+1:]...)
		if nd := diverges(ctx, local, try); nd != nil {
			sc, d = try, nd
		}
	}
	return sc, d
}

func describe(sc conformance.Scenario) string {
	var b strings.Builder
	for i, st := range sc.Steps {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, st.Name)
	}
	return b.String()
}
