#!/usr/bin/env bash
# Sets up and runs every test: Swift unit, golden and CLI tests, then the Python end-to-end
# tests (headless Chromium, openpyxl, LibreOffice) against the built binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
swift build --build-tests
swift build --product drs-emulator
swift test --skip-build 2>&1 | tee /tmp/drs-report-swift-test.log | grep -vE "^(\[|Test Suite|Test Case|\s+Executed)" || true
# tee hides swift test's status; read it from the log.
if ! grep -qE "Test run with [0-9]+ tests? .*passed" /tmp/drs-report-swift-test.log; then
  echo "swift test failed" >&2
  exit 1
fi
DRS_REPORT_BIN="$(swift build --show-bin-path)/drs-report" python3 -m pytest -q Tests/python
