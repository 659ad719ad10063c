using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>
/// A real short-lived process tree run from a Python script: it reports what it is (pid, start
/// ticks, session, tty, cgroup, ...) as "KEY VALUE" lines on stdout, connects once to a
/// loopback listener and exits at once. Keys are prefixed by role (L launcher, M middle, D daemon, ...).
/// </summary>
internal sealed class Probe : IDisposable
{
    public const string Python = "/usr/bin/python3";

    // argv: MODE HOST PORT MARKER [ARG]
    private const string Script = """
import ctypes, os, socket, sys, time
mode, host, port, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
arg = sys.argv[5] if len(sys.argv) > 5 else ""
def out(k, v):
    os.write(1, ("%s %s\n" % (k, v)).encode())
def stat(pid):
    s = open("/proc/%d/stat" % pid).read()
    return s[s.rindex(")") + 2:].split(" ")
def me(role):
    f = stat(os.getpid())
    out(role + ".pid", os.getpid()); out(role + ".start", f[19]); out(role + ".ppid", f[1])
    out(role + ".sid", os.getsid(0))
    try: out(role + ".tty", os.ttyname(0)[5:])
    except OSError: out(role + ".tty", "")
    cg = [l[3:].strip() for l in open("/proc/self/cgroup") if l.startswith("0::")]
    out(role + ".cgroup", cg[0] if cg else "")
    out(role + ".loginuid", open("/proc/self/loginuid").read().strip())
def connect(role):
    s = socket.create_connection((host, port), timeout=5)
    out(role + ".lport", s.getsockname()[1])
    s.close()
if mode == "connect":
    me("P"); connect("P")
elif mode == "chdir":
    os.chdir(arg); me("P"); connect("P")
elif mode == "rename":
    ctypes.CDLL(None).prctl(15, b"kworker/0:1", 0, 0, 0)
    me("P"); connect("P")
elif mode == "wait":
    me("P"); out("ready", 1); sys.stdin.readline(); connect("P")
elif mode == "daemon":
    me("L")
    m = os.fork()
    if m == 0:
        me("M"); os.setsid(); mpid = os.getpid()
        if os.fork() == 0:
            while os.getppid() == mpid:  # until re-parented: the launcher chain is gone
                time.sleep(0.01)
            time.sleep(0.3)
            me("D"); connect("D"); out("done", 1); os._exit(0)
        os._exit(0)
    os.waitpid(m, 0)
    os._exit(0)
elif mode == "reuse":
    me("L")
    def child(role):
        me(role); connect(role); os._exit(0)
    a = os.fork()
    if a == 0: child("A")
    os.waitpid(a, 0)
    time.sleep(0.05)  # a later clock tick: same pid, different start time
    for i in range(20000):
        open("/proc/sys/kernel/ns_last_pid", "w").write(str(a - 1))
        b = os.fork()
        if b == 0:
            if os.getpid() == a: child("B")
            os._exit(0)
        os.waitpid(b, 0)
        if b == a: break
    out("tries", i + 1)
""";

    private readonly Process _p;
    private readonly Dictionary<string, string> _facts = new(StringComparer.Ordinal);
    private readonly Task _reader;

    public IReadOnlyList<string> Argv { get; }
    public byte[] EnvBlock { get; }
    public string Cwd { get; }

    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("n3t-probe-").FullName, "probe.py");
        File.WriteAllText(path, Script);
        return path;
    });

    /// <summary>
    /// Starts MODE under `env -i` with exactly env, in cwd. A shell prelude runs first in the same
    /// process (which then execs the probe); pty runs it all under `script`, on a real terminal.
    /// </summary>
    public Probe(string mode, int port, string marker, string cwd, IReadOnlyList<(string Key, string Value)> env,
        string arg = "", string? prelude = null, bool pty = false, bool openStdin = false)
    {
        Cwd = cwd;
        Argv = [Python, ScriptPath.Value, mode, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), marker, .. (arg.Length > 0 ? new[] { arg } : [])];
        EnvBlock = Encoding.UTF8.GetBytes(string.Concat(env.Select(e => $"{e.Key}={e.Value}\0")));
        var cmd = new List<string> { "/usr/bin/env", "-i" };
        cmd.AddRange(env.Select(e => $"{e.Key}={e.Value}"));
        cmd.AddRange(Argv);
        if (prelude is not null || pty)
        {
            var wrapper = Path.Combine(Directory.CreateTempSubdirectory("n3t-wrap-").FullName, "wrap.sh");
            File.WriteAllText(wrapper, $"#!/bin/sh\n{prelude}\nexec {string.Join(' ', cmd.Select(a => $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'"))}\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            cmd = pty ? ["/usr/bin/script", "-qec", wrapper, "/dev/null"] : [wrapper];
        }
        var psi = new ProcessStartInfo(cmd[0])
        {
            WorkingDirectory = cwd,
            RedirectStandardInput = openStdin || pty,
            RedirectStandardOutput = true,
        };
        foreach (var a in cmd.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        _p = Process.Start(psi)!;
        _reader = Task.Run(ReadAll);
    }

    public string CommandLine => string.Join(' ', Argv);

    private void ReadAll()
    {
        string? line;
        while ((line = _p.StandardOutput.ReadLine()) is not null)
        {
            line = line.TrimEnd('\r');
            var sp = line.IndexOf(' ', StringComparison.Ordinal);
            if (sp < 0)
            {
                continue;
            }
            lock (_facts)
            {
                _facts[line[..sp]] = line[(sp + 1)..];
            }
        }
    }

    public string this[string key]
    {
        get
        {
            lock (_facts)
            {
                return _facts.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"probe did not report {key}: {string.Join(", ", _facts.Keys)}");
            }
        }
    }

    public int Pid(string role) => int.Parse(this[$"{role}.pid"], CultureInfo.InvariantCulture);

    public ulong Start(string role) => ulong.Parse(this[$"{role}.start"], CultureInfo.InvariantCulture);

    /// <summary>Waits until key was reported.</summary>
    public void WaitFor(string key)
    {
        var until = Environment.TickCount64 + 10_000;
        while (Environment.TickCount64 < until)
        {
            lock (_facts)
            {
                if (_facts.ContainsKey(key))
                {
                    return;
                }
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException($"probe did not report {key}");
    }

    public void Send(string line)
    {
        _p.StandardInput.WriteLine(line);
        _p.StandardInput.Flush();
    }

    /// <summary>Waits until the whole tree closed stdout (daemons included).</summary>
    public void WaitExit()
    {
        Assert.True(_reader.Wait(20_000), "probe tree did not finish");
        Assert.True(_p.WaitForExit(10_000), "probe did not exit");
    }

    public void Dispose()
    {
        if (!_p.HasExited)
        {
            _p.Kill(entireProcessTree: true);
        }
        _p.Dispose();
    }
}
