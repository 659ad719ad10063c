#!/usr/bin/env bash
# [trail] benchmarks, each measured beside a reference in the same run and reported as a ratio:
#   at     on a 1,000,000-event timeline (target < 200 ms, memory bounded) vs `at` on a 10,000-event one
#          (same program, 100x less data: a ratio near 1 means the work does not grow with the timeline)
#          and vs a plain full read of the file (wc -l), the floor of any replay-from-start design;
#   verify of the >= 1,000,000 records of that trail (target < 5 s) vs sha256sum over the same bytes.
#   disk per connection of a 1,000,000-connection storm from 2 processes, format 3 (no timeline birth rows, chain
#   head per write, coded columns) beside format 2 (certificates stored once) and format 1 (the format of earlier
#   releases), all written by the same writer in the same run.
# The trails are written by the real writer (TrailSink: chain, seals, keyframes) via bench/trail (trail-bench, NativeAOT).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N3TTRACE:-./artifacts/publish/n3ttrace}  # the release binary (make publish)
EVENTS=${TRAIL_BENCH_EVENTS:-1000000}
TB=./artifacts/bench-trail/trail-bench
dotnet publish bench/trail/TrailBench.csproj -c Release -r linux-x64 -p:PublishAot=true -o artifacts/bench-trail --nologo -v q >&2
work=$(mktemp -d /tmp/n3t-bench-trail-XXXXXX)
trap 'rm -rf "$work"' EXIT

gen() { # DIR EVENTS
  $TB --state-dir "$1" --events "$2" --step-ms 5 --active 1000 --seed 7
}
big=$(gen "$work/big" "$EVENTS")
small=$(gen "$work/small" 10000)
field() { awk -v k="$1" '$1==k{print $2}' <<<"$2"; }
key=$(field verify_key "$big")
rows=$(($(wc -l < "$work/big/snapshots.tsv") - 1))
births=$(($(wc -l < "$work/big/birth_records.tsv") - 1))
echo "trail: $rows timeline rows, $births birth records; written in $(field write_seconds "$big") s by the real writer (incl. workload generation)"

