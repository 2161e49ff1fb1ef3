#!/usr/bin/env bash
# Configure (once) and build one CMake preset: debug (default), release, asan, tsan or fuzz.
# XRONOX_WERROR=ON|OFF in the environment sets whether warnings are errors (the test command
# sets ON); unset, the build keeps what it was configured with (OFF at first).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
shift || true
if [ ! -f "build/$preset/build.ninja" ] || [ -n "${XRONOX_WERROR:-}" ]; then
  cmake --preset "$preset" ${XRONOX_WERROR:+-DXRONOX_WERROR="$XRONOX_WERROR"} >/dev/null
fi
cmake --build --preset "$preset" "$@"
