#!/usr/bin/env bash
# [lineage] benchmarks, each side by side with its reference in one run (root; `make build` first):
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
CLI=./bin/.app/n3ttrace
[ -x "$CLI" ] || { echo "run 'make build' first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (eBPF)" >&2; exit 1; }
work=$(mktemp -d /tmp/n3t-bench-lineage.XXXXXX)
tracer=""
cleanup() { [ -n "$tracer" ] && kill "$tracer" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -o "$work/conn" bench/lineage/conn.c
gcc -O2 -o "$work/storm" bench/lineage/storm.c

# Starts n3ttrace in the background and waits until it says capture is ready.
start_tracer() {
  "$CLI" run --no-tui --state-dir "$work/state-$1" --log-file "$work/log-$1.txt" 2>"$work/tracer-$1.err" &
  tracer=$!
  for _ in $(seq 300); do grep -q "capture ready" "$work/tracer-$1.err" && return 0; sleep 0.1; done
  echo "n3ttrace did not start:" >&2; cat "$work/tracer-$1.err" >&2; exit 1
}
stop_tracer() {
  kill -TERM "$tracer"; wait "$tracer" || true; tracer=""  # SIGTERM: a background job of a script ignores SIGINT
  grep -o "kernel dropped [0-9]*" "$work/tracer-$1.err" | sed 's/^/  n3ttrace: /' || true
}

echo "(a) $N short-lived connectors, each with its own argv, cwd, environment; connect once, exit at once"
start_tracer certs
python3 bench/lineage/certs.py spawn "$work/conn" "$N" "$work"
stop_tracer certs
python3 bench/lineage/certs.py score "$work" "$work/state-certs/birth_records.tsv"

echo "(b) fork+exec storm: $STORM runs of /bin/true per configuration, in $ROUNDS interleaved rounds (execs per second)"
per=$((STORM / ROUNDS))
declare -A secs=([untraced]=0 [n3ttrace]=0 [execsnoop]=0)
segment() {  # runs one storm segment under configuration $1 and adds its duration
  local rate
  case $1 in
    untraced) rate=$("$work/storm" "$per" /bin/true) ;;
    n3ttrace) start_tracer "storm$r"; rate=$("$work/storm" "$per" /bin/true); stop_tracer "storm$r" ;;
    execsnoop)
      /usr/sbin/execsnoop >/dev/null 2>&1 &
      local snoop=$!
      sleep 3   # execsnoop attaches within a second; room for a loaded host
      rate=$("$work/storm" "$per" /bin/true)
      kill -INT "$snoop" 2>/dev/null || kill "$snoop"; wait "$snoop" 2>/dev/null || true ;;
  esac
  echo "  round $r $1: $rate /s"
  secs[$1]=$(awk -v a="${secs[$1]}" -v n="$per" -v r="$rate" 'BEGIN { print a + n / r }')
}
order=(untraced n3ttrace execsnoop)
for r in $(seq "$ROUNDS"); do
  for i in 0 1 2; do segment "${order[(i + r) % 3]}"; done  # rotate the order: load drift hits all alike
done
awk -v n="$((per * ROUNDS))" -v u="${secs[untraced]}" -v t="${secs[n3ttrace]}" -v s="${secs[execsnoop]}" 'BEGIN {
  printf "  untraced           %8.1f /s\n", n / u
  printf "  n3ttrace attached  %8.1f /s   ratio %.3f (target >= 0.90)\n", n / t, u / t
  printf "  execsnoop attached %8.1f /s   ratio %.3f (reference)\n", n / s, u / s
}'
