#!/usr/bin/env python3
"""Counting and matching for bench/capture/run.sh (reads the real trail and tcplife output).

  analyze.py n3t STATE_DIR PID            -> "births=N deaths=N fails=N"
  analyze.py tcplife OUT_FILE PID PORTS   -> "sessions=N"  (outbound: RPORT in PORTS)
  analyze.py lost TCPLIFE_STDERR          -> "lost=N"       (sum of "lost N events on CPU")
  analyze.py accuracy SAMPLES STATE_DIR TCPLIFE_OUT PID
        -> per tracer: matched samples, max |lifetime error| ms, share within 1 ms
"""
import re
import sys
from datetime import datetime, timezone


def rows(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            yield col, line.rstrip("\n").split("\t")


def n3t(state_dir, pid):
    # Outbound connections of the storm only (it also accepts its own connections), matched by conn_id: format-3
    # timeline rows carry no pid.
    conns = set()
    for col, r in rows(f"{state_dir}/birth_records.tsv"):
        if r[col["pid"]] == pid and ("direction" not in col or r[col["direction"]] == "outbound"):
            conns.add(r[col["conn_id"]])
    deaths = fails = 0
    for col, r in rows(f"{state_dir}/snapshots.tsv"):
        if r[col["conn_id"]] in conns:
            e = r[col["event"]]
            deaths += e == "death"
            fails += e == "fail"
    # A failed connect also gets a birth record; count births of established sockets only.
    print(f"births={len(conns) - fails} deaths={deaths} fails={fails}")


def tcplife_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) >= 9 and p[0].isdigit():
                yield p


def tcplife(path, pid, ports):
    ports = set(ports.split(","))
    n = sum(1 for p in tcplife_lines(path) if p[0] == pid and p[5] in ports)
    print(f"sessions={n}")


def lost(path):
    total = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for m in re.finditer(r"lost (\d+) events", f.read()):
            total += int(m.group(1))
    print(f"lost={total}")


def parse_ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def summary(name, errors, total):
    if not errors:
        print(f"{name}: matched 0/{total}")
        return
    worst = max(abs(e) for e in errors)
    within = sum(1 for e in errors if abs(e) <= 1.0)
    print(f"{name}: matched {len(errors)}/{total} max_err_ms={worst:.3f} within_1ms={100.0 * within / len(errors):.2f}%")


def accuracy(samples_path, state_dir, tcplife_out, pid):
    samples = []
    with open(samples_path) as f:
        for line in f:
            lport, start_ns, life_ns = line.split()
            samples.append((lport, int(start_ns) / 1e9, int(life_ns) / 1e6))
    ports = [s[0] for s in samples]
    unique = {p for p in ports if ports.count(p) == 1}

    # n3ttrace: birth record (local port, birth ts) -> conn_id -> death row duration.
    births = {}
    for col, r in rows(f"{state_dir}/birth_records.tsv"):
        if r[col["pid"]] == pid:
            port = r[col["local"]].rsplit(":", 1)[1]
            births.setdefault(port, []).append((parse_ts(r[col["ts"]]), r[col["conn_id"]]))
    life = {}
    for col, r in rows(f"{state_dir}/snapshots.tsv"):
        if r[col["event"]] == "death" and r[col["pid"]] == pid:
            life[r[col["conn_id"]]] = float(r[col["duration_s"]]) * 1000
    errors = []
    for lport, start, ms in samples:
        cands = births.get(lport, [])
        if not cands:
            continue
        ts, conn = min(cands, key=lambda c: abs(c[0] - start))
        if abs(ts - start) < 1.0 and conn in life:
            errors.append(life[conn] - ms)
    summary("n3ttrace", errors, len(samples))

    # tcplife: no timestamps finer than seconds, so only ports used once in the sample are matched.
    by_port = {}
    for p in tcplife_lines(tcplife_out):
        if p[0] == pid:
            by_port.setdefault(p[3], []).append(float(p[8]))
    errors = [by_port[lp][0] - ms for lp, _, ms in samples if lp in unique and len(by_port.get(lp, [])) == 1]
    summary("tcplife", errors, len(samples))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"n3t": n3t, "tcplife": tcplife, "lost": lost, "accuracy": accuracy}[cmd](*args)
