#!/usr/bin/env bash
# bench/capture: n3ttrace's eBPF capture side by side with libbpf-tools tcplife on the same
# loopback storm (bench/capture/storm.c: 2 threads, connect + accept + close as fast as they
# can; SO_LINGER 0 so closes send RST and no TIME_WAIT exhausts ephemeral ports).
#
#   completeness  births and deaths recorded for the storm's pid / connections made; kernel drops
#   overhead      storm rate traced / untraced, ROUNDS interleaved rounds (untraced, n3ttrace, tcplife), medians
#   accuracy      lifetimes in the trail vs the storm's own connect()-to-close() clock (held 0-20 ms)
#   startup       exec of `n3ttrace run` to its `capture ready` line
#   memory        n3ttrace VmRSS across a MEM_SECONDS storm at full rate (first/last/max after warm-up)
#
# Needs root and `make publish` (it measures the release binary; N3TTRACE=path for another). Knobs: STORM_N (100000), ROUNDS (3), MEM_SECONDS (120, 0 skips),
# BENCH_OUT (bench/out/capture). Results also go to $BENCH_OUT/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out/capture}
N=${STORM_N:-100000}
ROUNDS=${ROUNDS:-3}
MEM_SECONDS=${MEM_SECONDS:-120}
WARMUP=${MEM_WARMUP:-20}
TCPLIFE=${TCPLIFE:-/usr/sbin/tcplife}
N3T=${N3TTRACE:-$ROOT/artifacts/publish/n3ttrace}  # the release binary (make publish)
ANALYZE="python3 $ROOT/bench/capture/analyze.py"

[ "$(id -u)" = 0 ] || { echo "bench/capture needs root (eBPF)" >&2; exit 1; }
[ -x "$N3T" ] || { echo "run 'make publish' first" >&2; exit 1; }
[ -x "$TCPLIFE" ] || { echo "tcplife not found at $TCPLIFE (Debian package libbpf-tools)" >&2; exit 1; }
# tcplife attaches to the classic tracepoint, whose id it reads from tracefs.
if [ ! -d /sys/kernel/tracing/events/sock ]; then
  mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
fi
rm -rf "$OUT" && mkdir -p "$OUT"
gcc -O2 -Wall -pthread -o "$OUT/storm" bench/capture/storm.c
RESULTS=$OUT/results.txt
: > "$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }
field() { sed -nE "s/.*\\b$1=([^ ]+).*/\\1/p" <<<"$2"; }

N3T_PID=""
TL_PID=""
cleanup() {
  [ -n "$N3T_PID" ] && kill -TERM "$N3T_PID" 2>/dev/null || true
  [ -n "$TL_PID" ] && kill -TERM "$TL_PID" 2>/dev/null || true
}
trap cleanup EXIT

