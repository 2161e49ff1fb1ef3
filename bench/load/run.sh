#!/usr/bin/env bash
# HTTP load benchmark: xronoxd under wrk, beside the same operations called in process through
# the library (xronox_inprocess_load) with as many threads as wrk has connections.
#
#   ./scripts/build.sh release && bench/load/run.sh
#
# Backends: the embedded default (a temp dir), and MongoDB wire + S3 through --config when the
# test services' variables are set (env_file=$(./scripts/test-services.sh start); source it).
# For each backend: write the records (in process), start xronoxd, run wrk for GET, POST and PUT
# at each connection count, read the server's peak memory (VmHWM) and stop it, then run the
# same operations in process over the same store. Builds nothing.
#
# Environment (all optional):
#   XRONOX_BENCH_BUILD        build folder with xronoxd and bench/xronox_inprocess_load
#                             (default build/release)
#   XRONOX_BENCH_SECONDS      seconds per run (default 3)
#   XRONOX_BENCH_RECORDS      records per prepared set (default 1000)
#   XRONOX_BENCH_CONNECTIONS  connection counts (default "1 16 64")
#   XRONOX_BENCH_OPS          operations (default "health get create update"; health is
#                             GET /v1/health, server only: the HTTP transport's ceiling)
#   XRONOX_BENCH_SERVER_FLAGS extra xronoxd flags, e.g. "--threads 8"
#   XRONOX_BENCH_BACKENDS     backends to run (default "embedded mongo_s3"; mongo_s3 only
#                             when the services are set)
#   XRONOX_BENCH_OUT          Markdown report (default <build>/bench-load.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
build=${XRONOX_BENCH_BUILD:-build/release}
run_seconds=${XRONOX_BENCH_SECONDS:-3}
export XRONOX_BENCH_RECORDS=${XRONOX_BENCH_RECORDS:-1000}
connections=${XRONOX_BENCH_CONNECTIONS:-"1 16 64"}
ops=${XRONOX_BENCH_OPS:-"health get create update"}
server_flags=${XRONOX_BENCH_SERVER_FLAGS:-}
backends=${XRONOX_BENCH_BACKENDS:-"embedded mongo_s3"}
out=${XRONOX_BENCH_OUT:-$build/bench-load.md}
xronoxd=$build/xronoxd
inprocess=$build/bench/xronox_inprocess_load
for binary in "$xronoxd" "$inprocess"; do
  [ -x "$binary" ] || { echo "missing $binary: run ./scripts/build.sh release" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "missing wrk: run ./scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/xronox-load.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The value of `name`=... in `line`.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
micros_to_ms() { [ -z "$1" ] && echo "-" || awk -v us="$1" 'BEGIN { printf "%.3f", us / 1000 }'; }
# `name` from the result line `line`, "-" when there is none.
value() { local v; v=$(field "$1" "$2"); echo "${v:--}"; }

# A config over the test services with fresh database names and buckets (ServiceStore's shape).
write_services_config() {
  local stem
  stem="xb$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  cat >"$1" <<EOF
{"connections": {
   "mongo": {"main": {"uri": "$XRONOX_TEST_MONGO_URI"}},
   "s3": {"main": {"endpoint": "$XRONOX_TEST_S3_ENDPOINT",
                   "region": "${XRONOX_TEST_S3_REGION:-us-east-1}",
                   "accessKey": "$XRONOX_TEST_S3_ACCESS_KEY",
                   "secretKey": "$XRONOX_TEST_S3_SECRET_KEY"}}},
 "databases": {"runtime": {"tenantTemplate": {
   "mongoRef": "main", "s3Ref": "main", "dbName": "${stem}_rt_{tenant}",
   "recordsBucket": "${stem}-rt-{tenant}-records", "versionsBucket": "${stem}-rt-{tenant}-versions",
   "contentBucket": "${stem}-rt-{tenant}-content", "backupsBucket": "${stem}-rt-{tenant}-backups"}}}}
EOF
}

# Starts xronoxd with the store flags "$@" on a free port; sets server_pid and server_url.
start_server() {
  local log=$work/server.out
  # shellcheck disable=SC2086  # server_flags is a list of flags.
  "$xronoxd" "$@" --listen 127.0.0.1:0 $server_flags >"$log" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 300); do
    server_url=$(sed -n 's/^xronoxd listening on \(http:[^ ]*\).*/\1/p' "$log")
    [ -n "$server_url" ] && return 0
    sleep 0.1
  done
  echo "xronoxd did not start: $(cat "$work/server.err")" >&2
  exit 1
}

