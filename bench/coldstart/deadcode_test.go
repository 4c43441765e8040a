package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// No code in a dynamorm Lambda binary may call
// reflect.Value.Method or MethodByName with a computed argument: one such
// call makes the linker keep every exported method of every type in the
// program (the AWS SDK's included), which added 3.7 MB to the binary and
// 2 MB of RSS before it was removed from pkg/marshal.
func TestNoReflectMethodInHandler(t *testing.T) {
	if testing.Short() {
		t.Skip("links a Lambda binary")
	}
	var offenders []string
	for _, edge := range linkerEdges(t, "./bench/coldstart/dynamormhandler") {
		from, _, _ := strings.Cut(edge, " -> ")
		// reflect's own Method and MethodByName are marked too; what
		// matters is who calls them.
		if strings.Contains(from, "<ReflectMethod>") && !strings.HasPrefix(from, "reflect.") && !strings.HasPrefix(from, "type:reflect.") {
			offenders = append(offenders, edge)
		}
	}
	if len(offenders) > 0 {
		t.Errorf("method dead-code elimination is disabled by:\n%s", strings.Join(offenders, "\n"))
	}
}

// linkerEdges builds pkg (a path from the module root) as a Lambda binary
// and returns the "from -> to" edges of the linker's dependency dump.
func linkerEdges(t *testing.T, pkg string) []string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-ldflags=-dumpdep", "-o", os.DevNull, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	var edges []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), " -> ") {
			edges = append(edges, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return edges
}
