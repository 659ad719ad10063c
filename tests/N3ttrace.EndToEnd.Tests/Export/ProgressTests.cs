using System.Diagnostics;
using System.Globalization;
using System.Text;
using N3ttrace.Time;
using N3ttrace.Bench.Trail;
using N3ttrace.Trail;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[export] the progress bar, seen on a real terminal (tmux) and absent when stderr is a file.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-progress-").FullName;
    private readonly string _socket = $"n3t-export-{Guid.NewGuid():N}";

    public void Dispose()
    {
        Tmux("kill-server");
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A trail of <paramref name="rows"/> timeline events, written by the real writer (chain, seals, keyframes).</summary>
    private string WriteTrail(int rows)
    {
        var state = Path.Combine(_dir, $"state-{rows}");
        // Written in-process: the generator is benchmark support (bench/trail), not part of the n3ttrace binary.
        var step = TimeSpan.FromMilliseconds(2);
        var start = DateTime.UtcNow.AddTicks(-rows * step.Ticks).AddHours(-1);
        var w = new TrailWorkload(new DateTime(start.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc), 1) { TargetActive = 1000 };
        using (var sink = new TrailSink(StateDirectory.Open(state, create: true), new TrailOptions { UtcNow = w.Clock, DiskSyncInterval = TimeSpan.FromDays(1) }))
        {
            w.Run(sink, rows, step);
        }
        return state;
    }

    private CliProcess Tmux(params string[] args) => CliProcess.Run("tmux", ["-L", _socket, .. args]);

    private string[] ExportArgs(string state, string output) =>
        ["export", "--state-dir", state, "--since", "-4h", "--output", output];

    [Fact]
    public void Export_and_verify_show_a_progress_bar_on_a_terminal_and_none_into_a_file()
    {
        // Grow the trail until an export takes over two seconds on this machine, so the bar must appear.
        string state;
        var rows = 50_000;
        while (true)
        {
            state = WriteTrail(rows);
            var sw = Stopwatch.StartNew();
            var quiet = CliProcess.N3ttrace(_dir, ExportArgs(state, Path.Combine(_dir, $"quiet-{rows}.tar.gz")));
            Assert.True(quiet.ExitCode == 0, quiet.ToString());
            // Redirected stderr is not a terminal: no bar, no carriage return.
            Assert.DoesNotContain('\r', quiet.Stderr);
            Assert.DoesNotContain("[#", quiet.Stderr, StringComparison.Ordinal);
            if (sw.Elapsed > TimeSpan.FromSeconds(2) || rows >= 1_600_000)
            {
                break;
            }
            Directory.Delete(state, true);
            rows *= 2;
        }

        // A tmux server of our own (other tests use tmux too); everything the terminal receives is logged
        // raw by pipe-pane, so a bar drawn and later erased is still seen. The command waits for the pipe.
        var bundle = Path.Combine(_dir, "tty.tar.gz");
        var go = Path.Combine(_dir, "go");
        var raw = Path.Combine(_dir, "terminal.raw");
        var command = $"while [ ! -e {go} ]; do sleep 0.05; done; {Repo.Cli} {string.Join(' ', ExportArgs(state, bundle))}; " +
            $"{Repo.Cli} verify --bundle {bundle} > /dev/null; echo EXIT-$?; sleep 60";
        Assert.Equal(0, Tmux("new-session", "-d", "-s", "p", "-x", "160", "-y", "20", command).ExitCode);
        Assert.Equal(0, Tmux("pipe-pane", "-o", "-t", "p", $"cat >> {raw}").ExitCode);
        File.WriteAllText(go, "");
        var deadline = DateTime.UtcNow.AddSeconds(180);
        var text = "";
        while (!text.Contains("EXIT-", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
            text = File.Exists(raw) ? File.ReadAllText(raw) : "";
        }
        var screen = Tmux("capture-pane", "-p", "-t", "p").Stdout;
        Assert.Contains("EXIT-0", text, StringComparison.Ordinal);
        Assert.Matches(@"\r(reading trail|writing bundle) \[#*\.*\] +\d+%", text);
        // Erased when done: the screen left behind holds the summary, not a bar.
        Assert.DoesNotContain("[#", screen, StringComparison.Ordinal);
        Assert.Contains("wrote ", screen, StringComparison.Ordinal);
    }
}
