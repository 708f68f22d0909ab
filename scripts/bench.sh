#!/usr/bin/env bash
# Benchmark: render a generated estate (default 10,000 tables, 1,000,000 inconsistent rows) in every
# format, then each format alone, with a release build. Prints wall time and peak memory (RSS).
#   scripts/bench.sh [TABLES] [DIFFS]
set -euo pipefail
cd "$(dirname "$0")/.."
tables="${1:-10000}"
diffs="${2:-1000000}"
data="${BENCH_DIR:-/tmp/drs-report-bench}/estate-${tables}-${diffs}"
scripts/setup.sh
swift build -c release --product drs-report >/dev/null
bin="$(swift build -c release --show-bin-path)/drs-report"
if [[ ! -f "$data/manifest.json" ]]; then
  echo "bench: generating $data"
  python3 scripts/gen_samples.py --large "$data" --tables "$tables" --diffs "$diffs" >/dev/null
fi
echo "bench: $(du -sh "$data" | cut -f1) of responses, $(nproc) cores"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for format in all html md csv json xlsx; do
  rm -rf "$out/r"
  /usr/bin/time -f "$format	%e s	%M KB" "$bin" render "$data" --out "$out/r" --now 2026-11-21T00:00:00Z --format "$format" --quiet
done
