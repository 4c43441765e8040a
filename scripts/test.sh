#!/usr/bin/env bash
# The project's test command: ./scripts/test.sh [go test flags] [packages]
#
#   ./scripts/test.sh                      # go vet ./... && go test -race -count=1 ./...
#   ./scripts/test.sh -run Harness         # flags only: still every package (./...)
#   ./scripts/test.sh -run Harness ./tests/...   # packages given: only those
#   ./scripts/test.sh ./dynamormotel/...   # a nested module (own go.mod): its tests only
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

# Nested modules (their own go.mod, so ./... of the root does not reach
# them): vetted and tested in their directory when every package runs, or
# when one of their packages is named (./dynamormotel/...). They test on
# memdb and need no server.
readonly NESTED=(dynamormotel)

# Split package patterns from flags, and nested modules' packages from the
# root module's.
packages=()
nested=()
args=()
for arg in "$@"; do
	case "$arg" in
	./dynamormotel | ./dynamormotel/*) nested+=(dynamormotel) ;;
	. | ./* | ../* | "$MODULE" | "$MODULE"/*) packages+=("$arg"); args+=("$arg") ;;
	*) args+=("$arg") ;;
	esac
done
set -- ${args[@]+"${args[@]}"}
extra=()
if ((${#packages[@]} == 0)); then
	if ((${#nested[@]} > 0)); then
		extra=() # only nested modules were named
	else
		packages=(./...)
		extra=(./...)
		nested=("${NESTED[@]}")
	fi
fi

t0=$SECONDS
for mod in ${nested[@]+"${nested[@]}"}; do
	echo "==> go vet ./... in $mod" >&2
	(cd "$mod" && go vet ./...)
done
if ((${#packages[@]} > 0)); then
	echo "==> go vet ${packages[*]}" >&2
	go vet "${packages[@]}"
fi
echo "==> go vet ok ($((SECONDS - t0))s)" >&2

# Nested modules' tests first: they need no server.
nested_status=0
flags_only=()
for arg in "$@"; do
	case "$arg" in
	. | ./* | ../* | "$MODULE" | "$MODULE"/*) ;;
	*) flags_only+=("$arg") ;;
	esac
done
for mod in ${nested[@]+"${nested[@]}"}; do
	echo "==> go test -race -count=1 ${flags_only[*]} ./...  in $mod [memdb]" >&2
	(cd "$mod" && go test -race -count=1 ${flags_only[@]+"${flags_only[@]}"} ./...) || nested_status=$?
done
if ((${#packages[@]} == 0)); then
	echo "==> total $((SECONDS - t0))s" >&2
	exit "$nested_status"
fi

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
	./... | ./tests | ./tests/ | ./tests/... | "$MODULE"/... | "$MODULE"/tests | "$MODULE"/tests/...) run_memdb=true ;;
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
((status != 0)) || status=$nested_status
echo "==> total $((SECONDS - t0))s" >&2
exit "$status"
