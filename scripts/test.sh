#!/usr/bin/env bash
# Install what is missing, build, and run every test suite: unit, conformance, engine (over
# the backend matrix) and integration (server over loopback HTTP, CLI, crash tests), then the
# same suites under ASan+UBSan.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh"

run_suites() {
  local preset="$1"
  echo "== build ($preset)"
  "$root/scripts/build.sh" "$preset"
  echo "== test ($preset): backends: embedded (sqlite+folder), memory"
  ctest --preset "$preset" -j2 --timeout 600
}

run_suites debug
if [ "${XRONOX_SKIP_SANITIZERS:-0}" != "1" ]; then
  run_suites asan
fi
