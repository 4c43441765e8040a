#!/usr/bin/env bash
# Runs the example program against a private DynamoDB Local:
#
#   ./scripts/run-example.sh [args for the example]
#
# It starts DynamoDB Local (stopped again on every exit path), points the AWS
# environment at it as scripts/test.sh does, and runs `go run ./examples/quickstart`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

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

endpoint="$(./scripts/dynamodb-local.sh start)"

export AWS_ENDPOINT_URL_DYNAMODB="$endpoint"
export DYNAMORM_TEST_ENDPOINT="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"

status=0
go run ./examples/quickstart "$@" || status=$?
exit "$status"
