#!/usr/bin/env bash
# The real services the tests run against (docs/architecture.md, "Test services"): FerretDB (MongoDB wire, on
# SQLite) and Versity S3 Gateway (S3, POSIX backend), both built from the Go module proxy,
# cached outside the repo, started on 127.0.0.1 only.
#
#   scripts/test-services.sh build         build what is not cached yet (a cached run: ~instant)
#   scripts/test-services.sh start         start both on free ports, fresh data in a temp dir;
#                                          prints the env file to source (XRONOX_TEST_* variables)
#   scripts/test-services.sh stop [ENV]    stop what `start` started (ENV: its env file; default
#                                          $XRONOX_TEST_SERVICES_ENV, else the last `start`'s)
#   scripts/test-services.sh start-one NAME DIR
#                                          start one private instance of NAME (ferretdb or
#                                          versitygw) with all its state in DIR, for tests that
#                                          stop and restart a service; prints `export` lines:
#                                          XRONOX_ONE_PID, XRONOX_ONE_PORT, XRONOX_ONE_URI (ferretdb)
#                                          or XRONOX_ONE_ENDPOINT, _ACCESS_KEY, _SECRET_KEY,
#                                          _REGION (versitygw). Run again with the same DIR after
#                                          the instance died: it restarts on the same port with
#                                          the same data and keys. The caller stops it (kill PID).
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/xronox/bin/{ferretdb-v1.24.2,versitygw-v1.7.0}.
set -euo pipefail

readonly FERRETDB_VERSION=v1.24.2
readonly VERSITYGW_VERSION=v1.7.0
readonly cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/xronox"
readonly bin_dir="$cache_root/bin"
readonly ferretdb_bin="$bin_dir/ferretdb-$FERRETDB_VERSION"
readonly versitygw_bin="$bin_dir/versitygw-$VERSITYGW_VERSION"
# Where `start` records its env file, so that a bare `stop` finds it.
readonly last_env_pointer="$cache_root/run/last-env"
readonly start_timeout_s=30

die() { echo "test-services: $*" >&2; exit 1; }
log() { echo "test-services: $*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    if [ -x /usr/local/go/bin/go ]; then
      PATH="$PATH:/usr/local/go/bin"
    else
      die "'go' is not on PATH (nor at /usr/local/go/bin/go): it is needed to build FerretDB and versitygw"
    fi
  fi
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS="${GOFLAGS:--buildvcs=false}"
  # versitygw v1.7.0 needs Go 1.25 (FerretDB v1.24.2: 1.24).
  local version minor
  version="$(go env GOVERSION)"
  minor="$(echo "$version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [ -z "$minor" ] || [ "$minor" -lt 25 ]; then
    die "Go 1.25 or newer is needed to build the test services; $(command -v go) is $version"
  fi
}

