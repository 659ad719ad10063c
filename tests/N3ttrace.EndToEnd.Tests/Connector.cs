using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A real child process with a known argv, cwd and environment that connects to HOST PORT,
/// reports its local port, holds the connection until told to close, then exits.
/// </summary>
internal sealed class Connector : IDisposable
{
    public const string Python = "/usr/bin/python3";

    // argv: HOST PORT MARKER. Prints "LPORT <port>" (or "REFUSED"), waits for a line on stdin, closes.
    private const string Script = """
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
try:
    s = socket.create_connection((host, port), timeout=5)
except OSError:
    print("REFUSED", flush=True)
    sys.exit(0)
print("LPORT %d" % s.getsockname()[1], flush=True)
sys.stdin.readline()
s.close()
""";

    private readonly Process _p;

    public int Pid => _p.Id;
    public string Cwd { get; }
    public IReadOnlyList<string> Argv { get; }
    /// <summary>The environment block exactly as /proc/PID/environ holds it.</summary>
    public byte[] EnvBlock { get; }
    public int LocalPort { get; private set; }
    public bool Refused { get; private set; }
    public ulong StartTicks { get; private set; }

    public Connector(string host, int port, string marker, string cwd, IReadOnlyList<(string Key, string Value)> env)
    {
        Cwd = cwd;
        Argv = [Python, "-c", Script, host, port.ToString(CultureInfo.InvariantCulture), marker];
        EnvBlock = Encoding.UTF8.GetBytes(string.Concat(env.Select(e => $"{e.Key}={e.Value}\0")));
        // env -i: the child's environment is exactly ours, in our order.
        var psi = new ProcessStartInfo("/usr/bin/env")
        {
            WorkingDirectory = cwd,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add("-i");
        foreach (var (k, v) in env)
        {
            psi.ArgumentList.Add($"{k}={v}");
        }
        foreach (var a in Argv)
        {
            psi.ArgumentList.Add(a);
        }
        _p = Process.Start(psi)!;
    }

    /// <summary>Waits until connected (or refused) and records the start ticks while the process is alive.</summary>
    public void WaitConnected()
    {
        var line = _p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("connector exited without connecting");
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        StartTicks = ulong.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
        if (line == "REFUSED")
        {
            Refused = true;
            return;
        }
        LocalPort = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    public string CommandLine => string.Join(' ', Argv);

    /// <summary>Closes the connection and waits for the process to exit.</summary>
    public void Close()
    {
        if (!_p.HasExited)
        {
            _p.StandardInput.WriteLine();
            _p.StandardInput.Flush();
        }
        Assert.True(_p.WaitForExit(10_000), "connector did not exit");
    }

    public void Dispose()
    {
        if (!_p.HasExited)
        {
            _p.Kill();
        }
        _p.Dispose();
    }
}
