#!/usr/bin/env bash
# Fails when a `docs/...` path named in the sources, tests, scripts, bench or README does not
# exist, or when a relative Markdown link in README.md or docs/ points at a missing file: the
# repository documents itself, so every reference into docs/ must resolve.
#
#   scripts/check-docs-links.sh
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0

# Paths under docs/ ending in .md or .json named in the code, tests, scripts, bench and README
# (a path only where docs/ starts a word: "records/docs/x.json" is an object key, not a path).
while IFS=: read -r file path; do
  if [ ! -e "$path" ]; then
    echo "docs-links: $file names $path, which does not exist" >&2
    missing=1
  fi
done < <(grep -rnoP '(?<![A-Za-z0-9_./-])docs/[A-Za-z0-9_./-]+\.(md|json)' src include tests bench \
           scripts README.md CMakeLists.txt | awk -F: '{ print $1 ":" $3 }' | sort -u)

# Relative Markdown links ](target) in README.md and docs/, resolved from the linking file.
while IFS=: read -r file target; do
  target=${target%%#*}
  [ -z "$target" ] && continue
  case $target in http://* | https://* | mailto:*) continue ;; esac
  if [ ! -e "$(dirname "$file")/$target" ]; then
    echo "docs-links: $file links to $target, which does not exist" >&2
    missing=1
  fi
done < <(grep -rnoE '\]\([^) ]+\)' README.md docs --include='*.md' |
           sed -E 's/^([^:]+):[0-9]+:\]\((.*)\)$/\1:\2/' | sort -u)

if [ "$missing" -ne 0 ]; then
  echo "docs-links: fix the references above" >&2
  exit 1
fi
echo "docs-links: every docs/ reference resolves"
