#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/, the "fuzz" preset: clang-14, ASan+UBSan) and run each for
# SECONDS (default 20) from its seed corpus in fuzz/corpus/<target>/, copied to a temporary
# directory so that the repository is not written. Runs every target, then fails if any crashed,
# leaked, timed out or ran out of memory (its reproducer is kept in build/fuzz/artifacts/).
# Prints each target's executions and the coverage libFuzzer reports (cov: edges, ft: features).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-20}"
targets=(json_fuzz filter_fuzz config_fuzz s3_xml_fuzz route_fuzz)

started=$SECONDS
"$root/scripts/build.sh" fuzz
echo "== fuzz: built in $((SECONDS - started)) s"

work="$(mktemp -d "${TMPDIR:-/tmp}/xronox-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failed=()
for target in "${targets[@]}"; do
  corpus="$work/$target/corpus"
  artifacts="$work/$target/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp "$root/fuzz/corpus/$target/"* "$corpus/"
  log="$work/$target/log"
  status=0
  "$root/build/fuzz/fuzz/$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  # The last status line ("#N DONE cov: C ft: F corp: ...") and the final stats.
  done_line="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")"
  printf '== fuzz %-12s %ss: %s execs, cov %s, ft %s, corpus %s\n' "$target" "$seconds" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target failed (exit $status); its log:" >&2
    tail -60 "$log" >&2
    for artifact in "$artifacts"/*; do
      [ -e "$artifact" ] || continue
      mkdir -p "$root/build/fuzz/artifacts"
      cp "$artifact" "$root/build/fuzz/artifacts/$target-$(basename "$artifact")"
      echo "fuzz: reproducer saved: build/fuzz/artifacts/$target-$(basename "$artifact")" >&2
    done
    failed+=("$target")
  fi
done

echo "== fuzz: ${#targets[@]} targets in $((SECONDS - started)) s"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
