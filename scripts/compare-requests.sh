#!/usr/bin/env bash
# Proves that a change sends exactly the requests it sent before:
#
#   ./scripts/compare-requests.sh [BASE]     # BASE defaults to main
#
# Runs the integration suite (./tests/...) on memdb twice — at BASE (in a
# temporary worktree) and in this working tree — with DYNAMORM_RECORD_REQUESTS
# set (see tests/testenv/record.go: every request, normalised), and compares
# the two multisets of requests. Exits 0 when they are identical, 1 with the
# differing requests otherwise. BASE must contain tests/testenv/record.go.
#
# A few tests send requests that differ from run to run by design; their
# requests are left out of the comparison:
#   TestBatchLosesNothingWhenHalfTheRequestsComeBackUnprocessed  random unprocessed items
#   TestBatchErrorListsExactlyTheUnwrittenItems                 random unprocessed items
#   TestBatchWriteAndDelete                                      deletes keys in map order
#   TestContextIsHonoured                                        retries GetItem until a 100 ms deadline
#   TestFaults*, TestLoad*                                       random faults and concurrent load
#   TestAutoMigrateAndEnsureTableRefuseAMismatchedTable          waits for a table created concurrently
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base="${1:-main}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dynamorm-cmp.XXXXXX")"
cleanup() { git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
readonly random='TestBatchLosesNothingWhenHalfTheRequestsComeBackUnprocessed|TestBatchErrorListsExactlyTheUnwrittenItems|TestBatchWriteAndDelete|TestContextIsHonoured|TestFaults[A-Za-z0-9]*|TestLoad[A-Za-z0-9]*|TestAutoMigrateAndEnsureTableRefuseAMismatchedTable'

record() { # record DIR OUT
	(cd "$1" && DYNAMORM_TEST_BACKEND=memdb DYNAMORM_RECORD_REQUESTS="$2.raw" go test -count=1 ./tests/... >"$2.log" 2>&1) ||
		{ echo "compare-requests: the suite failed in $1 (log: $2.log)" >&2; tail -20 "$2.log" >&2; exit 2; }
	grep -Ev "_($random)_" "$2.raw" | LC_ALL=C sort >"$2"
}

git worktree add --detach "$work/base" "$base" >/dev/null 2>&1
[ -f "$work/base/tests/testenv/record.go" ] || { echo "compare-requests: $base has no request recorder" >&2; exit 2; }
record "$work/base" "$work/before"
record "$PWD" "$work/after"
before=$(wc -l <"$work/before") after=$(wc -l <"$work/after")
if cmp -s "$work/before" "$work/after"; then
	echo "compare-requests: identical: $after requests at $base and in the working tree"
	exit 0
fi
echo "compare-requests: DIFFERENT: $before requests at $base, $after in the working tree; first differences:"
diff "$work/before" "$work/after" | grep '^[<>]' | cut -c1-400 | head -40
exit 1
