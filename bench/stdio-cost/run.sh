#!/usr/bin/env bash
# bench/stdio-cost: what the stdio facts (fds 0-2: kind, inode) cost the kernel per exec, measured with bpf_stats.
# The exec program is built twice from bpf/n3ttrace.bpf.c: as shipped (one read_stdio) and with read_stdio run
# REPEAT times; both are loaded alone (bench/stdio-cost/loader.c), each over EXECS execs of /bin/true, ROUNDS
# interleaved rounds. One read (three fds) = (cost with REPEAT - cost shipped) / (REPEAT - 1). Target: <= 1 us.
# The mean covers every exec on the host while the program is attached, not only the bench's own.
# Needs root, clang, libbpf-dev, bpftool (make deps). Knobs: EXECS (10000), REPEAT (11), ROUNDS (3), BENCH_OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out/stdio-cost}
EXECS=${EXECS:-10000}
REPEAT=${REPEAT:-11}
ROUNDS=${ROUNDS:-3}
ARCH=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
[ "$(id -u)" = 0 ] || { echo "bench/stdio-cost needs root (eBPF)" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
VMLINUX=bpf/.output/vmlinux.h
[ -f "$VMLINUX" ] || { mkdir -p bpf/.output; bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$VMLINUX"; }
for r in 1 "$REPEAT"; do
  clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_"$ARCH" -DN3T_BENCH_STDIO_REPEAT="$r" -Ibpf/.output -Ibpf \
    -c bpf/n3ttrace.bpf.c -o "$OUT/exec-$r.bpf.o"
done
gcc -O2 -Wall -Werror -o "$OUT/loader" bench/stdio-cost/loader.c -lbpf
old=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$old"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
RESULTS=$OUT/results.txt
: > "$RESULTS"
for round in $(seq "$ROUNDS"); do
  for r in 1 "$REPEAT"; do
    line=$("$OUT/loader" "$OUT/exec-$r.bpf.o" "$EXECS")
    echo "round=$round repeat=$r $line" | tee -a "$RESULTS"
  done
done
python3 - "$RESULTS" "$REPEAT" <<'PY' | tee -a "$RESULTS"
import re, statistics, sys
rows = [dict(kv.split("=") for kv in l.split()) for l in open(sys.argv[1]) if l.startswith("round=")]
rep = sys.argv[2]
one = [float(r["ns_per_run"]) for r in rows if r["repeat"] == "1"]
many = [float(r["ns_per_run"]) for r in rows if r["repeat"] == rep]
per = [(m - o) / (int(rep) - 1) for o, m in zip(one, many)]
print(f"exec program as shipped: median {statistics.median(one)/1000:.2f} us per exec (all of argv, env, cwd, exe, stdio)")
print(f"exec program, read_stdio x{rep}: median {statistics.median(many)/1000:.2f} us per exec")
print(f"stdio facts (one read_stdio, fds 0-2): median {statistics.median(per)/1000:.3f} us per exec, rounds {', '.join(f'{p/1000:.3f}' for p in per)} (target <= 1 us)")
PY
