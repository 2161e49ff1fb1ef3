#!/usr/bin/env bash
# Configure (once) and build one CMake preset: debug (default), release, asan or tsan.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
shift || true
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" "$@"
