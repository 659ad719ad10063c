#!/usr/bin/env bash
# bench/capture/compare.sh: two builds of n3ttrace side by side on the storm of run.sh, in one run, so a change
# is measured against its base under the same load. BEFORE and AFTER are release binaries (`make publish` in a
# checkout of each commit, e.g. `git archive BASE | tar -x -C /tmp/base && make -C /tmp/base publish`).
# ROUNDS paired rounds, the order rotated every round (before first, then after first). Per round and tracer:
# the storm's rate, connections per CPU-second of storm + tracer (far less skewed by other load than the rate),
# births/deaths recorded and kernel drops. Ends with the median AFTER/BEFORE ratio of both figures.
#
#   sudo BEFORE=/tmp/base/artifacts/publish/n3ttrace AFTER=artifacts/publish/n3ttrace ROUNDS=3 bash bench/capture/compare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out/compare}
N=${STORM_N:-100000}
ROUNDS=${ROUNDS:-3}
: "${BEFORE:?BEFORE=path of the base build's n3ttrace}" "${AFTER:?AFTER=path of the changed build's n3ttrace}"
[ "$(id -u)" = 0 ] || { echo "bench/capture/compare.sh needs root (eBPF)" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
gcc -O2 -Wall -pthread -o "$OUT/storm" bench/capture/storm.c
RESULTS=$OUT/results.txt
: > "$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }
field() { sed -nE "s/.*\\b$1=([^ ]+).*/\\1/p" <<<"$2"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null || true' EXIT

# one NAME BINARY ROUND: a storm traced by BINARY; prints "rate per_cpu births/deaths dropped".
one() {
  local name=$1 bin=$2 r=$3 d s c0 now prev tcpu
  d=$OUT/round$r/$name
  mkdir -p "$d"
  "$bin" run --detach-kernel --verify-key-out "$(mktemp -u)" --no-tui --state-dir "$d/state" --log-file "$d/n3ttrace.log.txt" 2>"$d/stderr" &
  PID=$!
  until grep -q "capture ready" "$d/stderr" 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$d/stderr" >&2; exit 1; }
    sleep 0.005
  done
  c0=$(cpu_of "$PID")
  s=$("$OUT/storm" -n "$N")
  now=$(cpu_of "$PID")
  for _ in $(seq 300); do  # the tracer catches up after the storm: its CPU stops rising
    sleep 0.3; prev=$now; now=$(cpu_of "$PID")
    awk -v a="$prev" -v b="$now" 'BEGIN {exit !(b - a < 0.02)}' && break
  done
  tcpu=$(awk -v a="$c0" -v b="$now" 'BEGIN {printf "%.2f", b - a}')
  kill -TERM "$PID"; wait "$PID" || true; PID=""
  local dropped c
  dropped=$(sed -nE 's/.*kernel dropped ([0-9]+).*/\1/p' "$d/stderr" | tail -1)
  c=$(python3 "$ROOT/bench/capture/analyze.py" n3t "$d/state" "$(field pid "$s")")
  rm -rf "$d/state"
  echo "$(field rate "$s") $(awk -v n="$(field connections "$s")" -v s="$(field cpu "$s")" -v t="$tcpu" 'BEGIN {printf "%.0f", n / (s + t)}') $(field births "$c")/$(field deaths "$c") ${dropped:-unknown}"
}

say "bench/capture/compare $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); storm of $N connections, $ROUNDS paired rounds"
say "before: $BEFORE"
say "after:  $AFTER"
printf '%-6s %-7s %9s %11s %15s %8s\n' round build rate conn/cpu-s births/deaths dropped | tee -a "$RESULTS"
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then order="before after"; else order="after before"; fi
  for b in $order; do
    if [ "$b" = before ]; then bin=$BEFORE; else bin=$AFTER; fi
    read -r rate pc bd dr < <(one "$b" "$bin" "$r")
    echo "$rate" >> "$OUT/rate.$b"; echo "$pc" >> "$OUT/cpu.$b"
    printf '%-6s %-7s %9s %11s %15s %8s\n' "$r" "$b" "$rate" "$pc" "$bd" "$dr" | tee -a "$RESULTS"
  done
  paste "$OUT/rate.after" "$OUT/rate.before" | tail -1 | awk '{printf "%.3f\n", $1 / $2}' >> "$OUT/ratio.rate"
  paste "$OUT/cpu.after" "$OUT/cpu.before" | tail -1 | awk '{printf "%.3f\n", $1 / $2}' >> "$OUT/ratio.cpu"
done
say "after/before per round: rate $(paste -sd' ' "$OUT/ratio.rate"), conn/cpu-s $(paste -sd' ' "$OUT/ratio.cpu")"
say "median after/before: rate $(median < "$OUT/ratio.rate"), conn/cpu-s $(median < "$OUT/ratio.cpu")   (load now $(cut -d' ' -f1-3 /proc/loadavg))"
