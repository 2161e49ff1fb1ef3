#!/usr/bin/env bash
# Fails on include back-edges between the layers (docs/architecture.md): the engine and the
# content service must not include the public facade (xronox/xronox.h) that is built on them,
# and router.h must not pull a backend's C library (libmongoc, libbson, libcurl) into its users.
#
#   scripts/check-layering.sh
set -euo pipefail
cd "$(dirname "$0")/.."
failed=0

if grep -rn '#include "xronox/xronox.h"' src/engine src/content src/backup src/retention src/audit src/jobs; then
  echo "layering: the engine or a service include xronox/xronox.h (above)" >&2
  failed=1
fi

# The headers router.h brings in, resolved as the build resolves them.
closure=$(g++ -std=c++20 -M -Iinclude -Isrc $(pkg-config --cflags libmongoc-1.0) -x c++ \
  src/router/router.h)
if grep -qE '(mongoc|bson|curl)\.h' <<<"$closure"; then
  echo "layering: src/router/router.h pulls in a backend library header:" >&2
  tr ' \\' '\n\n' <<<"$closure" | grep -E '(mongoc|bson|curl)\.h' | head -3 >&2
  failed=1
fi

[ "$failed" -eq 0 ] && echo "layering: no back-edges"
exit "$failed"
