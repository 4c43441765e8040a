package conformance

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm/pkg/memdb"
)

var update = flag.Bool("update", false, "record goldens from DynamoDB Local at DYNAMORM_TEST_ENDPOINT")

func noRetry(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }

type golden struct {
	Scenario string   `json:"scenario"`
	Steps    []Result `json:"steps"`
}

func canon(v any) string {
	b, _ := json.Marshal(v)
	var x any
	json.Unmarshal(b, &x)
	b, _ = json.Marshal(x)
	return string(b)
}

func TestConformance(t *testing.T) {
	ctx := context.Background()
	endpoint := os.Getenv("DYNAMORM_TEST_ENDPOINT")
	if *update && endpoint == "" {
		t.Fatal("-update records goldens from DynamoDB Local: set DYNAMORM_TEST_ENDPOINT")
	}
	steps := 0
	for _, sc := range Scenarios() {
		steps += len(sc.Steps)
		path := filepath.Join("testdata", sc.Name+".json")
		if *update {
			res := Run(ctx, LocalClient(endpoint), sc)
			b, _ := json.MarshalIndent(golden{sc.Name, res}, "", "  ")
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("golden missing (record with -update): %v", err)
			}
			var want golden
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			t.Run("memdb", func(t *testing.T) {
				srv := memdb.New()
				defer srv.Close()
				compare(t, sc, want.Steps, Run(ctx, srv.Client(noRetry), sc), true)
			})
			if endpoint != "" {
				t.Run("dynamodb-local", func(t *testing.T) {
					compare(t, sc, want.Steps, Run(ctx, LocalClient(endpoint), sc), false)
				})
			}
		})
	}
	t.Logf("%d scenarios, %d steps", len(Scenarios()), steps)
}

func compare(t *testing.T, sc Scenario, want, got []Result, isMemdb bool) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("golden has %d steps, run has %d: re-record with -update", len(want), len(got))
	}
	for i := range want {
		if want[i].Step != got[i].Step {
			t.Fatalf("step %d: golden %q, run %q: re-record with -update", i, want[i].Step, got[i].Step)
		}
		w, g := canon(want[i]), canon(got[i])
		if _, varies := LocalVaries[sc.Name+"/"+want[i].Step]; varies && !isMemdb {
			continue
		}
		if isMemdb {
			if a, ok := Allowlist[sc.Name+"/"+want[i].Step]; ok {
				if a.DynamoDB == "" {
					continue
				}
				var x struct {
					Output any `json:"output"`
					Error  any `json:"error"`
				}
				if err := json.Unmarshal([]byte(a.DynamoDB), &x); err != nil {
					t.Fatalf("allowlist %s/%s: %v", sc.Name, want[i].Step, err)
				}
				w = canon(Result{Step: want[i].Step, Output: x.Output, Error: x.Error})
			}
		}
		if w != g {
			t.Errorf("step %d %q:\n want %s\n got  %s", i, want[i].Step, w, g)
		}
	}
}

func TestAllowlistEntriesHaveReasonsAndExist(t *testing.T) {
	steps := map[string]bool{}
	for _, sc := range Scenarios() {
		for _, st := range sc.Steps {
			if steps[sc.Name+"/"+st.Name] {
				t.Errorf("duplicate step name %s/%s", sc.Name, st.Name)
			}
			steps[sc.Name+"/"+st.Name] = true
		}
	}
	for k, reason := range LocalVaries {
		if reason == "" || !steps[k] {
			t.Errorf("LocalVaries %s: no reason, or no such step", k)
		}
	}
	for k, a := range Allowlist {
		if a.Reason == "" {
			t.Errorf("allowlist %s: no reason", k)
		}
		if !steps[k] {
			t.Errorf("allowlist %s: no such step", k)
		}
	}
}
