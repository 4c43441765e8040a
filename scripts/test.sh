#!/usr/bin/env bash
# The project's test command: ./scripts/test.sh [go test flags] [packages]
#
#   ./scripts/test.sh                      # go vet ./... && go test -race -count=1 ./...
#   ./scripts/test.sh -run Harness         # flags only: still every package (./...)
#   ./scripts/test.sh -run Harness ./tests/...   # packages given: only those
#
# Rule for arguments: they all go to `go test` after `-race -count=1`. If one
# of them is a package pattern (".", or starting with "./", "../" or the module
# path), the packages are the ones given (and go vet checks those); otherwise
# ./... is appended. Give path-valued flags as -flag=value (-coverprofile=c.out).
#
# It starts a private DynamoDB Local (stopped again on every exit path), points
# the AWS environment at it and exits with go test's status. go vet runs
# first; when it fails, the tests do not run and its status is returned.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly MODULE=github.com/dynamorm/dynamorm

# Split package patterns from flags.
packages=()
for arg in "$@"; do
	case "$arg" in
	. | ./* | ../* | "$MODULE" | "$MODULE"/*) packages+=("$arg") ;;
	esac
done
extra=()
((${#packages[@]} > 0)) || { packages=(./...); extra=(./...); }

t0=$SECONDS
echo "==> go vet ${packages[*]}" >&2
go vet "${packages[@]}"
echo "==> go vet ok ($((SECONDS - t0))s)" >&2

# A private state dir per run: parallel runs (two checkouts, CI beside a
# developer) each get their own server and never stop each other's.
state_dir="$(mktemp -d "${TMPDIR:-/tmp}/dynamorm-ddb.XXXXXX")"
export DYNAMODB_LOCAL_STATE_DIR="$state_dir"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	./scripts/dynamodb-local.sh stop || true
	rm -rf "$state_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t1=$SECONDS
echo "==> starting DynamoDB Local" >&2
endpoint="$(./scripts/dynamodb-local.sh start)"
echo "==> DynamoDB Local at $endpoint ($((SECONDS - t1))s)" >&2

export AWS_ENDPOINT_URL_DYNAMODB="$endpoint"
export DYNAMORM_TEST_ENDPOINT="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"

t2=$SECONDS
echo "==> go test -race -count=1 $* ${extra[*]}  [integration tests on DynamoDB Local]" >&2
status=0
DYNAMORM_TEST_BACKEND=local DYNAMORMTEST_ENDPOINT="$endpoint" go test -race -count=1 "$@" "${extra[@]}" || status=$?
echo "==> go test exit status $status ($((SECONDS - t2))s)" >&2

# The integration tests again, on the in-process memdb backend, so that both
# backends stay faithful to the same suite; with them dynamormtest's own
# tests, which the first run pointed at DynamoDB Local (DYNAMORMTEST_ENDPOINT).
# Only when ./tests is among the packages run; the flags are the same.
flags=()
run_memdb=false
for arg in "$@" "${extra[@]}"; do
	case "$arg" in
	./... | ./tests | ./tests/... | "$MODULE"/... | "$MODULE"/tests | "$MODULE"/tests/...) run_memdb=true ;;
	. | ./* | ../* | "$MODULE" | "$MODULE"/*) ;;
	*) flags+=("$arg") ;;
	esac
done
if $run_memdb; then
	t3=$SECONDS
	echo "==> go test -race -count=1 ${flags[*]} ./tests/... ./pkg/dynamormtest/...  [integration tests on memdb]" >&2
	memdb_status=0
	DYNAMORM_TEST_BACKEND=memdb DYNAMORMTEST_ENDPOINT= go test -race -count=1 "${flags[@]}" ./tests/... ./pkg/dynamormtest/... || memdb_status=$?
	echo "==> go test (memdb) exit status $memdb_status ($((SECONDS - t3))s)" >&2
	((status != 0)) || status=$memdb_status
fi
echo "==> total $((SECONDS - t0))s" >&2
exit "$status"
