#!/usr/bin/env python3
"""Benchmark (a): short-lived processes, each with its own argv, cwd and environment, connect once
to a loopback listener and exit at once. Records the truth of each process, runs a /proc-polling
reference (what the original tool did) meanwhile, then scores n3ttrace's birth records and the
reference against the truth.

  certs.py spawn CONN N WORKDIR   -> WORKDIR/truth.tsv, WORKDIR/reference.tsv
  certs.py score WORKDIR BIRTH_RECORDS_TSV
"""
import hashlib, os, random, socket, subprocess, sys, threading, time

FIELDS = ["cmdline", "cwd", "env_sha256", "exe", "process_id"]
BOOT = open("/proc/sys/kernel/random/boot_id").read().strip()


def process_id(pid, start):
    return hashlib.sha256(f"n3ttrace:process:v1:{BOOT}:{pid}:{start}".encode()).hexdigest()[:32]


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4096)
    def loop():
        while True:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()
    return s


class ProcPoller:
    """Reference: every interval, find sockets to the listener port in /proc/net/tcp and read
    their owners' cmdline, cwd, environ and exe from /proc, as a polling tool must."""

    def __init__(self, port, interval):
        self.port, self.interval, self.seen, self.stop = port, interval, {}, False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop:
            inodes = set()
            with open("/proc/net/tcp") as f:
                next(f)
                for line in f:
                    p = line.split()
                    if int(p[2].split(":")[1], 16) == self.port and p[9] != "0":
                        inodes.add(p[9])
            if inodes:
                for pid in filter(str.isdigit, os.listdir("/proc")):
                    try:
                        for fd in os.listdir(f"/proc/{pid}/fd"):
                            link = os.readlink(f"/proc/{pid}/fd/{fd}")
                            if link.startswith("socket:[") and link[8:-1] in inodes:
                                self.record(int(pid))
                    except OSError:
                        pass
            time.sleep(self.interval)

    def record(self, pid):
        try:
            d = f"/proc/{pid}"
            st = open(f"{d}/stat").read()
            start = st[st.rindex(")") + 2:].split(" ")[19]
            cmd = open(f"{d}/cmdline", "rb").read().rstrip(b"\0").replace(b"\0", b" ").decode()
            env = hashlib.sha256(open(f"{d}/environ", "rb").read()).hexdigest()
            self.seen[pid] = dict(cmdline=cmd, cwd=os.readlink(f"{d}/cwd"), env_sha256=env,
                                  exe=os.readlink(f"{d}/exe"), process_id=process_id(pid, start))
        except OSError:
            pass


def spawn(conn, n, workdir):
    lst = listener()
    port = lst.getsockname()[1]
    ref = ProcPoller(port, 0.1)
    ref.thread.start()
    rnd = random.Random(42)
    truth = []
    for i in range(n):
        cwd = os.path.join(workdir, f"cwd {i} {rnd.randrange(10**6)}")
        os.makedirs(cwd, exist_ok=True)
        argv = [conn, str(port), f"job-{i}", "--token", "%x" % rnd.getrandbits(64), "x" * rnd.randrange(1, 200)]
        env = {"HOME": "/root", "BENCH_I": str(i), "RND": "%x" % rnd.getrandbits(128), "PAD": "p" * rnd.randrange(0, 3000)}
        out = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, check=False).stdout.decode().split()
        if len(out) != 2:
            continue
        pid, start = int(out[0]), int(out[1])
        block = b"".join(f"{k}={v}\0".encode() for k, v in env.items())
        truth.append(dict(pid=str(pid), cmdline=" ".join(argv), cwd=cwd, env_sha256=hashlib.sha256(block).hexdigest(),
                          exe=os.path.realpath(conn), process_id=process_id(pid, start)))
    time.sleep(0.5)
    ref.stop = True
    ref.thread.join()
    lst.close()
    write(os.path.join(workdir, "truth.tsv"), truth)
    write(os.path.join(workdir, "reference.tsv"), [dict(pid=str(p), **v) for p, v in ref.seen.items()])


def write(path, rows):
    with open(path, "w") as f:
        f.write("\t".join(["pid"] + FIELDS) + "\n")
        for r in rows:
            f.write("\t".join(r[k] for k in ["pid"] + FIELDS) + "\n")


def read(path, must_contain=None):
    """Rows as dicts; with must_contain, only lines holding it (the host's other traffic is skipped unparsed)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f if must_contain is None or must_contain in l]


def score(name, truth, records):
    by_key = {}
    for r in records:
        by_key.setdefault(r.get("pid"), []).append(r)
    exact = {k: 0 for k in FIELDS}
    complete = 0
    for t in truth:
        # The record for this process: same pid and process_id (pids are reused across 1,000 runs).
        cands = [r for r in by_key.get(t["pid"], []) if r.get("process_id") == t["process_id"]] or by_key.get(t["pid"], [])[:1]
        r = cands[0] if cands else {}
        ok = [k for k in FIELDS if r.get(k) == t[k]]
        for k in ok:
            exact[k] += 1
        complete += len(ok) == len(FIELDS)
    n = len(truth)
    cols = "  ".join(f"{k} {100.0 * exact[k] / n:5.1f}%" for k in FIELDS)
    print(f"{name:<28} certificates {complete:4d}/{n} ({100.0 * complete / n:5.1f}%)  {cols}")
    return complete


def main():
    if sys.argv[1] == "spawn":
        spawn(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        workdir, births = sys.argv[2], sys.argv[3]
        truth = read(os.path.join(workdir, "truth.tsv"))
        ours = read(births, must_contain=truth[0]["exe"] if truth else None)
        ref = read(os.path.join(workdir, "reference.tsv"))
        a = score("n3ttrace (eBPF)", truth, ours)
        b = score("reference (/proc, 100 ms)", truth, ref)
        print(f"ratio n3ttrace/reference complete certificates: {a / b:.1f}x" if b else
              f"ratio n3ttrace/reference: reference recorded none ({a} vs 0)")


main()
