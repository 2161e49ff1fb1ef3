#!/usr/bin/env bash
# Install what is missing, check formatting, that every docs/ reference resolves and that no
# include crosses the layers backwards, build with warnings as errors, lint src/ with clang-tidy,
# and run every test suite once under ASan+UBSan: unit, conformance, engine (over the backend
# matrix) and integration (server over loopback HTTP, CLI, crash tests, and smoke tests of the
# real test services). The debug build (no sanitizers) provides the lint's compile commands, runs
# the tests that measure memory and bytes (tests/measured/, which the sanitizers would distort),
# compiles the benchmarks, and serves a bounded schemathesis run (scripts/api-fuzz.sh). Then the
# libFuzzer targets of fuzz/ run for 20 s each (scripts/fuzz.sh). The test services (FerretDB for
# the MongoDB wire, versitygw for S3; docs/architecture.md) are built once and cached by
# scripts/test-services.sh (beside the debug build), started on 127.0.0.1 for this run and
# stopped at its end; a service that does not start fails the run.
# XRONOX_SKIP_SANITIZERS=1 runs every suite in the debug build instead of the ASan+UBSan one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Compiler warnings are errors in every build of this run.
export XRONOX_WERROR=ON
"$root/scripts/setup.sh"
"$root/scripts/check-format.sh"
"$root/scripts/check-docs-links.sh"
"$root/scripts/check-layering.sh"

