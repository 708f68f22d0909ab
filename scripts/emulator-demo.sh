#!/usr/bin/env bash
# A demo without a cloud account: start drs-emulator on loopback, then `drs-report run` against it
# creates a comparison task, waits for it, fetches the results into an archive and renders them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product drs-report >/dev/null
swift build --product drs-emulator >/dev/null
bin="$(swift build --show-bin-path)"

export DRS_AUTH_TOKEN="demo-token-$RANDOM$RANDOM"     # the emulator checks it; it never reaches a file or a log
rm -rf out/emulator-demo && mkdir -p out/emulator-demo
DRS_EMULATOR_TOKEN="$DRS_AUTH_TOKEN" "$bin/drs-emulator" --generate --seed 42 --port 0 --task-duration 3 > out/emulator-demo/emulator.log 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" out/emulator-demo/emulator.log && break; sleep 0.1; done
endpoint=$(grep -o "http://127.0.0.1:[0-9]*" out/emulator-demo/emulator.log | head -1)
echo "drs-emulator at $endpoint"

"$bin/drs-report" run --endpoint "$endpoint" --project-id 6e2f1a0c9b8d4e7f8a1b2c3d4e5f6a7b \
  --job-id 5d1e0f2a-3b4c-4d5e-8f60-7a8b9c0djb01 --object --compare contents --conflict-policy cancel \
  --poll-interval 1 --out out/emulator-demo/archive --render out/emulator-demo/report --download-report
"$bin/drs-report" verify out/emulator-demo/report
