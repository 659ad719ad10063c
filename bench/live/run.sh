#!/usr/bin/env bash
# bench/live: CPU cost of one live-view refresh with 10,000 active connections (target < 5 ms),
# side by side with the exact reference (sort every lifetime and every connection each refresh).
# A real EventPipeline is fed synthetic ConnectionOpened/Closed events; only the kernel is replaced.
# Knobs: LIVE_ACTIVE (10000), LIVE_ENDED (50000), LIVE_ROUNDS (105, first 5 are warm-up).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=bench/out/live
mkdir -p "$OUT"
dotnet build bench/live/LiveBench.csproj -c Release -o "$OUT/bin" --nologo -v q >/dev/null
dotnet "$OUT/bin/LiveBench.dll" "${LIVE_ACTIVE:-10000}" "${LIVE_ENDED:-50000}" "${LIVE_ROUNDS:-105}" | tee "$OUT/results.txt"