# One measurement: wall ms, user ms, max RSS KB of a command.
measure() { /usr/bin/time -f "%e %U %M" -o "$work/t" "$@" > /dev/null; awk '{printf "%d %d %d", $1*1000, $2*1000, $3}' "$work/t"; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# Instants spread over each trail's span (relative position 10%..90%).
instants() { # FIRST LAST
  python3 - "$1" "$2" <<'PY'
import sys, datetime as d
f = d.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ"); l = d.datetime.strptime(sys.argv[2], "%Y-%m-%dT%H:%M:%S.%fZ")
for p in (0.1, 0.3, 0.5, 0.7, 0.9):
    print((f + (l - f) * p).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
PY
}
at_run() { # DIR FIRST LAST -> lines "wall user rss"
  for t in $(instants "$2" "$3"); do measure $N at "$t" --format tsv --state-dir "$1"; echo; done
}
at_big=$(at_run "$work/big" "$(field first "$big")" "$(field last "$big")")
at_small=$(at_run "$work/small" "$(field first "$small")" "$(field last "$small")")
scan=$(for i in 1 2 3; do measure wc -l "$work/big/snapshots.tsv"; echo; done)
ab=$(awk '{print $1}' <<<"$at_big" | median); as=$(awk '{print $1}' <<<"$at_small" | median); sc=$(awk '{print $1}' <<<"$scan" | median)
rb=$(awk '{print $3}' <<<"$at_big" | sort -n | tail -1); rs=$(awk '{print $3}' <<<"$at_small" | sort -n | tail -1)
echo "at (1M-event timeline):  median ${ab} ms wall over 5 instants, max RSS ${rb} KB   (target < 200 ms)"
echo "  reference at (10k-event timeline): ${as} ms, max RSS ${rs} KB -> ratio $(awk -v a="$ab" -v b="$as" 'BEGIN{printf "%.2f", a/b}')"
echo "  reference full read of the timeline (wc -l): ${sc} ms -> ratio $(awk -v a="$ab" -v b="$sc" 'BEGIN{printf "%.2f", a/(b>0?b:1)}')"

v=$(measure $N verify --state-dir "$work/big" --verify-key "$key")
$N verify --state-dir "$work/big" --verify-key "$key" | head -1
h=$(measure sha256sum "$work/big/birth_records.tsv" "$work/big/snapshots.tsv" "$work/big/checkpoints.tsv")
read -r vw vu vr <<<"$v"; read -r hw hu hr <<<"$h"
echo "verify ($((rows + births)) records): ${vw} ms wall, ${vu} ms user, max RSS ${vr} KB   (target < 5000 ms for 1,000,000)"
echo "  reference sha256sum of the same bytes: ${hw} ms wall, ${hu} ms user -> ratio wall $(awk -v a="$vw" -v b="$hw" 'BEGIN{printf "%.2f", a/b}'), user $(awk -v a="$vu" -v b="$hu" 'BEGIN{printf "%.2f", a/(b>0?b:1)}')"
echo "  load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# Disk per connection: the same storm (2 processes, one command line each, ~1M connections) in each format.
STORM=${TRAIL_BENCH_STORM_EVENTS:-1980000}
storm() { # DIR [--format1|--format2] -> bytes_per_connection
  $TB --state-dir "$1" --events "$STORM" --active 100 --processes 2 --argv-per-process --step-ms 1 --seed 7 ${2:-} > "$work/storm.out"
  field connections "$(cat "$work/storm.out")" > "$work/storm.n"
  field bytes_per_connection "$(cat "$work/storm.out")"
}
b3=$(storm "$work/storm3"); n3=$(cat "$work/storm.n"); rm -rf "$work/storm3"
b2=$(storm "$work/storm2" --format2); n2=$(cat "$work/storm.n"); rm -rf "$work/storm2"
b1=$(storm "$work/storm1" --format1); n1=$(cat "$work/storm.n"); rm -rf "$work/storm1"
echo "disk per connection ($n3-connection storm from 2 processes, all trail files): format 3 ${b3} B   (target <= 300 B)"
echo "  reference format 2 (certificates stored once), same storm ($n2 connections): ${b2} B -> ratio $(awk -v a="$b3" -v b="$b2" 'BEGIN{printf "%.2f", a/b}')"
echo "  reference format 1 (earlier releases), same storm ($n1 connections): ${b1} B -> ratio $(awk -v a="$b3" -v b="$b1" 'BEGIN{printf "%.2f", a/b}')"

# Segments (#14): the same storm cut into 64 MiB segments, the sealed ones compressed (Brotli, Fastest) and indexed.
seg=$($TB --state-dir "$work/storm3s" --events "$STORM" --active 100 --processes 2 --argv-per-process --step-ms 1 --seed 7 --segment-mb 64)
echo "disk per connection, segmented ($(field segments "$seg") sealed segments compressed, live files plain: $(field live_bytes "$seg") B): $(field bytes_per_connection "$seg") B   (target <= 150 B once sealed and compressed)"
echo "  reference the same storm in one plain file (format 3 above): ${b3} B -> ratio $(awk -v a="$(field bytes_per_connection "$seg")" -v b="$b3" 'BEGIN{printf "%.2f", a/b}')"
rm -rf "$work/storm3s"

# `at` on the big trail written in 8 MiB segments (sealed ones compressed): with the index, then without it (every
# compressed segment is then decompressed once to learn its length, as a trail without index would be read).
bigseg=$($TB --state-dir "$work/bigseg" --events "$EVENTS" --step-ms 5 --active 1000 --seed 7 --segment-mb 8)
at_idx=$(at_run "$work/bigseg" "$(field first "$bigseg")" "$(field last "$bigseg")")
mv "$work/bigseg/segments.tsv" "$work/segments.tsv.aside"
at_noidx=$(at_run "$work/bigseg" "$(field first "$bigseg")" "$(field last "$bigseg")")
mv "$work/segments.tsv.aside" "$work/bigseg/segments.tsv"
ai=$(awk '{print $1}' <<<"$at_idx" | median); an=$(awk '{print $1}' <<<"$at_noidx" | median)
ri=$(awk '{print $3}' <<<"$at_idx" | sort -n | tail -1)
echo "at on the segmented trail ($(field segments "$bigseg") compressed segments): median ${ai} ms wall, max RSS ${ri} KB with the index"
echo "  reference the same without the index: ${an} ms -> ratio $(awk -v a="$ai" -v b="$an" 'BEGIN{printf "%.2f", a/(b>0?b:1)}')"
echo "  reference at on the same trail in one plain file (above): ${ab} ms"

# Export of a 1-hour window out of the segmented trail: time and max RSS.
mid=$(instants "$(field first "$bigseg")" "$(field last "$bigseg")" | sed -n 2p)
until=$(python3 -c 'import sys,datetime as d; t=d.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%S.%fZ"); print((t+d.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))' "$mid")
ex=$(measure $N export --state-dir "$work/bigseg" --since "$mid" --until "$until" -o "$work/window.tar.gz")
read -r ew eu er <<<"$ex"
echo "export of a 1-hour window from the segmented trail ($(du -sb "$work/bigseg" | cut -f1) B on disk): ${ew} ms wall, max RSS ${er} KB, bundle $(stat -c %s "$work/window.tar.gz") B   (target < 5 s, < 64 MB)"

# #14 on a trail of over 4 GB (plain bytes; the storm workload in 64 MiB segments, sealed ones compressed as Brotli
# blocks): `at` (one block decoded per probe instead of the segment up to it), `verify` in MB/s of plain trail, and the
# streaming export of a 1-hour window (time and peak RSS; main's whole-file export failed above 2 GB).
BIG=${TRAIL_BENCH_BIG_EVENTS:-28000000}
huge=$($TB --state-dir "$work/huge" --events "$BIG" --active 100 --processes 2 --argv-per-process --step-ms 1 --seed 7 --segment-mb 64)
hplain=$(( $(awk -F'\t' 'NR>1{s+=$3} END{printf "%d", s}' "$work/huge/segments.tsv") + $(field live_bytes "$huge") ))
echo "big trail: $(field connections "$huge") connections, ${hplain} B plain, $(du -sb "$work/huge" | cut -f1) B on disk, $(field segments "$huge") segments; written in $(field write_seconds "$huge") s"
at_huge=$(at_run "$work/huge" "$(field first "$huge")" "$(field last "$huge")")
ah=$(awk '{print $1}' <<<"$at_huge" | median); rh=$(awk '{print $3}' <<<"$at_huge" | sort -n | tail -1)
echo "at on the big trail: median ${ah} ms wall over 5 instants, max RSS ${rh} KB   (target < 300 ms on 10M connections)"
vh=$(measure $N verify --state-dir "$work/huge" --verify-key "$(field verify_key "$huge")")
read -r vhw vhu vhr <<<"$vh"
echo "verify of the big trail: ${vhw} ms wall, $(awk -v b="$hplain" -v t="$vhw" 'BEGIN{printf "%.0f", b/1e6/(t/1000)}') MB/s of plain trail, max RSS ${vhr} KB   (target >= 200 MB/s)"
hmid=$(instants "$(field first "$huge")" "$(field last "$huge")" | sed -n 3p)
huntil=$(python3 -c 'import sys,datetime as d; t=d.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%S.%fZ"); print((t+d.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))' "$hmid")
eh=$(measure $N export --state-dir "$work/huge" --since "$hmid" --until "$huntil" -o "$work/huge-window.tar.gz")
read -r ehw ehu ehr <<<"$eh"
echo "export of a 1-hour window from the big trail: ${ehw} ms wall, max RSS ${ehr} KB, bundle $(stat -c %s "$work/huge-window.tar.gz") B   (target < 5 s, < 64 MB)"
$N verify --bundle "$work/huge-window.tar.gz" --verify-key "$(field verify_key "$huge")" > /dev/null && echo "  the bundle verifies (with the seals)"
echo "  reference main's export (whole files in byte arrays): 66.8 s and 1.8 GB RSS for a 5-minute window of a 1 GB trail; fails above 2 GB"
rm -rf "$work/huge"
