using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Trail;

/// <summary>A real `n3ttrace run` on a given state directory (so a test can crash it and start it again on the same trail).</summary>
internal sealed partial class TrailRun : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    private TrailRun(string stateDir, string logFile)
    {
        var psi = new ProcessStartInfo(Repo.Cli) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "run", "--no-tui", "--state-dir", stateDir, "--log-file", logFile })
        {
            psi.ArgumentList.Add(a);
        }
        _p = new Process { StartInfo = psi };
        _p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException($"n3ttrace exited before capture was ready:\n{Stderr}"));
                return;
            }
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
            if (e.Data.Contains("capture ready", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        };
        _p.OutputDataReceived += (_, _) => { };
    }

    public static async Task<TrailRun> StartAsync(string stateDir, string logFile)
    {
        var r = new TrailRun(stateDir, logFile);
        r._p.Start();
        r._p.BeginErrorReadLine();
        r._p.BeginOutputReadLine();
        if (await Task.WhenAny(r._ready.Task, Task.Delay(TimeSpan.FromSeconds(30))) != r._ready.Task)
        {
            r._p.Kill();
            throw new TimeoutException($"n3ttrace not ready after 30 s:\n{r.Stderr}");
        }
        await r._ready.Task;
        return r;
    }

    /// <summary>The verification key printed at the first start (null on later starts).</summary>
    public string? VerifyKey => Stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("n3v1-", StringComparison.Ordinal));

    public void KillHard()
    {
        Assert.Equal(0, Kill(_p.Id, 9));
        _p.WaitForExit();
    }

    public async Task<int> StopAsync()
    {
        Assert.Equal(0, Kill(_p.Id, 2));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _p.WaitForExitAsync(cts.Token);
        return _p.ExitCode;
    }

    /// <summary>Runs another n3ttrace command to completion: exit code and stdout.</summary>
    public static (int Exit, string Stdout, string Stderr) Cli(params string[] args)
    {
        var psi = new ProcessStartInfo(Repo.Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);

    public void Dispose()
    {
        if (!_p.HasExited)
        {
            _p.Kill();
            _p.WaitForExit();
        }
        _p.Dispose();
    }
}