# Move a built binary into the cache atomically (a concurrent run sees it whole or not at all).
install_binary() {
  mkdir -p "$bin_dir"
  cp "$1" "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

build_ferretdb() {
  if [ -x "$ferretdb_bin" ]; then return; fi
  need_go
  log "building FerretDB $FERRETDB_VERSION ($(go version | cut -d' ' -f3)) -> $ferretdb_bin"
  local work module_dir
  work="$(mktemp -d "${TMPDIR:-/tmp}/xronox-ferretdb-build-XXXXXX")"
  # `go install` of this module panics at start-up (no build/version/version.txt in the module
  # zip), so build from a writable copy of the module with that file written.
  module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$module_dir" ] && [ -d "$module_dir" ] || { rm -rf "$work"; die "go mod download of FerretDB gave no module directory"; }
  cp -r "$module_dir/." "$work/src"
  chmod -R u+w "$work/src"
  printf '%s\n' "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  if ! (cd "$work/src" && CGO_ENABLED=0 go build -o "$work/ferretdb" ./cmd/ferretdb); then
    rm -rf "$work"
    die "building FerretDB failed"
  fi
  install_binary "$work/ferretdb" "$ferretdb_bin"
  rm -rf "$work"
}

build_versitygw() {
  if [ -x "$versitygw_bin" ]; then return; fi
  need_go
  log "building versitygw $VERSITYGW_VERSION ($(go version | cut -d' ' -f3)) -> $versitygw_bin"
  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/xronox-versitygw-build-XXXXXX")"
  if ! (cd "$work" && GOBIN="$work" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"); then
    rm -rf "$work"
    die "building versitygw failed"
  fi
  install_binary "$work/versitygw" "$versitygw_bin"
  rm -rf "$work"
}

cmd_build() {
  build_ferretdb
  build_versitygw
  log "cached: $ferretdb_bin, $versitygw_bin"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Print a port nothing listens on now (the service may still lose a race for it: start()
# retries with another port when the service exits).
free_port() {
  local port tries
  for tries in $(seq 1 100); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! port_open "$port"; then echo "$port"; return; fi
  done
  die "found no free port"
}

# True when process $1 itself holds a listening TCP socket on port $2 (not another process
# that took the port first).
pid_listens() {
  local pid="$1" inode fd
  for inode in $(awk -v suffix=":$(printf '%04X' "$2")" \
    'substr($2, length($2) - 4) == suffix && $4 == "0A" { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    for fd in "/proc/$pid/fd/"*; do
      [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ] && return 0
    done
  done
  return 1
}

# Wait until pid $1 listens on port $2 and accepts a connection there; false if it exits or
# the wait times out.
wait_listening() {
  local pid="$1" port="$2" deadline=$((SECONDS + start_timeout_s))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    pid_listens "$pid" "$port" && port_open "$port" && return 0
    sleep 0.1
  done
  return 1
}

# Stop the pids given that still run one of our cached service binaries (never another process
# that reused a pid): TERM to all, then KILL to those still running after 5 s.
stop_pids() {
  local pid running=() i
  for pid in "$@"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
    if ! tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null |
      grep -qxF -e "$ferretdb_bin" -e "$versitygw_bin"; then
      log "pid $pid no longer runs a test service: left alone"
      continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    running+=("$pid")
  done
  for i in $(seq 1 50); do
    [ ${#running[@]} -eq 0 ] && return 0
    local still=()
    for pid in "${running[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then still+=("$pid"); fi
    done
    running=("${still[@]+"${still[@]}"}")
    [ ${#running[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  log "pids ${running[*]} did not stop on TERM within 5 s: KILL"
  kill -KILL "${running[@]}" 2>/dev/null || true
}

# The command line of each service (in the array service_cmd), with all its state under the
# directory $1 and @PORT@ for the port; versitygw also takes its root access and secret key.
ferretdb_command() {
  # FerretDB: SQLite backend in a fresh folder; its state file (state.json) goes to the temp
  # dir too, not the working directory; the debug HTTP listener and telemetry are off.
  service_cmd=(env HOME="$1/home" "$ferretdb_bin"
    --handler=sqlite --sqlite-url="file:$1/ferretdb-data/"
    --listen-addr=127.0.0.1:@PORT@ --state-dir="$1/ferretdb-state"
    --debug-addr=- --telemetry=disable --log-level=WARN)
}
versitygw_command() {
  # versitygw: POSIX backend in a fresh folder, root credentials from the environment (not in
  # the process list), listening on loopback only.
  service_cmd=(env HOME="$1/home" ROOT_ACCESS_KEY="$2" ROOT_SECRET_KEY="$3"
    "$versitygw_bin" --port 127.0.0.1:@PORT@ --region us-east-1
    posix "$1/s3-data")
}

# Start one service: name, port variable to set, then the command (with @PORT@ for the port).
# Sets the variable named by $2 to the port and ${1}_pid to the pid. With $fixed_port set, it
# listens on that port (one attempt) instead of a free one.
fixed_port=""
start_service() {
  local name="$1" port_var="$2"
  shift 2
  local attempt port pid args=() arg offset
  for attempt in 1 2 3; do
    port="${fixed_port:-$(free_port)}"
    args=()
    for arg in "$@"; do args+=("${arg//@PORT@/$port}"); done
    offset=$(stat -c %s "$tmp/$name.log" 2>/dev/null || echo 0)
    echo "== $name attempt $attempt: ${args[*]}" >>"$tmp/$name.log"
    "${args[@]}" >>"$tmp/$name.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$tmp/$name.pid"
    if wait_listening "$pid" "$port"; then
      printf -v "$port_var" '%s' "$port"
      printf -v "${name}_pid" '%s' "$pid"
      return 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
      stop_pids "$pid"
      log "$name did not accept connections on 127.0.0.1:$port within ${start_timeout_s} s; its log:"
      cat "$tmp/$name.log" >&2
      return 1
    fi
    wait "$pid" 2>/dev/null || true
    # Lost the race for the port to another process: try another port; else give up.
    if [ -n "$fixed_port" ] ||
      ! tail -c "+$((offset + 1))" "$tmp/$name.log" | grep -qi "address already in use"; then
      break
    fi
    log "$name could not bind 127.0.0.1:$port (taken meanwhile): retrying on another port"
  done
  log "$name exited at start; its log:"
  cat "$tmp/$name.log" >&2
  return 1
}

cmd_start() {
  [ -x "$ferretdb_bin" ] && [ -x "$versitygw_bin" ] ||
    die "services are not built: run '$0 build' first"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/xronox-services-XXXXXX")"
  mkdir -p "$tmp/ferretdb-data" "$tmp/ferretdb-state" "$tmp/s3-data" "$tmp/home"
  ferretdb_pid="" versitygw_pid="" failed=1
  # On failure (or an interrupt) stop what was started and remove the directory.
  trap 'if [ "$failed" = 1 ]; then stop_pids "${ferretdb_pid:-}" "${versitygw_pid:-}"; rm -rf "$tmp"; fi' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # Root credentials of this throw-away gateway (not secrets: loopback only, fresh data).
  local access_key="xronoxtest" secret_key="xronox-test-secret-$RANDOM$RANDOM"
  local mongo_port s3_port

  ferretdb_command "$tmp"
  start_service ferretdb mongo_port "${service_cmd[@]}"
  versitygw_command "$tmp" "$access_key" "$secret_key"
  start_service versitygw s3_port "${service_cmd[@]}"

  {
    echo "# Written by scripts/test-services.sh start: source it, then run the tests."
    local name value
    for name in MONGO_URI S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_REGION SERVICES_DIR \
      SERVICES_ENV FERRETDB_PID VERSITYGW_PID SERVICES_DESCRIPTION; do
      case "$name" in
        MONGO_URI) value="mongodb://127.0.0.1:$mongo_port/" ;;
        S3_ENDPOINT) value="http://127.0.0.1:$s3_port" ;;
        S3_ACCESS_KEY) value="$access_key" ;;
        S3_SECRET_KEY) value="$secret_key" ;;
        S3_REGION) value=us-east-1 ;;
        SERVICES_DIR) value="$tmp" ;;
        SERVICES_ENV) value="$tmp/env.sh" ;;
        FERRETDB_PID) value="$ferretdb_pid" ;;
        VERSITYGW_PID) value="$versitygw_pid" ;;
        SERVICES_DESCRIPTION)
          value="mongo-wire (FerretDB $FERRETDB_VERSION at 127.0.0.1:$mongo_port),"
          value+=" s3 (versitygw $VERSITYGW_VERSION at 127.0.0.1:$s3_port)" ;;
      esac
      printf 'export XRONOX_TEST_%s=%q\n' "$name" "$value"
    done
  } >"$tmp/env.sh"
  mkdir -p "$(dirname "$last_env_pointer")"
  echo "$tmp/env.sh" >"$last_env_pointer"
  failed=0
  log "started FerretDB $FERRETDB_VERSION on 127.0.0.1:$mongo_port (pid $ferretdb_pid)," \
    "versitygw $VERSITYGW_VERSION on 127.0.0.1:$s3_port (pid $versitygw_pid); logs in $tmp"
  echo "$tmp/env.sh"
}

