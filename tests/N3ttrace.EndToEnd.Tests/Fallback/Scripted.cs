using System.Diagnostics;
using System.Globalization;

namespace N3ttrace.EndToEnd.Tests.Fallback;

/// <summary>
/// A python3 child running a given script with a marker in its argv: the script prints lines
/// the test reads (pids, ports) and waits for lines the test writes. Killed on dispose.
/// </summary>
internal sealed class Scripted : IDisposable
{
    private readonly Process _p;

    public int Pid => _p.Id;

    public Scripted(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Connector.Python) { RedirectStandardInput = true, RedirectStandardOutput = true, WorkingDirectory = "/" };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        _p = Process.Start(psi)!;
    }

    /// <summary>The next line the script prints, split on spaces ("LPORT 4242" -> ["LPORT", "4242"]).</summary>
    public string[] ReadLine() =>
        (_p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("script exited early")).Split(' ');

    public int ReadInt(string tag)
    {
        var f = ReadLine();
        Assert.Equal(tag, f[0]);
        return int.Parse(f[1], CultureInfo.InvariantCulture);
    }

    public void WriteLine(string s)
    {
        _p.StandardInput.WriteLine(s);
        _p.StandardInput.Flush();
    }

    public void WaitExit() => Assert.True(_p.WaitForExit(15_000), "script did not exit");

    public static ulong StartTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return ulong.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
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
