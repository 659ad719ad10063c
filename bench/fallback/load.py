#!/usr/bin/env python3
"""Static load for the poll-cycle benchmark: CONNS loopback connections (each one outbound
socket plus its accepted peer) held by HOLDERS processes, plus idle processes up to PROCS in
all. Prints READY when everything is up, holds until stdin closes or TIMEOUT seconds pass,
then kills every child. Bounded: at most 4000 connections, 2000 processes."""
import os, resource, signal, socket, subprocess, sys, time

conns, procs, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
assert 0 < conns <= 4000 and 0 < procs <= 2000 and timeout <= 600
holders = 20
resource.setrlimit(resource.RLIMIT_NOFILE, (conns * 2 + 1024, conns * 2 + 1024))
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
children = []

def cleanup(*_):
    for p in children:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for p in children:
        try:
            os.waitpid(p, 0)
        except ChildProcessError:
            pass
    sys.exit(0)

signal.signal(signal.SIGTERM, cleanup)
accepted = []
per = conns // holders
for h in range(holders):
    n = per if h < holders - 1 else conns - per * (holders - 1)
    pid = os.fork()
    if pid == 0:
        srv.close()
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
        signal.pause()
        os._exit(0)
    children.append(pid)
    for _ in range(n):
        c, _ = srv.accept()
        accepted.append(c)
for _ in range(procs - holders - 1):
    children.append(subprocess.Popen(["sleep", str(int(timeout) + 5)]).pid)
print("READY", port, flush=True)
deadline = time.time() + timeout
import select
while time.time() < deadline:
    r, _, _ = select.select([sys.stdin], [], [], 1)
    if r and not sys.stdin.readline():
        break
cleanup()
