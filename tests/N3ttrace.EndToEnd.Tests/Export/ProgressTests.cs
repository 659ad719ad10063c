using System.Diagnostics;
using System.Globalization;
using System.Text;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[export] the progress bar, seen on a real terminal (tmux) and absent when stderr is a file.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-progress-").FullName;
    private readonly string _session = $"n3t-progress-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];

    public void Dispose()
    {
        CliProcess.Run("tmux", ["kill-session", "-t", _session]);
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A trail of <paramref name="rows"/> timeline events, written by the real writer (chain, seals, keyframes).</summary>
    private string WriteTrail(int rows)
    {
        var state = Path.Combine(_dir, $"state-{rows}");
        var r = CliProcess.N3ttrace(_dir, "dev-trail", "--state-dir", state, "--events", rows.ToString(CultureInfo.InvariantCulture), "--step-ms", "2");
        Assert.True(r.ExitCode == 0, r.ToString());
        return state;
    }

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

        var bundle = Path.Combine(_dir, "tty.tar.gz");
        var command = $"{Repo.Cli} {string.Join(' ', ExportArgs(state, bundle))}; {Repo.Cli} verify --bundle {bundle} > /dev/null; echo EXIT-$?; sleep 30";
        Assert.Equal(0, CliProcess.Run("tmux", ["new-session", "-d", "-s", _session, "-x", "160", "-y", "20", command]).ExitCode);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        string screen;
        do
        {
            screen = CliProcess.Run("tmux", ["capture-pane", "-p", "-t", _session]).Stdout;
            foreach (var label in (string[])["reading trail [", "writing bundle [", "verifying bundle ["])
            {
                if (screen.Contains(label, StringComparison.Ordinal))
                {
                    seen.Add(label);
                }
            }
            Thread.Sleep(50);
        }
        while (!screen.Contains("EXIT-", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("EXIT-0", screen, StringComparison.Ordinal);
        Assert.True(seen.Count > 0, $"no progress bar seen during a {rows}-row export:\n{screen}");
        // Erased when done: the last screen holds the summary, not a bar.
        Assert.DoesNotContain("[#", screen, StringComparison.Ordinal);
        Assert.Contains("wrote ", screen, StringComparison.Ordinal);
    }
}
