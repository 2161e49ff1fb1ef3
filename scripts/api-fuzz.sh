#!/usr/bin/env bash
# Property-based fuzzing of xronoxd's HTTP API from its own OpenAPI description: starts the
# debug xronoxd on an embedded store in a temp dir (port 0), with one API key whose token
# schemathesis sends, and runs schemathesis (PyPI, pinned; its virtualenv is cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/xronox/venv-schemathesis) against /v1/openapi.json, bounded
# in examples and wall-clock time. Fails on any finding (a 5xx, an undocumented status, a body
# or Content-Type that breaks the document), if xronoxd dies, or if it does not stop with exit
# 0 on SIGTERM. Also fails when the tool cannot be installed (for example, PyPI unreachable).
#
# usage: scripts/api-fuzz.sh [SECONDS]   (wall-clock budget of the fuzz run, default 90)
# env:   XRONOX_API_FUZZ_SEED (default 1: the same cases every run), XRONOX_API_FUZZ_EXAMPLES
#        (most cases an operation gets a phase, default 40), XRONOXD_BINARY, XRONOX_API_FUZZ_KEEP=1
#        (keep the server log and the JUnit and VCR reports for a look at a finding).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
budget="${1:-90}"
seed="${XRONOX_API_FUZZ_SEED:-1}"
examples="${XRONOX_API_FUZZ_EXAMPLES:-40}"
xronoxd="${XRONOXD_BINARY:-$root/build/debug/xronoxd}"
schemathesis_version="4.32.5"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/xronox/venv-schemathesis"

fail() {
  echo "api-fuzz: $*" >&2
  exit 1
}

[ -x "$xronoxd" ] || fail "no xronoxd at $xronoxd (build the debug preset first)"

# The virtualenv is reused while it holds the pinned version; otherwise it is made anew.
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != \
  "schemathesis, version $schemathesis_version" ]; then
  echo "api-fuzz: installing schemathesis $schemathesis_version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (is python3-venv installed?)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$schemathesis_version" || fail "pip could not install schemathesis"
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [ "${XRONOX_API_FUZZ_KEEP:-0}" = "1" ]; then
    echo "api-fuzz: kept the server log and reports in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# A key allowed everything, admin included, so the fuzzer reaches every handler and /metrics
# rather than stopping at 401/403 (schemathesis still sends requests without it, see below).
token="xrx_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
secret="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
cat >"$work/keys.json" <<EOF
{"apiKeys": [{"principal": "api-fuzz", "secretSha256": "$secret",
  "scopes": [{"databaseTypes": ["*"], "tenants": ["*"], "operations": ["read", "write", "admin"]}]}]}
EOF

mkfifo "$work/stdout"
"$xronoxd" --data "$work/data" --api-keys "$work/keys.json" --listen 127.0.0.1:0 \
  --max-body 1048576 --max-content 1048576 --log-format text \
  >"$work/stdout" 2>"$work/xronoxd.log" &
server_pid=$!
exec 3<"$work/stdout"
line=""
read -r -t 30 line <&3 || true
port="$(sed -n 's|^xronoxd listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' <<<"$line")"
if [ -z "$port" ]; then
  cat "$work/xronoxd.log" >&2
  fail "xronoxd did not start (stdout: '$line')"
fi
# Keep draining stdout so the server never blocks on a full pipe.
cat <&3 >/dev/null &
exec 3<&-
base="http://127.0.0.1:$port"
echo "api-fuzz: xronoxd pid $server_pid on $base; seed $seed, $examples examples, ${budget} s"

status=0
started=$SECONDS
# schemathesis keeps a cache of its findings in the current directory: keep it out of the tree.
cd "$work"
# --max-time ends the generation; timeout is the hard cap should a request hang. One worker:
# Python 3.11 before 3.11.8 fails ast.parse run in two threads at once ("AST constructor
# recursion depth mismatch", CPython gh-106905), which Hypothesis does to describe strategies.
timeout --signal=TERM --kill-after=15 $((budget + 60)) \
  "$venv/bin/schemathesis" run "$base/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" --max-time "$budget" --seed "$seed" --workers 1 \
  --request-timeout 20 --suppress-health-check all --generation-database none --no-color \
  --report junit,vcr --report-junit-path "$work/junit.xml" --report-vcr-path "$work/vcr.yaml" ||
  status=$?
echo "api-fuzz: schemathesis exited $status after $((SECONDS - started)) s"

if ! kill -0 "$server_pid" 2>/dev/null; then
  cat "$work/xronoxd.log" >&2
  fail "xronoxd died during the fuzz run"
fi
if grep -q '"level":"error"\| error ' "$work/xronoxd.log"; then
  grep '"level":"error"\| error ' "$work/xronoxd.log" | head -20 >&2
  fail "xronoxd logged errors (5xx answers) during the fuzz run"
fi
kill -TERM "$server_pid"
exit_code=0
wait "$server_pid" || exit_code=$?
server_pid=""
[ "$exit_code" -eq 0 ] || fail "xronoxd exited $exit_code on SIGTERM, not 0"
[ "$status" -eq 0 ] || fail "schemathesis reported findings (exit $status)"
echo "api-fuzz: no findings; xronoxd stopped cleanly"