services="$root/scripts/test-services.sh"
services_env=""
services_build_pid=""
stop_services() {
  if [ -n "$services_build_pid" ]; then kill "$services_build_pid" 2>/dev/null || true; fi
  if [ -n "$services_env" ]; then "$services" stop "$services_env" || true; fi
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each phase prints how long it took, so that a slow one shows in the log (SECONDS counts from
# the start of this script).
phase_started=0
phase_done() {
  echo "== $1 took $((SECONDS - phase_started)) s"
  phase_started=$SECONDS
}
phase_done "setup and checks"

# The test services are built (from the Go module proxy, on a fresh machine mostly a download)
# while the debug build compiles; the services start once both are done.
services_build_log="$(mktemp)"
"$services" build >"$services_build_log" 2>&1 &
services_build_pid=$!
start_services() {
  local status=0
  wait "$services_build_pid" || status=$?
  services_build_pid=""
  cat "$services_build_log" >&2
  rm -f "$services_build_log"
  if [ "$status" != 0 ]; then
    echo "test: building the test services failed" >&2
    exit 1
  fi
  services_env="$("$services" start)" || { echo "test: the test services did not start" >&2; exit 1; }
  # shellcheck source=/dev/null
  . "$services_env"
  phase_done "services built and started"
  # The service smoke tests fail, not skip, if their endpoints are missing.
  export XRONOX_REQUIRE_SERVICES=1
}

# Fail if a service has died since it started (its log says why).
check_services() {
  local name pid_var pid
  for name in FERRETDB VERSITYGW; do
    pid_var="XRONOX_TEST_${name}_PID"
    pid="${!pid_var}"
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "test: the ${name,,} test service (pid $pid) is no longer running; its log:" >&2
      cat "$XRONOX_TEST_SERVICES_DIR/${name,,}.log" >&2 || true
      exit 1
    fi
  done
}

# libmongoc keeps counters in /dev/shm/mongoc-<pid> and removes the file at exit; a process
# killed by the crash tests leaves it behind, and a later process that gets the same pid then
# logs "Falling back to malloc for counters" before xronoxd's log handler is set, which breaks
# the one-JSON-line-per-log-line check. Remove the files of processes that are gone.
remove_stale_mongoc_counters() {
  local file pid
  for file in /dev/shm/mongoc-*; do
    [ -e "$file" ] || continue
    pid=${file##*-}
    [ -d "/proc/$pid" ] || rm -f "$file"
  done
}

# run_suites PRESET [CTEST_ARGS...]: build the preset (the debug one is built already) and run
# its tests (all, or those CTEST_ARGS select).
run_suites() {
  local preset="$1"
  shift
  if [ "$preset" != debug ]; then
    echo "== build ($preset)"
    "$root/scripts/build.sh" "$preset"
    phase_done "build ($preset)"
  fi
  check_services
  remove_stale_mongoc_counters
  if [ $# -gt 0 ]; then
    echo "== test ($preset $*): services: $XRONOX_TEST_SERVICES_DESCRIPTION"
  else
    echo "== test ($preset): conformance on memory, sqlite, folder, mongo, s3 and mongo objects;" \
      "engine suites on memory, embedded (sqlite + folder), mongo+s3 and mongo-only;" \
      "services: $XRONOX_TEST_SERVICES_DESCRIPTION"
  fi
  ctest --preset "$preset" -j2 --timeout 600 "$@" | tee "$ctest_log"
  summarize_backends "$preset" "$ctest_log"
  # ctest's summary: "100% tests passed, 0 tests failed out of N".
  local total skipped
  total="$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$ctest_log" | tail -1)"
  skipped="$(grep -c '(Skipped)$' "$ctest_log" || true)"
  passed_total=$((passed_total + ${total:-0} - skipped))
  skipped_total=$((skipped_total + skipped))
  check_services
  phase_done "test ($preset)"
}

# One line per backend: how many tests ran on it (passed) and how many were skipped, from the
# parameter suffix of each test name (".../mongo_s3", ".../embedded_plain_claimed", ...).
summarize_backends() {
  local preset="$1" log="$2"
  awk -v preset="$preset" '
    / Test +#[0-9]+: / && (/ Passed / || /\*\*\*Skipped/) {
      name = $0; sub(/.*Test +#[0-9]+: /, "", name); sub(/ .*/, "", name)
      n = split(name, parts, "/"); suffix = (n > 1) ? parts[n] : ""
      backend = "other"
      split("mongo_s3 mongo_only embedded memory sqlite folder mongo s3", known, " ")
      for (i = 1; i <= 8; i++) if (index(suffix, known[i]) == 1) { backend = known[i]; break }
      if (/\*\*\*Skipped/) skipped[backend]++; else passed[backend]++
      seen[backend] = 1
    }
    END {
      line = "== backends (" preset "):"
      for (b in seen) line = line sprintf(" %s %d passed, %d skipped;", b, passed[b], skipped[b])
      print line
    }' "$log"
}

ctest_log="$(mktemp)"
passed_total=0
skipped_total=0
sanitized=1
if [ "${XRONOX_SKIP_SANITIZERS:-0}" = "1" ]; then sanitized=0; fi
# The debug build: without the sanitizers, only what runs or is checked in it (the server and CLI,
# the measured tests, the benchmarks) unless it runs every suite. clang-tidy (.clang-tidy) lints
# src/ on its compile commands: only the files with no known clean result (scripts/lint.py says
# how that is decided).
echo "== build (debug) and lint"
if [ "$sanitized" = 1 ]; then
  "$root/scripts/build.sh" debug --target xronoxd xronox_cli xronox_measured_tests xronox_benches
else
  "$root/scripts/build.sh" debug
fi
"$root/scripts/lint.py"
phase_done "build (debug) and lint"
start_services
if [ "$sanitized" = 1 ]; then
  run_suites debug -L measured
else
  run_suites debug
fi
# Property-based fuzzing of the HTTP API from docs/openapi.json (schemathesis from PyPI), against
# the debug xronoxd; counted as one test, and a failure (or no PyPI) fails the run.
echo "== api fuzz (debug xronoxd, schemathesis)"
if "$root/scripts/api-fuzz.sh" "${XRONOX_API_FUZZ_SECONDS:-90}"; then
  echo "== api fuzz: passed"
  passed_total=$((passed_total + 1))
  phase_done "api fuzz"
else
  echo "== api fuzz: failed" >&2
  exit 1
fi
# Every suite under ASan+UBSan (the measured tests skip there, or run smaller, as each says).
if [ "$sanitized" = 1 ]; then
  run_suites asan
fi
# Coverage-guided fuzzing of every parser of outside input, 20 s a target (clang-14, libFuzzer).
"$root/scripts/fuzz.sh" 20
phase_done "fuzz"
rm -f "$ctest_log"
# Every suite passed (a failure exits above): one closing line for all runs.
echo "test: ${passed_total} passed, 0 failed, ${skipped_total} skipped"
