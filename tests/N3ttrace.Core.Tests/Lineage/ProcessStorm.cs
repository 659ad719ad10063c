using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Lineage;

/// <summary>
/// Feeds a real ProcessTable the fork/exec/exit events of a busy host, as the eBPF decoder
/// would produce them: fresh strings and arrays per event, pids cycling through pid_max.
/// One shell (child of init) runs a script that forks a subshell that execs a command, 1 ms apart.
/// </summary>
internal sealed class ProcessStorm
{
    private const int PidMax = 32768;
    public ProcessTable Table { get; }
    public ProcessKey Shell { get; } = new(1000, 1);
    public long NowNs { get; private set; } = 1_000_000_000;
    private int _nextPid = 1001;
    private ulong _ticks = 2;

    public ProcessStorm()
    {
        Table = new ProcessTable(new ProcessIdentity("5f0c4a1e-8a7b-4c6d-9e2f-0123456789ab"), new NoProcesses()); // no /proc reads: every parent is seen
        Table.OnFork(new ProcessKey(1, 1), Shell, "bash");
        Table.OnExec(Shell, new ProcessKey(1, 1), Context(0, "bash"));
    }

    /// <summary>count processes: fork from the shell, exec, and exit unless keepAlive; sweeps every 250 ms of event time.</summary>
    public void Run(int count, bool keepAlive)
    {
        var nextSweep = NowNs;
        for (var i = 0; i < count; i++)
        {
            var child = new ProcessKey(NextPid(), _ticks++);
            Table.OnFork(Shell, child, "bash");
            Table.OnExec(child, Shell, Context(i, "curl"));
            NowNs += 1_000_000;
            if (!keepAlive)
            {
                Table.OnExit(child, NowNs);
            }
            if (NowNs >= nextSweep)
            {
                Table.Sweep(NowNs);
                nextSweep = NowNs + 250_000_000;
            }
        }
    }

    public void Advance(TimeSpan t)
    {
        NowNs += (long)t.TotalNanoseconds;
        Table.Sweep(NowNs);
    }

    private int NextPid()
    {
        var pid = _nextPid;
        _nextPid = _nextPid + 1 >= PidMax ? 1001 : _nextPid + 1;
        return pid;
    }

    // What RecordDecoder builds from one exec record: new strings and arrays every time.
    private static ProcessContext Context(int i, string comm)
    {
        var argv = Encoding.UTF8.GetBytes($"/usr/bin/{comm}\0-s\0--max-time\03\0https://example.internal/api/v1/items/{i}\0");
        var env = Encoding.UTF8.GetBytes($"HOME=/home/user\0PATH=/usr/local/bin:/usr/bin:/bin\0LANG=C.UTF-8\0REQ={i}\0");
        return new ProcessContext
        {
            Comm = new string(comm.AsSpan()),
            Exe = string.Concat("/usr/bin/", comm),
            Argv = argv,
            Cwd = string.Concat("/home/user/work/", (i % 50).ToString(CultureInfo.InvariantCulture)),
            EnvSha256 = Convert.ToHexStringLower(SHA256.HashData(env)),
            Tty = string.Concat("pts/", "3"),
            Session = 1000,
            LoginUid = 1000,
            Uid = 1000,
            Gid = 1000,
            Cgroup = string.Concat("/user.slice/user-1000.slice/", "session-3.scope"),
            Truncated = new List<string>(2),
        };
    }
}
