package main

import (
	"strings"
	"testing"
)

// The KMS client (aws-sdk-go-v2/service/kms) is linked only into programs
// that encrypt fields through pkg/kmskeys: the dynamorm Lambda handler,
// which does not, links none of it; kmshandler, the same program with a
// KMS key configured, does (which shows the check can fail).
func TestKMSLinkedOnlyWhenUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("links two Lambda binaries")
	}
	const kms = "github.com/aws/aws-sdk-go-v2/service/kms."
	if n := linkedFrom(t, "./bench/coldstart/dynamormhandler", kms); n != 0 {
		t.Errorf("the handler that does not encrypt links %d symbols of service/kms", n)
	}
	if n := linkedFrom(t, "./bench/coldstart/kmshandler", kms); n == 0 {
		t.Errorf("the handler that encrypts links no symbol of service/kms: the check above proves nothing")
	}
}

// linkedFrom counts the symbols starting with prefix that linking pkg
// keeps.
func linkedFrom(t *testing.T, pkg, prefix string) int {
	t.Helper()
	n := 0
	for _, edge := range linkerEdges(t, pkg) {
		_, to, _ := strings.Cut(edge, " -> ")
		if strings.HasPrefix(strings.TrimPrefix(to, "type:"), prefix) {
			n++
		}
	}
	return n
}
