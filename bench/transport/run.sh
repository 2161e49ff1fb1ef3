#!/usr/bin/env bash
# The HTTP library comparison behind xronoxd's transport: strictness and throughput of each
# Debian-packaged candidate, beside nginx (the ceiling) and xronoxd itself.
#
#   ./scripts/build.sh release && bench/transport/run.sh
#
# Each candidate is a minimal server with one contract (GET /v1/health answers a fixed JSON;
# a request with a body answers its length): cpp-httplib (today's library), Boost.Beast,
# libh2o and libmicrohttpd. For each, and for nginx (worker_processes 1, a fixed JSON answer)
# and xronoxd's own GET /v1/health: wrk at each connection count, the server pinned to core 0
# and wrk to core 1, access logs off; then framing_probe.py's malformed and ambiguous requests.
# Installs the candidates' Debian packages when missing; builds the servers into
# ~/.cache/xronox/transport-bench.
#
# Environment (all optional):
#   XRONOX_BENCH_BUILD        build folder with xronoxd (default build/release)
#   XRONOX_BENCH_SECONDS      seconds per wrk run (default 5)
#   XRONOX_BENCH_CONNECTIONS  connection counts (default "1 16 64")
#   XRONOX_BENCH_OUT          Markdown report (default <build>/bench-transport.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
build=${XRONOX_BENCH_BUILD:-build/release}
seconds=${XRONOX_BENCH_SECONDS:-5}
connections=${XRONOX_BENCH_CONNECTIONS:-"1 16 64"}
out=${XRONOX_BENCH_OUT:-$build/bench-transport.md}
cache=${HOME}/.cache/xronox/transport-bench
[ -x "$build/xronoxd" ] || { echo "missing $build/xronoxd: run ./scripts/build.sh release" >&2; exit 1; }

packages="libboost1.81-dev libh2o-evloop-dev libmicrohttpd-dev libcpp-httplib-dev nginx-light wrk"
missing=""
for package in $packages; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
fi

mkdir -p "$cache"
build_server() {  # name, extra flags
  local name=$1
  shift
  local source=bench/transport/${name}_server.cc binary=$cache/${name}_server
  if [ ! -x "$binary" ] || [ "$source" -nt "$binary" ]; then
    echo "building $name"
    g++ -O2 -std=c++20 -o "$binary" "$source" "$@" -lpthread
  fi
}
build_server beast
build_server h2o $(pkg-config --cflags --libs libh2o-evloop)
build_server mhd $(pkg-config --cflags --libs libmicrohttpd)
build_server httplib $(pkg-config --cflags --libs cpp-httplib)

work=$(mktemp -d /tmp/xronox-transport.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_port() {
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/v1/health" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server on port $1 did not answer" >&2
  return 1
}

write_nginx_config() {  # port
  cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-body;
  server {
    listen 127.0.0.1:$1;
    location = /v1/health { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
EOF
}

# Starts server `name` pinned to core 0 on `port`; sets server_pid.
start_server() {
  local name=$1 port=$2
  case $name in
    nginx)
      write_nginx_config "$port"
      taskset -c 0 nginx -c "$work/nginx.conf" >"$work/$name.out" 2>&1 &
      ;;
    xronoxd)
      mkdir -p "$work/data"
      # xronoxd has no switch for its request log yet: its lines go to /dev/null.
      taskset -c 0 "$build/xronoxd" --data "$work/data" --listen "127.0.0.1:$port" \
        >"$work/$name.out" 2>/dev/null &
      ;;
    # cpp-httplib serves one connection per thread: 64 threads, so that no connection waits.
    httplib) taskset -c 0 "$cache/httplib_server" "$port" 64 >"$work/$name.out" 2>&1 & ;;
    *) taskset -c 0 "$cache/${name}_server" "$port" 1 >"$work/$name.out" 2>&1 & ;;
  esac
  server_pid=$!
  wait_for_port "$port"
}

# Microseconds from a wrk latency like 39.00us, 1.20ms or 1.01s.
to_micros() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) f = 1; else if (v ~ /ms$/) f = 1000;
                         else if (v ~ /s$/) f = 1000000; else f = 1; printf "%.0f", n * f }'
}

# "req/s p50_us p99_us errors" of wrk against `port` with `conns` connections.
measure() {
  local port=$1 conns=$2 text
  text=$(taskset -c 1 wrk -t1 -c"$conns" -d"${seconds}s" --latency \
    "http://127.0.0.1:$port/v1/health" 2>&1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$text")
  p50=$(to_micros "$(awk '$1 == "50%" { print $2 }' <<<"$text")")
  p99=$(to_micros "$(awk '$1 == "99%" { print $2 }' <<<"$text")")
  errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$text" | tr '\n' ' ')
  echo "$rps $p50 $p99 ${errors:-none}"
}

servers="nginx xronoxd httplib beast h2o mhd"
declare -A nginx_rps
{
  echo "## HTTP transport candidates, $(date -u +%Y-%m-%d) ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "GET /v1/health, wrk -t1 for ${seconds} s, server on core 0 with one event loop (cpp-httplib:"
  echo "64 threads, one per connection; xronoxd: its thread-per-connection pool, request log written"
  echo "to /dev/null), wrk on core 1;"
  echo "ratio = requests/s over nginx's."
  echo
  echo "| server | connections | requests/s | ratio to nginx | p50 us | p99 us | errors |"
  echo "|---|---|---|---|---|---|---|"
} >"$out"
for server in $servers; do
  port=$(free_port)
  start_server "$server" "$port"
  for conns in $connections; do
    read -r rps p50 p99 errors <<<"$(measure "$port" "$conns")"
    [ "$server" = nginx ] && nginx_rps[$conns]=$rps
    ratio=$(awk -v a="$rps" -v b="${nginx_rps[$conns]}" 'BEGIN { printf "%.2f", a / b }')
    line="| $server | $conns | $rps | $ratio | $p50 | $p99 | $errors |"
    echo "$line" | tee -a "$out"
  done
  stop_server
done

{
  echo
  echo "Framing: each malformed or ambiguous request of framing_probe.py, then (where it matters)"
  echo "a well-formed one on the same connection. pass = the expected status, then the connection"
  echo "closed with nothing else answered; wait = no answer within 2 s."
  echo
  echo "| server | case | verdict |"
  echo "|---|---|---|"
} >>"$out"
for server in xronoxd httplib beast h2o mhd; do
  port=$(free_port)
  start_server "$server" "$port"
  python3 bench/transport/framing_probe.py 127.0.0.1 "$port" --markdown "$server" >"$work/probe"
  grep '^|' "$work/probe" >>"$out"
  echo "$server: $(tail -1 "$work/probe")" | tee -a "$work/summary"
  stop_server
done
{
  echo
  sed 's/^/- /' "$work/summary"
} >>"$out"
echo "report: $root/$out"
