// Command coldstart measures the Lambda cold start of dynamorm against the
// raw AWS SDK, in one run:
//
//	go run ./bench/coldstart -n 20
//
// It builds two minimal Lambda handler binaries the way Lambda functions are
// built (GOOS=linux, -tags lambda.norpc, -ldflags "-s -w"):
//
//   - dynamormhandler: init() calls dynamorm.LambdaInit with 5 models;
//   - sdkhandler: init() calls config.LoadDefaultConfig and
//     dynamodb.NewFromConfig.
//
// Each handler then serves one invocation (a PutItem). The driver runs each
// binary n times, alternating, as a fresh process against a local stub
// endpoint that answers every request (no network, no DynamoDB), with the
// same clean Lambda-like environment. It reports medians of:
//
//   - start → ready: from the driver starting the process to the end of the
//     handler's init() (runtime start, package initialisation, init());
//   - start → main: the part before init() (runtime and package
//     initialisation, which grows with the code linked in);
//   - init(): the initialisation call itself, and its heap allocations;
//   - allocations from process start to ready;
//   - the first invocation (lazy SDK set-up included);
//   - max RSS of the process (getrusage of the child, after one invocation);
//
// and the size of both binaries. The figures go in BENCHMARKS.md.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dynamorm/dynamorm/bench/coldstart/internal/probe"
)

// run is one process run of a handler binary.
type run struct {
	probe.Report
	startToMain  time.Duration
	startToReady time.Duration
	maxRSS       int64 // bytes
}

type binary struct {
	name     string
	pkg      string
	path     string
	size     int64 // as built for Lambda
	fullSize int64 // with symbols and DWARF
	runs     []run
}

func main() {
	n := flag.Int("n", 20, "process runs of each binary")
	keep := flag.Bool("keep", false, "keep the built binaries (their directory is printed)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("coldstart: ")

	root, err := moduleRoot()
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "dynamorm-coldstart-")
	if err != nil {
		log.Fatal(err)
	}
	if *keep {
		log.Printf("binaries in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	bins := []*binary{
		{name: "dynamorm (LambdaInit, 5 models)", pkg: "./bench/coldstart/dynamormhandler"},
		{name: "raw SDK (LoadDefaultConfig + NewFromConfig)", pkg: "./bench/coldstart/sdkhandler"},
	}
	for i, b := range bins {
		b.path = filepath.Join(dir, fmt.Sprintf("handler%d", i))
		if b.size, err = build(root, b.pkg, b.path, "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w"); err != nil {
			log.Fatal(err)
		}
		if b.fullSize, err = build(root, b.pkg, b.path+".full", "-tags", "lambda.norpc"); err != nil {
			log.Fatal(err)
		}
	}

	endpoint, requests, stop, err := startStub()
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	env := lambdaEnv(dir, endpoint)

	// One discarded warm-up run each (page cache), then n alternating rounds.
	for _, b := range bins {
		if _, err := measure(b.path, env); err != nil {
			log.Fatalf("%s: %v", b.name, err)
		}
	}
	for i := range *n {
		order := bins
		if i%2 == 1 {
			order = []*binary{bins[1], bins[0]}
		}
		for _, b := range order {
			r, err := measure(b.path, env)
			if err != nil {
				log.Fatalf("%s: %v", b.name, err)
			}
			b.runs = append(b.runs, r)
		}
	}
	if got, want := requests(), int64(2*(*n+1)); got != want {
		log.Fatalf("the stub endpoint got %d requests, want %d (one per run)", got, want)
	}
	printReport(os.Stdout, bins, *n)
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run from inside the dynamorm module")
	}
	return filepath.Dir(gomod), nil
}

// build builds pkg for linux on the host's architecture and returns the
// binary's size.
func build(root, pkg, out string, flags ...string) (int64, error) {
	args := append([]string{"build", "-o", out}, flags...)
	args = append(args, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// lambdaEnv is a clean environment like Lambda's: region, static role
// credentials and the endpoint, and nothing that would make either side
// read files or call the network during init (no shared config files, no
// instance metadata, no CA bundle).
func lambdaEnv(dir, endpoint string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TZ=UTC",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDCOLDSTART",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_SESSION_TOKEN=token",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint,
		"AWS_LAMBDA_FUNCTION_NAME=coldstart",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
	}
}

// startStub serves a DynamoDB-shaped empty success ("{}" with its CRC32) to
// every request on a loopback port.
func startStub() (endpoint string, requests func() int64, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	count := make(chan int64, 1)
	count <- 0
	body := []byte("{}")
	sum := strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		count <- <-count + 1
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amz-Crc32", sum)
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	requests = func() int64 { c := <-count; count <- c; return c }
	return "http://" + ln.Addr().String(), requests, func() { srv.Close() }, nil
}

// measure runs the binary once as a fresh process.
func measure(path string, env []string) (run, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return run{}, fmt.Errorf("%v: %s", err, stderr.String())
	}
	var r run
	if err := json.Unmarshal(stdout.Bytes(), &r.Report); err != nil {
		return run{}, fmt.Errorf("bad report %q: %v", stdout.String(), err)
	}
	startNano := start.UnixNano()
	r.startToMain = time.Duration(r.DepsDoneUnixNano - startNano)
	r.startToReady = time.Duration(r.ReadyUnixNano - startNano)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return r, nil
}

