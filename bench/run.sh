#!/usr/bin/env bash
# `make bench`: every benchmark under bench/*/run.sh, each side by side with its reference.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for b in bench/*/run.sh; do
  [ -e "$b" ] || continue
  echo "== $(dirname "$b")"
  bash "$b" || status=1
done
exit $status
