#!/usr/bin/env python3
"""Mixed workload, like the original tool's test: N connections with lifetimes log-uniform
between 0.05 s and 20 s, started over SPREAD seconds, each from its own forked process.
Writes "pid lport lifetime_s" per connection to OUT, then exits when all are closed."""
import math, os, random, socket, sys, threading, time

n, spread, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
rng = random.Random(73)
lifetimes = [math.exp(rng.uniform(math.log(0.05), math.log(20))) for _ in range(n)]
starts = sorted(rng.uniform(0, spread) for _ in range(n))
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1024)
port = srv.getsockname()[1]
held = []

def serve():
    while True:
        c, _ = srv.accept()
        held.append(c)

threading.Thread(target=serve, daemon=True).start()
r, w = os.pipe()
t0 = time.time()
pids = []
for life, start in zip(lifetimes, starts):
    time.sleep(max(0, t0 + start - time.time()))
    pid = os.fork()
    if pid == 0:
        os.close(r)
        s = socket.create_connection(("127.0.0.1", port))
        os.write(w, ("%d %d %.3f\n" % (os.getpid(), s.getsockname()[1], life)).encode())
        time.sleep(life)
        s.close()
        os._exit(0)
    pids.append(pid)
os.close(w)
for p in pids:
    os.waitpid(p, 0)
with os.fdopen(r) as f, open(out, "w") as o:
    o.write(f.read())
