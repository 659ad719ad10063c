using N3ttrace.EndToEnd.Tests.Export;
using N3ttrace.EndToEnd.Tests.Live;

namespace N3ttrace.EndToEnd.Tests.Cli;

/// <summary>
/// [operator] A new trail's verification key goes to the terminal (/dev/tty) or to --verify-key-out, never to stderr;
/// without either, run refuses to start a new trail (and makes no key).
/// </summary>
public sealed class VerifyKeyDeliveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string State => Path.Combine(_dir, "state");

    [BpfFact]
    public void Without_a_terminal_or_a_key_file_a_new_trail_is_refused()
    {
        // setsid: a new session with no controlling terminal, as under systemd or `docker run` without -t.
        var r = CliProcess.Run("setsid", ["-w", Repo.Cli, "run", "--no-tui", "--state-dir", State, "--log-file", "", "--duration", "1s"], _dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--verify-key-out", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(State, "seal.key")), "a key was made that nobody saw");
    }

    [BpfFact]
    public void The_key_file_is_new_and_0600_and_stderr_never_holds_the_key()
    {
        var key = Path.Combine(_dir, "verify.key");
        var r = CliProcess.Run("setsid", ["-w", Repo.Cli, "run", "--no-tui", "--state-dir", State, "--log-file", "", "--duration", "1s", "--verify-key-out", key], _dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var text = File.ReadAllText(key).Trim();
        Assert.Matches("^n3v1-[0-9a-f]{64}-[0-9]+-900$", text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.DoesNotContain("n3v1-", r.Stderr + r.Stdout, StringComparison.Ordinal);
        Assert.Contains("verification key written to", r.Stderr, StringComparison.Ordinal);

        // The trail exists now: a restart needs no key and makes none.
        r = CliProcess.Run("setsid", ["-w", Repo.Cli, "run", "--no-tui", "--state-dir", State, "--log-file", "", "--duration", "1s"], _dir);
        Assert.True(r.ExitCode == 0, r.ToString());

        // An existing file is never overwritten (nor a symlink followed): a new trail elsewhere is refused.
        var link = Path.Combine(_dir, "link.key");
        File.CreateSymbolicLink(link, Path.Combine(_dir, "target"));
        foreach (var existing in new[] { key, link })
        {
            r = CliProcess.Run("setsid", ["-w", Repo.Cli, "run", "--no-tui", "--state-dir", Path.Combine(_dir, "state2"), "--log-file", "", "--duration", "1s", "--verify-key-out", existing], _dir);
            Assert.True(r.ExitCode == 2, r.ToString());
        }
        Assert.Equal(text, File.ReadAllText(key).Trim());
        Assert.False(File.Exists(Path.Combine(_dir, "target")));
    }

    [BpfFact]
    public async Task On_a_terminal_the_key_is_shown_there_before_the_live_view_and_not_on_stderr()
    {
        var script = $"'{Repo.Cli}' run --state-dir state --log-file '' --refresh 0.5 2>stderr.txt; echo $? > rc; sleep 60";
        using var tmux = new TmuxSession(120, 40, _dir, "sh", "-c", script);
        string pane = "";
        for (var i = 0; i < 300 && !(pane = tmux.Capture(escapes: false)).Contains("Press Enter", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }
        Assert.Contains("VERIFICATION KEY", pane, StringComparison.Ordinal);
        var shown = pane.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("n3v1-", StringComparison.Ordinal));
        // The live view waits for the operator: capture is not running yet.
        await Task.Delay(1000);
        Assert.Contains("Press Enter", tmux.Capture(escapes: false), StringComparison.Ordinal);
        tmux.Keys("Enter");
        var stderr = Path.Combine(_dir, "stderr.txt");
        for (var i = 0; i < 300 && !File.ReadAllText(stderr).Contains("capture ready", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }
        Assert.Contains("capture ready", File.ReadAllText(stderr), StringComparison.Ordinal);
        tmux.Keys("q");
        var rc = Path.Combine(_dir, "rc");
        for (var i = 0; i < 300 && !(File.Exists(rc) && File.ReadAllText(rc).Length > 0); i++)
        {
            await Task.Delay(100);
        }
        Assert.Equal("0", File.ReadAllText(rc).Trim());
        Assert.DoesNotContain("n3v1-", File.ReadAllText(stderr), StringComparison.Ordinal);
        // The key shown is the one that verifies the trail's seals.
        var v = CliProcess.N3ttrace(_dir, "verify", "--state-dir", State, "--verify-key", shown);
        Assert.True(v.ExitCode == 0, v.ToString());
    }
}
