// Package probe is the measuring side of the cold-start handlers: it takes
// the timestamps and allocation counters a handler binary reports to the
// cold-start driver (bench/coldstart) on stdout.
package probe

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"time"
)

// Report is what a handler binary prints, as one JSON line, when it runs
// outside Lambda under the cold-start driver.
type Report struct {
	// DepsDoneUnixNano is when every imported package was initialised (the
	// main package's variables are being initialised).
	DepsDoneUnixNano int64 `json:"deps_done_unix_nano"`
	// ReadyUnixNano is when the handler's init() returned: the DB or client
	// is ready for the first invocation.
	ReadyUnixNano int64 `json:"ready_unix_nano"`
	// InitNanos is the time spent in the handler's init() (the dynamorm or
	// SDK initialisation call itself).
	InitNanos int64 `json:"init_nanos"`
	// InitAllocs and InitBytes are the heap allocations made by init().
	InitAllocs uint64 `json:"init_allocs"`
	InitBytes  uint64 `json:"init_bytes"`
	// ReadyAllocs and ReadyBytes count every heap allocation from process
	// start until ready (runtime, package initialisation and init()).
	ReadyAllocs uint64 `json:"ready_allocs"`
	ReadyBytes  uint64 `json:"ready_bytes"`
	// ReadySys is the memory obtained from the OS by the Go runtime at ready.
	ReadySys uint64 `json:"ready_sys"`
	// FirstRequestNanos is the duration of the first invocation (one
	// PutItem against the driver's stub endpoint), lazy SDK set-up included.
	FirstRequestNanos int64 `json:"first_request_nanos"`
}

// Probe collects a Report.
type Probe struct {
	r        Report
	initAt   time.Time
	memStart runtime.MemStats
}

// Start is called from a package-level variable initialiser of the main
// package, after every imported package is initialised.
func Start() *Probe {
	p := &Probe{}
	p.r.DepsDoneUnixNano = time.Now().UnixNano()
	return p
}

// BeginInit is called at the start of the handler's init().
func (p *Probe) BeginInit() {
	runtime.ReadMemStats(&p.memStart)
	p.initAt = time.Now()
}

// EndInit is called at the end of the handler's init().
func (p *Probe) EndInit() {
	end := time.Now()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.r.InitNanos = int64(end.Sub(p.initAt))
	p.r.ReadyUnixNano = end.UnixNano()
	p.r.InitAllocs = m.Mallocs - p.memStart.Mallocs
	p.r.InitBytes = m.TotalAlloc - p.memStart.TotalAlloc
	p.r.ReadyAllocs = m.Mallocs
	p.r.ReadyBytes = m.TotalAlloc
	p.r.ReadySys = m.Sys
}

// UnderDriver reports whether the binary runs under the cold-start driver
// rather than in Lambda.
func UnderDriver() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" }

// Finish runs one invocation, timing it, and prints the report.
func (p *Probe) Finish(invoke func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	began := time.Now()
	if err := invoke(ctx); err != nil {
		return err
	}
	p.r.FirstRequestNanos = int64(time.Since(began))
	return json.NewEncoder(os.Stdout).Encode(p.r)
}