# start_n3t DIR: starts `n3ttrace run`, waits for `capture ready`; sets N3T_PID and STARTUP_MS.
start_n3t() {
  local dir=$1 t0 t1
  mkdir -p "$dir"
  t0=$(date +%s%N)
  "$N3T" run --verify-key-out "$(mktemp -u)" --no-tui --state-dir "$dir/state" --log-file "$dir/n3ttrace.log.txt" 2>"$dir/stderr" &
  N3T_PID=$!
  until grep -q "capture ready" "$dir/stderr" 2>/dev/null; do
    kill -0 "$N3T_PID" 2>/dev/null || { cat "$dir/stderr" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}

# stop_n3t DIR: SIGTERM (flush and detach), wait; sets DROPPED from the final stderr line.
stop_n3t() {
  kill -TERM "$N3T_PID"
  wait "$N3T_PID" || true
  N3T_PID=""
  DROPPED=$(sed -nE 's/.*kernel dropped ([0-9]+).*/\1/p' "$1/stderr" | tail -1)
  [ -n "$DROPPED" ] || { echo "no final 'kernel dropped' line in $1/stderr" >&2; DROPPED=unknown; }
}

# start_tcplife DIR: attached once its BPF programs hold links (it prints its header only on flush).
start_tcplife() {
  local dir=$1
  mkdir -p "$dir"
  "$TCPLIFE" >"$dir/tcplife.out" 2>"$dir/tcplife.err" &
  TL_PID=$!
  for _ in $(seq 400); do
    ls -l "/proc/$TL_PID/fd" 2>/dev/null | grep -q "bpf[-_]link\|perf_event" && break
    sleep 0.005
  done
  sleep 0.2  # attached programs and the perf buffer reader are up
}

stop_tcplife() {
  kill -INT "$TL_PID" 2>/dev/null || true
  kill -TERM "$TL_PID" 2>/dev/null || true
  wait "$TL_PID" 2>/dev/null || true
  TL_PID=""
}

storm() { "$OUT/storm" "$@"; }

# CPU seconds (user + system) a process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# After a storm: waits until the tracer has caught up (its CPU stops rising), prints the CPU it used since $2.
cpu_settled() {
  local pid=$1 since=$2 prev now
  now=$(cpu_of "$pid")
  for _ in $(seq 300); do
    sleep 0.3; prev=$now; now=$(cpu_of "$pid")
    awk -v a="$prev" -v b="$now" 'BEGIN {exit !(b - a < 0.02)}' && break
  done
  awk -v a="$since" -v b="$now" 'BEGIN {printf "%.2f", b - a}'
}
# Connections per CPU-second of storm plus tracer: throughput at an equal CPU budget, which other
# load on a shared host skews far less than wall-clock rate.
per_cpu() { awk -v n="$1" -v s="$2" -v t="${3:-0}" 'BEGIN {printf "%.0f", n / (s + t)}'; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", 100*a/b}'; }

say "bench/capture $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); storm of $N connections, $ROUNDS rounds"
printf '%-6s %-9s %8s %6s %9s %6s %14s %8s %6s %8s\n' round tracer rate ratio conn/cpu-s ratio recorded percent lost startup | tee -a "$RESULTS"

: > "$OUT/rates.untraced"; : > "$OUT/rates.n3ttrace"; : > "$OUT/rates.tcplife"; : > "$OUT/startup"
: > "$OUT/cpu.untraced"; : > "$OUT/cpu.n3ttrace"; : > "$OUT/cpu.tcplife"
N3T_MISSING=0; N3T_DROPS=0; TL_MISSING=0; TL_LOST=0
for r in $(seq "$ROUNDS"); do
  # untraced
  s=$(storm -n "$N"); base=$(field rate "$s"); echo "$base" >> "$OUT/rates.untraced"
  base_cpu=$(per_cpu "$(field connections "$s")" "$(field cpu "$s")"); echo "$base_cpu" >> "$OUT/cpu.untraced"
  printf '%-6s %-9s %8s %6s %9s %6s\n' "$r" untraced "$base" 1.000 "$base_cpu" 1.000 | tee -a "$RESULTS"

  # n3ttrace
  d=$OUT/round$r/n3ttrace
  start_n3t "$d"
  c0=$(cpu_of "$N3T_PID")
  s=$(storm -n "$N"); rate=$(field rate "$s"); pid=$(field pid "$s"); conns=$(field connections "$s")
  tcpu=$(cpu_settled "$N3T_PID" "$c0")
  stop_n3t "$d"
  pc=$(per_cpu "$conns" "$(field cpu "$s")" "$tcpu"); echo "$pc" >> "$OUT/cpu.n3ttrace"
  c=$($ANALYZE n3t "$d/state" "$pid")
  births=$(field births "$c"); deaths=$(field deaths "$c")
  rec=$(( births < deaths ? births : deaths ))
  N3T_MISSING=$(( N3T_MISSING + 2 * conns - births - deaths ))
  [ "$DROPPED" = unknown ] || N3T_DROPS=$(( N3T_DROPS + DROPPED ))
  echo "$rate" >> "$OUT/rates.n3ttrace"; echo "$STARTUP_MS" >> "$OUT/startup"
  printf '%-6s %-9s %8s %6s %9s %6s %14s %8s %6s %8s\n' "$r" n3ttrace "$rate" "$(ratio "$rate" "$base")" "$pc" "$(ratio "$pc" "$base_cpu")" \
    "$births/$deaths" "$(pct "$rec" "$conns")" "$DROPPED" "${STARTUP_MS}ms" | tee -a "$RESULTS"
  rm -rf "$d/state"  # the trail of a storm is large; counts are in results.txt

  # tcplife
  d=$OUT/round$r/tcplife
  start_tcplife "$d"
  c0=$(cpu_of "$TL_PID")
  s=$(storm -n "$N"); rate=$(field rate "$s"); pid=$(field pid "$s"); conns=$(field connections "$s"); ports=$(field ports "$s")
  tcpu=$(cpu_settled "$TL_PID" "$c0")
  stop_tcplife
  pc=$(per_cpu "$conns" "$(field cpu "$s")" "$tcpu"); echo "$pc" >> "$OUT/cpu.tcplife"
  sessions=$(field sessions "$($ANALYZE tcplife "$d/tcplife.out" "$pid" "$ports")")
  lost=$(field lost "$($ANALYZE lost "$d/tcplife.err")")
  TL_MISSING=$(( TL_MISSING + conns - sessions )); TL_LOST=$(( TL_LOST + lost ))
  echo "$rate" >> "$OUT/rates.tcplife"
  printf '%-6s %-9s %8s %6s %9s %6s %14s %8s %6s\n' "$r" tcplife "$rate" "$(ratio "$rate" "$base")" "$pc" "$(ratio "$pc" "$base_cpu")" \
    "$sessions" "$(pct "$sessions" "$conns")" "$lost" | tee -a "$RESULTS"
  rm -f "$d/tcplife.out"
done

mu=$(median < "$OUT/rates.untraced"); mn=$(median < "$OUT/rates.n3ttrace"); mt=$(median < "$OUT/rates.tcplife")
say ""
say "completeness: n3ttrace missing $N3T_MISSING births+deaths, kernel drops $N3T_DROPS | tcplife missing $TL_MISSING sessions, lost $TL_LOST events (all rounds)"
say "overhead (median rate traced / untraced): n3ttrace $(ratio "$mn" "$mu") | tcplife $(ratio "$mt" "$mu")   [untraced $mu/s, n3ttrace $mn/s, tcplife $mt/s]"
cu=$(median < "$OUT/cpu.untraced"); cn=$(median < "$OUT/cpu.n3ttrace"); ct=$(median < "$OUT/cpu.tcplife")
say "overhead at equal CPU (median connections per CPU-second of storm + tracer, traced / untraced): n3ttrace $(ratio "$cn" "$cu") | tcplife $(ratio "$ct" "$cu")   [untraced $cu, n3ttrace $cn, tcplife $ct]"
say "tracer CPU per connection (median): n3ttrace $(awk -v u="$cu" -v t="$cn" 'BEGIN {printf "%.1f", 1e6 / t - 1e6 / u}') us | tcplife $(awk -v u="$cu" -v t="$ct" 'BEGIN {printf "%.1f", 1e6 / t - 1e6 / u}') us (storm + kernel programs + user space, minus the untraced storm)"
say "startup (exec to 'capture ready'): median $(median < "$OUT/startup") ms, max $(sort -n "$OUT/startup" | tail -1) ms"

# accuracy: 400 connections, each held 0-20 ms, timed by the storm itself.
d=$OUT/accuracy
start_n3t "$d/n3t"
s=$(storm -n 400 -e 1 -H 20 -s "$d/n3t/samples.tsv"); pid_n=$(field pid "$s")
stop_n3t "$d/n3t"
start_tcplife "$d/tl"
s=$(storm -n 400 -e 1 -H 20 -s "$d/tl/samples.tsv"); pid_t=$(field pid "$s")
sleep 1
stop_tcplife
a_n=$($ANALYZE accuracy "$d/n3t/samples.tsv" "$d/n3t/state" "$d/tl/tcplife.out" "$pid_n" | grep '^n3ttrace')
a_t=$($ANALYZE accuracy "$d/tl/samples.tsv" "$d/n3t/state" "$d/tl/tcplife.out" "$pid_t" | grep '^tcplife')
say "accuracy (lifetime vs the workload's own clock, 400 connections held 0-20 ms): $a_n | $a_t"

if [ "$MEM_SECONDS" -gt 0 ]; then
  d=$OUT/memory
  start_n3t "$d"
  : > "$d/rss"
  ( while kill -0 "$N3T_PID" 2>/dev/null; do
      echo "$(date +%s) $(awk '/VmRSS/ {print $2}' "/proc/$N3T_PID/status" 2>/dev/null)" >> "$d/rss"; sleep 1
    done ) &
  sampler=$!
  s=$(storm -d "$MEM_SECONDS"); pid=$(field pid "$s"); conns=$(field connections "$s"); rate=$(field rate "$s")
  stop_n3t "$d"
  wait "$sampler" 2>/dev/null || true
  c=$($ANALYZE n3t "$d/state" "$pid")
  births=$(field births "$c"); deaths=$(field deaths "$c")
  rm -rf "$d/state"
  read -r first last max < <(awk -v w="$WARMUP" 'NR==1 {t0=$1} $2!="" && $1-t0>=w {if (!f) f=$2; l=$2; if ($2>m) m=$2} END {print f, l, m}' "$d/rss")
  say "memory ($MEM_SECONDS s storm, $conns connections at $rate/s; RSS after ${WARMUP}s warm-up): first ${first} kB, last ${last} kB, max ${max} kB, max/first $(ratio "$max" "$first"); recorded births $births deaths $deaths of $conns, kernel drops $DROPPED"
fi
echo "results in $RESULTS"
