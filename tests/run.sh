#!/usr/bin/env bash
# Runs every test project and ends with one summary line "N passed, N failed, N skipped"
# summed over the projects (dotnet test prints one line per project).
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test N3ttrace.sln -c "${CONFIG:-Release}" --nologo -v q --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
read -r passed failed skipped < <(sed -nE 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/p' "$log" |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build or runner failure counts
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