cmd_stop() {
  local env_file="${1:-${XRONOX_TEST_SERVICES_ENV:-}}"
  if [ -z "$env_file" ] && [ -f "$last_env_pointer" ]; then
    env_file="$(cat "$last_env_pointer")"
  fi
  if [ -z "$env_file" ] || [ ! -f "$env_file" ]; then
    log "nothing to stop (no env file${env_file:+ at $env_file})"
    return 0
  fi
  local dir pids
  # The env file only assigns variables (written by cmd_start with printf %q).
  dir="$(. "$env_file" && echo "$XRONOX_TEST_SERVICES_DIR")"
  pids="$(. "$env_file" && echo "$XRONOX_TEST_FERRETDB_PID $XRONOX_TEST_VERSITYGW_PID")"
  # shellcheck disable=SC2086  # two pids, split on purpose
  stop_pids $pids
  case "$dir" in
    */xronox-services-*) rm -rf "$dir" ;;
    *) die "refusing to remove unexpected services directory '$dir'" ;;
  esac
  if [ -f "$last_env_pointer" ] && [ "$(cat "$last_env_pointer")" = "$env_file" ]; then
    rm -f "$last_env_pointer"
  fi
  log "stopped (pids $pids), removed $dir"
}

# One private instance of a service in its own directory, which keeps its port, keys, data and
# log, so that a second start-one with the same directory restarts the same service.
cmd_start_one() {
  local name="${1:-}" dir="${2:-}"
  case "$name" in
    ferretdb | versitygw) ;;
    *) die "usage: $0 start-one ferretdb|versitygw DIR" ;;
  esac
  [ -n "$dir" ] || die "usage: $0 start-one ferretdb|versitygw DIR"
  [ -x "$ferretdb_bin" ] && [ -x "$versitygw_bin" ] ||
    die "services are not built: run '$0 build' first"
  mkdir -p "$dir"
  tmp="$(cd "$dir" && pwd)"
  mkdir -p "$tmp/home" "$tmp/ferretdb-data" "$tmp/ferretdb-state" "$tmp/s3-data"
  if [ -f "$tmp/$name.port" ]; then fixed_port="$(cat "$tmp/$name.port")"; fi
  if [ ! -f "$tmp/s3-keys" ]; then
    printf 'xronoxtest\nxronox-test-secret-%s\n' "$RANDOM$RANDOM" >"$tmp/s3-keys"
  fi
  local access_key secret_key one_port pid_var="${name}_pid"
  { read -r access_key && read -r secret_key; } <"$tmp/s3-keys"
  if [ "$name" = ferretdb ]; then
    ferretdb_command "$tmp"
  else
    versitygw_command "$tmp" "$access_key" "$secret_key"
  fi
  start_service "$name" one_port "${service_cmd[@]}" || die "$name did not start in $tmp"
  echo "$one_port" >"$tmp/$name.port"
  printf 'export XRONOX_ONE_PID=%q\n' "${!pid_var}"
  printf 'export XRONOX_ONE_PORT=%q\n' "$one_port"
  if [ "$name" = ferretdb ]; then
    printf 'export XRONOX_ONE_URI=%q\n' "mongodb://127.0.0.1:$one_port/"
  else
    printf 'export XRONOX_ONE_ENDPOINT=%q\n' "http://127.0.0.1:$one_port"
    printf 'export XRONOX_ONE_ACCESS_KEY=%q\n' "$access_key"
    printf 'export XRONOX_ONE_SECRET_KEY=%q\n' "$secret_key"
    printf 'export XRONOX_ONE_REGION=%q\n' us-east-1
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) shift; cmd_stop "$@" ;;
  start-one) shift; cmd_start_one "$@" ;;
  *) die "usage: $0 build | start | stop [ENV_FILE] | start-one ferretdb|versitygw DIR" ;;
esac
