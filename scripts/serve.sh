#!/usr/bin/env bash
# Install what is missing, build, and start xronoxd on the embedded default (SQLite + local
# folder). Options: --data DIR (default ./xronox-data), --listen HOST:PORT (default
# 127.0.0.1:8700); anything else is passed to xronoxd.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" release --target xronoxd xronox_cli >/dev/null
data="$root/xronox-data"
listen="127.0.0.1:8700"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --listen) listen="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
exec "$root/build/release/xronoxd" --data "$data" --listen "$listen" "${args[@]}"
