#!/usr/bin/env bash
# Fail when a C++ source or header differs from .clang-format (Google base, 100 columns).
# With --fix, reformat them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'include/*.h' 'tests/*.cc' 'tests/*.h' \
                                  'bench/*.cc' 'bench/*.h' 'fuzz/*.cc')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/xronox-format.log; then
  grep -E '^[^ ].*: (error|warning):' /tmp/xronox-format.log | cut -d: -f1 | sort -u |
    sed 's/^/format: /' >&2
  echo "format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