# Prints the server's peak resident memory in MiB, then stops it.
stop_server() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

# One wrk run: prints its WRK_RESULT line.
run_wrk() {
  local op=$1 conns=$2 threads=$(($2 < 2 ? $2 : 2))
  wrk -t "$threads" -c "$conns" -d "${run_seconds}s" --timeout 10s --latency \
    -s "$root/bench/load/$op.lua" "$server_url" | tee -a "$work/wrk.log" | grep '^WRK_RESULT'
}

rows=()
# Runs every operation on `backend` with the store flags "$@"; appends the table rows.
bench_backend() {
  local backend=$1
  shift
  echo "== $backend: preparing $XRONOX_BENCH_RECORDS records per set" >&2
  "$inprocess" "$@" --prepare "$XRONOX_BENCH_RECORDS"
  start_server "$@"
  declare -A server
  for op in $ops; do
    for c in $connections; do
      echo "== $backend: server $op, $c connections" >&2
      server[$op/$c]=$(run_wrk "$op" "$c")
    done
  done
  local memory
  memory=$(stop_server)
  echo "== $backend: in process" >&2
  local inproc in_ops
  in_ops=$(tr ' ' '\n' <<<"$ops" | grep -v '^health$' | paste -sd, -)
  inproc=$("$inprocess" "$@" --records "$XRONOX_BENCH_RECORDS" --ops "$in_ops" \
    --threads "${connections// /,}" --seconds "$run_seconds")
  for op in $ops; do
    for c in $connections; do
      local s=${server[$op/$c]} i
      i=$(grep "^INPROC op=$op threads=$c " <<<"$inproc" || true)
      local ratio
      ratio=$(awk -v s="$(field rps "$s")" -v i="$(field rps "$i")" \
        'BEGIN { if (i > 0) printf "%.2f", s / i; else print "-" }')
      rows+=("| $backend | $op | $c | $(value rps "$s") | $(micros_to_ms "$(field p50_us "$s")") |\
 $(micros_to_ms "$(field p99_us "$s")") | $(value non2xx "$s") / $(value socket_errors "$s") |\
 $(value rps "$i") | $(micros_to_ms "$(field p50_us "$i")") | $(micros_to_ms "$(field p99_us "$i")") |\
 $(value errors "$i") | $ratio | $memory |")
    done
  done
}

for backend in $backends; do
  case $backend in
    embedded) bench_backend embedded --data "$work/embedded" ;;
    mongo_s3)
      if [ -z "${XRONOX_TEST_MONGO_URI:-}" ] || [ -z "${XRONOX_TEST_S3_ENDPOINT:-}" ]; then
        echo "== mongo_s3 skipped: XRONOX_TEST_MONGO_URI / XRONOX_TEST_S3_* not set" >&2
        continue
      fi
      write_services_config "$work/services.json"
      bench_backend mongo_s3 --config "$work/services.json"
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
done

{
  echo "HTTP load: ${run_seconds} s per run, $XRONOX_BENCH_RECORDS records per set," \
    "xronoxd flags: '${server_flags}', $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| backend | op | conns | server req/s | server p50 ms | server p99 ms |" \
    "server non-2xx / socket errors | in-process ops/s | in-process p50 ms |" \
    "in-process p99 ms | in-process errors | server/in-process | server VmHWM MiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out"
echo "report written to $out" >&2
