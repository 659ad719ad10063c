using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>A real `n3ttrace run` in a temporary state directory, started and stopped like an operator would.</summary>
internal sealed partial class Tracer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Dir { get; }
    public string StateDir => Path.Combine(Dir, "state");
    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }
    public int ExitCode => _process.ExitCode;

    private Tracer(string dir, IEnumerable<string> extraArgs, IDictionary<string, string>? env)
    {
        Dir = dir;
        var psi = new ProcessStartInfo(Repo.Cli)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { "run", "--no-tui", "--state-dir", StateDir, "--log-file", Path.Combine(dir, "n3ttrace.log.txt") }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        _process = new Process { StartInfo = psi };
        _process.ErrorDataReceived += (_, e) =>
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
        _process.OutputDataReceived += (_, _) => { };
    }

    public static async Task<Tracer> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string>? env = null)
    {
        var dir = Directory.CreateTempSubdirectory("n3t-e2e-").FullName;
        var t = new Tracer(dir, extraArgs ?? [], env);
        t._process.Start();
        t._process.BeginErrorReadLine();
        t._process.BeginOutputReadLine();
        var done = await Task.WhenAny(t._ready.Task, Task.Delay(TimeSpan.FromSeconds(20))).ConfigureAwait(false);
        if (done != t._ready.Task)
        {
            t._process.Kill();
            throw new TimeoutException($"n3ttrace not ready after 20 s:\n{t.Stderr}");
        }
        await t._ready.Task.ConfigureAwait(false);
        return t;
    }

    /// <summary>SIGINT, as Ctrl-C would; waits for the flush and detach.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Assert.Equal(0, Kill(_process.Id, 2));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        return _process.ExitCode;
    }

    public List<Dictionary<string, string>> BirthRecords() => TsvFile.Read(Path.Combine(StateDir, "birth_records.tsv"));

    public List<Dictionary<string, string>> Timeline() => TsvFile.Read(Path.Combine(StateDir, "snapshots.tsv"));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
