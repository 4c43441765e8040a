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
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-ldflags=-dumpdep", "-o", os.DevNull, "./bench/coldstart/dynamormhandler")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var offenders []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		from, _, ok := strings.Cut(sc.Text(), " -> ")
		// reflect's own Method and MethodByName are marked too; what
		// matters is who calls them.
		if ok && strings.Contains(from, "<ReflectMethod>") && !strings.HasPrefix(from, "reflect.") && !strings.HasPrefix(from, "type:reflect.") {
			offenders = append(offenders, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(offenders) > 0 {
		t.Errorf("method dead-code elimination is disabled by:\n%s", strings.Join(offenders, "\n"))
	}
}
