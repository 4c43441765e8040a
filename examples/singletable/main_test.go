package main

import "testing"

// TestRun runs the example on memdb (or the configured endpoint).
func TestRun(t *testing.T) {
	if err := run(); err != nil {
		t.Fatal(err)
	}
}