func median[T int64 | uint64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func column[T any](b *binary, f func(run) T) []T {
	out := make([]T, len(b.runs))
	for i, r := range b.runs {
		out[i] = f(r)
	}
	return out
}

// pairedMedian is the median of the per-round differences dynamorm - SDK,
// which is less sensitive to machine load drifting during the run than the
// difference of the medians.
func pairedMedian(a, b *binary, f func(run) int64) int64 {
	d := make([]int64, len(a.runs))
	for i := range d {
		d[i] = f(a.runs[i]) - f(b.runs[i])
	}
	return median(d)
}

func ms(ns int64) string { return fmt.Sprintf("%.2f ms", float64(ns)/1e6) }
func mb(b int64) string  { return fmt.Sprintf("%.2f MB", float64(b)/(1<<20)) }
func signed(s string) string {
	if !strings.HasPrefix(s, "-") {
		return "+" + s
	}
	return s
}

func printReport(w io.Writer, bins []*binary, n int) {
	d, s := bins[0], bins[1]
	type metric struct {
		name   string
		f      func(run) int64
		format func(int64) string
	}
	metrics := []metric{
		{"start → ready (process start to end of init())", func(r run) int64 { return int64(r.startToReady) }, ms},
		{"  start → main package (runtime + package init)", func(r run) int64 { return int64(r.startToMain) }, ms},
		{"  init() call", func(r run) int64 { return r.InitNanos }, ms},
		{"allocations in init()", func(r run) int64 { return int64(r.InitAllocs) }, func(v int64) string { return strconv.FormatInt(v, 10) }},
		{"bytes allocated in init()", func(r run) int64 { return int64(r.InitBytes) }, func(v int64) string { return fmt.Sprintf("%.1f KB", float64(v)/1024) }},
		{"allocations, process start → ready", func(r run) int64 { return int64(r.ReadyAllocs) }, func(v int64) string { return strconv.FormatInt(v, 10) }},
		{"bytes allocated, process start → ready", func(r run) int64 { return int64(r.ReadyBytes) }, func(v int64) string { return fmt.Sprintf("%.1f KB", float64(v)/1024) }},
		{"Go runtime memory from the OS at ready (Sys)", func(r run) int64 { return int64(r.ReadySys) }, mb},
		{"first invocation (one PutItem)", func(r run) int64 { return r.FirstRequestNanos }, ms},
		{"max RSS of the process", func(r run) int64 { return r.maxRSS }, mb},
	}
	fmt.Fprintf(w, "Medians of %d process runs each (%s/%s, %s, GOMAXPROCS=%d):\n\n", n, runtime.GOOS, runtime.GOARCH, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "| metric | dynamorm | raw SDK | dynamorm − SDK (paired median) |\n|---|---:|---:|---:|\n")
	for _, m := range metrics {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", m.name,
			m.format(median(column(d, m.f))), m.format(median(column(s, m.f))), signed(m.format(pairedMedian(d, s, m.f))))
	}
	fmt.Fprintf(w, "| binary size (GOOS=linux, -tags lambda.norpc, -ldflags \"-s -w\") | %s | %s | %s |\n", mb(d.size), mb(s.size), signed(mb(d.size-s.size)))
	fmt.Fprintf(w, "| binary size (the same, symbols and DWARF kept) | %s | %s | %s |\n", mb(d.fullSize), mb(s.fullSize), signed(mb(d.fullSize-s.fullSize)))

	ready := pairedMedian(d, s, func(r run) int64 { return int64(r.startToReady) })
	rss := pairedMedian(d, s, func(r run) int64 { return r.maxRSS })
	fmt.Fprintf(w, "\nGoal: dynamorm adds under 1 ms and under 2 MB to the raw SDK.\n")
	fmt.Fprintf(w, "  start → ready: %s → %s\n", signed(ms(ready)), verdict(ready < int64(time.Millisecond)))
	fmt.Fprintf(w, "  max RSS:       %s → %s\n", signed(mb(rss)), verdict(rss < 2<<20))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
