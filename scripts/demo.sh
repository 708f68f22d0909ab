#!/usr/bin/env bash
# Sets up, builds, and renders every sample job in samples/ into ./out/<sample>/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product drs-report 2>&1 | grep -E "error|warning: |Compiling drs|Build complete" || true
bin="$(swift build --show-bin-path)/drs-report"
[[ -x "$bin" ]] || { echo "demo: build failed" >&2; exit 1; }

# Loose files carry no request time; the demo pins one so the expiry column is meaningful.
"$bin" render samples/v5-mysql-archive --out out/v5-mysql-archive
"$bin" render samples/v3-mysql-responses --out out/v3-mysql-responses --observed-at 2026-11-20T09:00:00Z
"$bin" render samples/v5-mysql-archive --out out/v5-mysql-archive-zh-cn --lang zh-cn --timezone +08:00 --quiet
echo "  out/v5-mysql-archive-zh-cn/ (the same job in Chinese, times in +08:00)"
echo
echo "The same job compared again after a repair: what the re-run fixed, what remains, what is new:"
"$bin" render samples/v5-mysql-archive-rerun --out out/v5-mysql-archive-rerun --quiet
"$bin" diff out/v5-mysql-archive out/v5-mysql-archive-rerun --out out/v5-diff
echo
echo "A malformed input is refused with a clear error and writes nothing:"
"$bin" render samples/malformed/type-error.json --out out/malformed || echo "  (exit code $?, as expected)"
echo
echo "Open out/v5-mysql-archive/report.html in a browser, or out/v5-mysql-archive/report.xlsx in a spreadsheet."
