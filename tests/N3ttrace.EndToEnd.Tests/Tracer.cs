using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A real `n3ttrace run`, started and stopped (or killed) like an operator would: in a temporary
/// state directory, or on a given one so a test can crash it and start it again on the same trail.
/// </summary>
internal sealed partial class Tracer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownsDir;

    public string Dir { get; }
    public string StateDir { get; }
    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }
    public int ExitCode => _process.ExitCode;
    public int Pid => _process.Id;

    /// <summary>The file this start was told to write a new trail's verification key to (run has no terminal here).</summary>
    public string VerifyKeyFile { get; }

    /// <summary>The verification key written at the first start of a state directory (null on later starts).</summary>
    public string? VerifyKey => File.Exists(VerifyKeyFile) ? File.ReadAllText(VerifyKeyFile).Trim() : null;

    private Tracer(string dir, string stateDir, string logFile, bool ownsDir, IEnumerable<string> extraArgs, IDictionary<string, string>? env)
    {
        Dir = dir;
        StateDir = stateDir;
        _ownsDir = ownsDir;
        VerifyKeyFile = Path.Combine(dir, $"verify-key-{Guid.NewGuid():N}.txt");
        var psi = new ProcessStartInfo(Repo.Cli)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { "run", "--no-tui", "--state-dir", StateDir, "--log-file", logFile, "--verify-key-out", VerifyKeyFile }.Concat(extraArgs))
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

    /// <param name="stateDir">Run on this state directory (kept afterwards); default: a temporary one, deleted at dispose.</param>
    public static async Task<Tracer> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string>? env = null,
        string? stateDir = null, string? logFile = null)
    {
        var owns = stateDir is null;
        var dir = owns ? Directory.CreateTempSubdirectory("n3t-e2e-").FullName : Path.GetDirectoryName(Path.GetFullPath(stateDir!))!;
        var t = new Tracer(dir, stateDir ?? Path.Combine(dir, "state"), logFile ?? Path.Combine(dir, "n3ttrace.log.txt"), owns, extraArgs ?? [], env);
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

    /// <summary>kill -9: no flush, no detach, maybe half a row on disk.</summary>
    public void KillHard()
    {
        Assert.Equal(0, Kill(_process.Id, 9));
        _process.WaitForExit();
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
        if (!_ownsDir)
        {
            return;
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
