#!/usr/bin/env bash
# [lineage] benchmarks, each side by side with its reference in one run (root; `make publish` first):
#  (a) N short-lived processes (default 1000), each with its own argv, cwd and environment, connect
#      once to a loopback listener and exit at once: % of exact certificates (cmdline, cwd,
#      env_sha256, exe, process_id), n3ttrace vs a /proc-polling reference.
#  (b) fork+exec storm of STORM /bin/true runs (default 20000): rate untraced, with n3ttrace
#      attached, with libbpf-tools execsnoop attached; ratios to untraced (target >= 0.90).
#      The storm runs in ROUNDS (default 4) interleaved rounds, order rotated, so load from
#      others on the host falls on all three alike. N=200 STORM=3000 for a quick run.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000}
STORM=${STORM:-20000}
ROUNDS=${ROUNDS:-4}
CLI=${N3TTRACE:-./artifacts/publish/n3ttrace}  # the release binary (make publish)
[ -x "$CLI" ] || { echo "run 'make publish' first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (eBPF)" >&2; exit 1; }
work=$(mktemp -d /tmp/n3t-bench-lineage.XXXXXX)
tracer=""
cleanup() { [ -n "$tracer" ] && kill "$tracer" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -o "$work/conn" bench/lineage/conn.c
gcc -O2 -o "$work/storm" bench/lineage/storm.c

# Starts n3ttrace in the background and waits until it says capture is ready.
start_tracer() {
  "$CLI" run --verify-key-out "$(mktemp -u)" --no-tui --state-dir "$work/state-$1" --log-file "$work/log-$1.txt" 2>"$work/tracer-$1.err" &
  tracer=$!
  for _ in $(seq 300); do grep -q "capture ready" "$work/tracer-$1.err" && return 0; sleep 0.1; done
  echo "n3ttrace did not start:" >&2; cat "$work/tracer-$1.err" >&2; exit 1
}
stop_tracer() {
  kill -TERM "$tracer"; wait "$tracer" || true; tracer=""  # SIGTERM: a background job of a script ignores SIGINT
  grep -oE "stopped: [0-9]+ births|kernel dropped [0-9]+" "$work/tracer-$1.err" | paste -sd, | sed 's/^/  n3ttrace /' || true
}

echo "(a) $N short-lived connectors, each with its own argv, cwd, environment; connect once, exit at once"
start_tracer certs
python3 bench/lineage/certs.py spawn "$work/conn" "$N" "$work"
stop_tracer certs
# Through the trail's one reader: format 2 stores each process certificate once, `query` joins it back.
"$CLI" query --state-dir "$work/state-certs" --format tsv > "$work/certs-births.tsv"
python3 bench/lineage/certs.py score "$work" "$work/certs-births.tsv"

echo "(b) fork+exec storm: $STORM runs of /bin/true per configuration, in $ROUNDS interleaved rounds (execs per second)"
per=$((STORM / ROUNDS))
declare -A secs=([untraced]=0 [n3ttrace]=0 [execsnoop]=0) cpu=([untraced]=0 [n3ttrace]=0 [execsnoop]=0)
tracer_cpu=0
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # utime + stime, clock ticks
segment() {  # runs one storm segment under configuration $1 and adds its wall and CPU time
  local out t0
  case $1 in
    untraced) out=$("$work/storm" "$per" /bin/true) ;;
    n3ttrace)
      start_tracer "storm$r"; sleep 2   # let start-up work (seed, JIT) finish, as execsnoop gets 3 s
      t0=$(ticks "$tracer")
      out=$("$work/storm" "$per" /bin/true)
      tracer_cpu=$((tracer_cpu + $(ticks "$tracer") - t0))
      stop_tracer "storm$r" ;;
    execsnoop)
      /usr/sbin/execsnoop >/dev/null 2>&1 &
      local snoop=$!
      sleep 3   # execsnoop attaches within a second; room for a loaded host
      out=$("$work/storm" "$per" /bin/true)
      kill -INT "$snoop" 2>/dev/null || kill "$snoop"; wait "$snoop" 2>/dev/null || true ;;
  esac
  read -r rate us <<<"$out"
  echo "  round $r $1: $rate /s, $us us CPU per run"
  secs[$1]=$(awk -v a="${secs[$1]}" -v n="$per" -v r="$rate" 'BEGIN { print a + n / r }')
  cpu[$1]=$(awk -v a="${cpu[$1]}" -v u="$us" 'BEGIN { print a + u }')
}
order=(untraced n3ttrace execsnoop)
for r in $(seq "$ROUNDS"); do
  for i in 0 1 2; do segment "${order[(i + r) % 3]}"; done  # rotate the order: load drift hits all alike
done
awk -v n="$((per * ROUNDS))" -v u="${secs[untraced]}" -v t="${secs[n3ttrace]}" -v s="${secs[execsnoop]}" \
    -v cu="${cpu[untraced]}" -v ct="${cpu[n3ttrace]}" -v cs="${cpu[execsnoop]}" -v tc="$tracer_cpu" -v hz="$(getconf CLK_TCK)" -v rounds="$ROUNDS" 'BEGIN {
  printf "  wall-clock rate (shared host: other load inflates this)\n"
  printf "    untraced           %8.1f /s\n", n / u
  printf "    n3ttrace attached  %8.1f /s   ratio %.3f (target >= 0.90)\n", n / t, u / t
  printf "    execsnoop attached %8.1f /s   ratio %.3f (reference)\n", n / s, u / s
  printf "  CPU per fork+exec+exit in the storm (includes the in-kernel eBPF programs)\n"
  printf "    untraced           %8.1f us\n", cu / rounds
  printf "    n3ttrace attached  %8.1f us   ratio %.3f\n", ct / rounds, cu / ct
  printf "    execsnoop attached %8.1f us   ratio %.3f (reference)\n", cs / rounds, cu / cs
  printf "  n3ttrace user-space CPU during its segments: %.1f us per run (all host traffic it traced, not only the storm)\n", tc / hz * 1e6 / n
}'
