#!/usr/bin/env bash
# [fallback] benchmark: /proc polling capture.
#  1. CPU of one poll cycle with 2,000 loopback connections (4,000 sockets) and 500 processes,
#     for both socket tables (sock_diag, /proc/net/tcp), side by side with `ss -tnp` (one
#     full socket-to-process scan, what a naive poller runs every cycle). Target < 20 ms.
#  2. A mixed workload (73 connections, lifetimes 0.05 s to 20 s) traced by eBPF and by
#     --fallback-proc at once: how many connections living >= 2 intervals were recorded with
#     their process (target 100%); the original bash tool caught 3 of 73.
# Needs root. Everything it starts is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
CLI=${N3TTRACE:-./artifacts/publish/n3ttrace}  # the release binary (make publish)
[ -x "$CLI" ] || { echo "run 'make publish' first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/fallback needs root" >&2; exit 1; }
work=$(mktemp -d /tmp/n3t-bench-fallback.XXXXXX)
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

stat_line() { grep -o 'proc polling: .*' "$1" | head -1; }
field() { sed -nE "s/.*$2.*/\1/p" <<<"$1"; }

start_load() {
  mkfifo "$work/load.in"
  python3 bench/fallback/load.py 2000 500 300 < "$work/load.in" > "$work/load.out" &
  load_pid=$!
  exec 7> "$work/load.in"
  for _ in $(seq 100); do grep -q READY "$work/load.out" 2>/dev/null && return; sleep 0.2; done
  echo "load did not start" >&2; exit 1
}
stop_load() { exec 7>&-; wait "$load_pid" || true; load_pid=""; rm -f "$work/load.in"; }

trace() { # table duration name
  N3TTRACE_SOCKET_TABLE=$1 "$CLI" run --verify-key-out "$(mktemp -u)" --fallback-proc --interval 1 --no-tui --duration "$2" \
    --state-dir "$work/$3" --log-file "$work/$3.log" 2> "$work/$3.err"
  stat_line "$work/$3.err"
}

echo "-- 1. one poll cycle, 2,000 loopback connections (4,000 sockets) + 500 processes"
start_load
procs=$(ls /proc | grep -c '^[0-9]')
socks=$(( $(wc -l < /proc/net/tcp) + $(wc -l < /proc/net/tcp6) - 2 ))
echo "host now: $procs processes, $socks TCP sockets"
for table in sock_diag procfs; do
  line=$(trace "$table" 10 "steady-$table")
  echo "$table steady: $line"
done
ss_ms=$(python3 -c '
import resource, subprocess
runs = 5
for _ in range(runs):
    subprocess.run(["ss", "-tnp"], stdout=subprocess.DEVNULL, check=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f" % ((u.ru_utime + u.ru_stime) * 1000 / runs))')
echo "reference: ss -tnp (full fd scan, one cycle of a naive poller): ${ss_ms} ms CPU per run"
stop_load
# Cold: the tracer runs first, then 2,000 connections and 500 processes appear at once.
for table in sock_diag procfs; do
  N3TTRACE_SOCKET_TABLE=$table "$CLI" run --verify-key-out "$(mktemp -u)" --fallback-proc --interval 1 --no-tui --duration 12 \
    --state-dir "$work/cold-$table" --log-file "$work/cold-$table.log" 2> "$work/cold-$table.err" &
  tp=$!
  sleep 2
  start_load
  wait "$tp"
  stop_load
  echo "$table cold (all appear during the run, max = the cycle that met them): $(stat_line "$work/cold-$table.err")"
done
summary=$(stat_line "$work/steady-sock_diag.err")
avg=$(field "$summary" 'CPU per cycle ([0-9.]+) ms median')
mean=$(field "$summary" 'median, ([0-9.]+) ms average')
ratio=$(python3 -c "print('%.0f' % ($ss_ms / max($avg, 0.01)))")
echo "RESULT poll cycle (sock_diag, steady): ${avg} ms CPU median, ${mean} ms average (target < 20 ms; other users' churn on this host is included); ss -tnp ${ss_ms} ms: ${ratio}x less"

echo "-- 2. mixed workload: 73 connections, lifetimes 0.05 s .. 20 s, eBPF and --fallback-proc side by side"
"$CLI" run --verify-key-out "$(mktemp -u)" --no-tui --duration 40 --state-dir "$work/mix-ebpf" --log-file "$work/mix-ebpf.log" 2> "$work/mix-ebpf.err" &
e=$!
"$CLI" run --verify-key-out "$(mktemp -u)" --fallback-proc --interval 1 --no-tui --duration 40 --state-dir "$work/mix-proc" --log-file "$work/mix-proc.log" 2> "$work/mix-proc.err" &
p=$!
for _ in $(seq 100); do grep -q "capture ready" "$work/mix-ebpf.err" "$work/mix-proc.err" 2>/dev/null && \
  [ "$(grep -l 'capture ready' "$work/mix-ebpf.err" "$work/mix-proc.err" | wc -l)" = 2 ] && break; sleep 0.2; done
python3 bench/fallback/mixed.py 73 10 "$work/mixed.txt"
kill -INT "$e" "$p"; wait "$e" "$p" || true
# Through the trail's one reader: format 2 stores each process certificate once, `query` joins it back.
for m in mix-ebpf mix-proc; do "$CLI" query --state-dir "$work/$m" --format tsv > "$work/$m-births.tsv"; done
python3 - "$work/mixed.txt" "$work/mix-ebpf-births.tsv" "$work/mix-proc-births.tsv" <<'PY'
import csv, sys
conns = [l.split() for l in open(sys.argv[1])]
def recorded(path):
    rows = list(csv.DictReader(open(path), delimiter="\t", quoting=csv.QUOTE_NONE))
    return {(r["pid"], r["local"].rsplit(":", 1)[1]): r for r in rows}
ebpf, proc = recorded(sys.argv[2]), recorded(sys.argv[3])
def count(rec, pred):
    sel = [c for c in conns if pred(float(c[2]))]
    hit = [c for c in sel if (c[0], c[1]) in rec]
    ctx = [c for c in hit if rec[(c[0], c[1])]["process_id"] and rec[(c[0], c[1])]["parent"] == "known"]
    return len(sel), len(hit), len(ctx)
for name, rec in (("ebpf", ebpf), ("proc 1 s", proc)):
    n, h, c = count(rec, lambda l: True)
    n2, h2, c2 = count(rec, lambda l: l >= 2.0)
    print("%-8s all: %d/%d recorded; living >= 2 intervals (2 s): %d/%d recorded (%.0f%%), %d with process and known parent"
          % (name, h, n, h2, n2, 100.0 * h2 / max(n2, 1), c2))
n2, h2, _ = count(proc, lambda l: l >= 2.0)
n, h, _ = count(proc, lambda l: True)
print("RESULT mixed: proc caught %d/%d connections living >= 2 s (target 100%%), %d/%d overall; original bash tool: 3/73" % (h2, n2, h, n))
PY
