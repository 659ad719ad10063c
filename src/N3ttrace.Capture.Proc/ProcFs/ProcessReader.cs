using System.Globalization;
using System.Security.Cryptography;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// Reads a process's context from /proc, with the same bounds and the same meanings as the
/// kernel side, so both capture modes produce the same certificate for the same process.
/// </summary>
public sealed class ProcessReader(string procRoot = "/proc") : IProcessReader
{
    // Same bounds as bpf/n3ttrace.h (N3T_ARGV_MAX, N3T_ENV_MAX).
    public const int ArgvMax = 8192;
    public const int EnvMax = 32768;

    public string ProcRoot { get; } = procRoot;

    /// <summary>Reads the context of pid, or null when it is gone or is not the process with startTicks.</summary>
    public ProcessContext? TryRead(int pid, ulong? startTicks, out ProcStat stat)
    {
        if (!ProcStat.TryRead(ProcRoot, pid, out stat) || (startTicks is { } st && stat.StartTicks != st))
        {
            return null;
        }
        var dir = $"{ProcRoot}/{pid}";
        var truncated = new List<string>(2);
        var argv = ReadBounded($"{dir}/cmdline", ArgvMax, "argv", truncated);
        var env = ReadBounded($"{dir}/environ", EnvMax, "env", truncated);
        var exe = ReadLink($"{dir}/exe");
        var deleted = exe.EndsWith(" (deleted)", StringComparison.Ordinal);
        if (deleted)
        {
            exe = exe[..^" (deleted)".Length];
        }
        var (uid, gid) = ReadIds($"{dir}/status");
        var stdio = StdioReader.Read(dir);
        var ctx = new ProcessContext
        {
            Comm = stat.Comm,
            Exe = exe,
            ExeDeleted = deleted,
            Argv = argv,
            Cwd = ReadLink($"{dir}/cwd"),
            EnvSha256 = Convert.ToHexStringLower(SHA256.HashData(env)),
            Tty = TtyName.FromTtyNr(stat.TtyNr),
            Session = stat.Session,
            LoginUid = ReadLoginUid($"{dir}/loginuid"),
            Uid = uid,
            Gid = gid,
            Cgroup = ReadCgroup($"{dir}/cgroup"),
            StdioSockets = stdio.SocketBits,
            Stdio = stdio,
            Truncated = truncated,
        };
        // Re-check identity: the pid may have been reused while we read.
        if (!ProcStat.TryRead(ProcRoot, pid, out var again) || again.StartTicks != stat.StartTicks)
        {
            return null;
        }
        return ctx;
    }

    /// <summary>
    /// What exec changes, cheaply: the executable and argv (two reads, not the full context).
    /// The /proc poller compares it with a parent's (fork without exec) or an earlier one (exec seen late).
    /// </summary>
    public ExecImage? TryReadImage(int pid)
    {
        var dir = $"{ProcRoot}/{pid}";
        var exe = ReadLink($"{dir}/exe");
        if (exe.Length == 0 && !Directory.Exists(dir))
        {
            return null;
        }
        return new ExecImage(exe, ReadBounded($"{dir}/cmdline", ArgvMax, "argv", []));
    }

    private static byte[] ReadBounded(string path, int max, string name, List<string> truncated)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
            var buf = new byte[max + 1];
            var n = 0;
            int r;
            while (n < buf.Length && (r = fs.Read(buf, n, buf.Length - n)) > 0)
            {
                n += r;
            }
            if (n > max)
            {
                truncated.Add(name);
                n = max;
            }
            return buf[..n];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            truncated.Add(name);
            return [];
        }
    }

    /// <summary>A /proc link's target, or "" when the process or the link is gone or unreadable.</summary>
    internal static string ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static (uint Uid, uint Gid) ReadIds(string path)
    {
        uint uid = 0, gid = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    uid = uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Gid:", StringComparison.Ordinal))
                {
                    gid = uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        return (uid, gid);
    }

    private static long ReadLoginUid(string path)
    {
        try
        {
            var v = uint.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
            return v == uint.MaxValue ? -1 : v;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>The cgroup v2 path ("0::/path" line).</summary>
    public static string ReadCgroup(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("0::", StringComparison.Ordinal))
                {
                    return line[3..];
                }
            }
        }
        catch (IOException)
        {
        }
        return "";
    }

    public bool TryReadStat(int pid, out ProcStat stat) => ProcStat.TryRead(ProcRoot, pid, out stat);

    public int ReadStdioSockets(int pid) => StdioProbe.Read(pid, ProcRoot);

    public int CountInboundSockets(int pid) => InboundSockets.Count(pid, ProcRoot);

    public IEnumerable<int> EnumeratePids()
    {
        foreach (var d in Directory.EnumerateDirectories(ProcRoot))
        {
            var name = Path.GetFileName(d.AsSpan());
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }
}
