using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using N3ttrace.EndToEnd.Tests.Export;

namespace N3ttrace.EndToEnd.Tests.Cli;

/// <summary>[operator] `n3ttrace tail` streams the events a running tracer writes, filtered, in text, json and ocsf.</summary>
public sealed class TailTests
{
    [BpfFact]
    public async Task Tail_streams_new_events_filtered_by_port_and_level()
    {
        await using var tracer = await Tracer.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var psi = new ProcessStartInfo(Repo.Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "tail", "--state-dir", tracer.StateDir, "--port", port.ToString(CultureInfo.InvariantCulture), "--format", "json" })
        {
            psi.ArgumentList.Add(a);
        }
        using var tail = Process.Start(psi)!;
        try
        {
            await Task.Delay(1000); // tail has read the headers and skipped the existing trail
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var peer = await listener.AcceptTcpClientAsync();
                await Task.Delay(300);
            }
            var lines = new List<JsonElement>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (lines.Count < 2)
            {
                var line = await tail.StandardOutput.ReadLineAsync(cts.Token);
                Assert.NotNull(line);
                lines.Add(JsonDocument.Parse(line).RootElement);
            }
            Assert.Equal(["birth", "death"], lines.Select(l => l.GetProperty("event").GetString()));
            Assert.All(lines, l => Assert.Equal(port, l.GetProperty("rport").GetInt32()));
            Assert.Equal(lines[0].GetProperty("conn_id").GetString(), lines[1].GetProperty("conn_id").GetString());
            Assert.Equal(JsonValueKind.Number, lines[0].GetProperty("loginuid").ValueKind);
            Assert.Equal(JsonValueKind.Array, lines[0].GetProperty("reasons").ValueKind);
            Assert.Equal(Environment.ProcessId, lines[0].GetProperty("pid").GetInt32());
            var connId = lines[0].GetProperty("conn_id").GetString()!;

            // The same events afterwards, as text and OCSF; a level filter nothing reaches shows nothing.
            var text = CliProcess.N3ttrace(tracer.Dir, "tail", "--state-dir", tracer.StateDir, "--since", "-5m", "--no-follow", "--port", port.ToString(CultureInfo.InvariantCulture));
            Assert.True(text.ExitCode == 0, text.ToString());
            var textLines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, textLines.Length);
            Assert.Contains($"conn_id {connId}", textLines[1], StringComparison.Ordinal);
            Assert.Matches(@" death .* after \d", textLines[1]);
            var ocsf = CliProcess.N3ttrace(tracer.Dir, "tail", "--state-dir", tracer.StateDir, "--since", "-5m", "--no-follow", "--port", port.ToString(CultureInfo.InvariantCulture), "--format", "ocsf");
            Assert.All(ocsf.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Equal(4001, JsonDocument.Parse(l).RootElement.GetProperty("class_uid").GetInt32()));
            var none = CliProcess.N3ttrace(tracer.Dir, "tail", "--state-dir", tracer.StateDir, "--since", "-5m", "--no-follow", "--port", port.ToString(CultureInfo.InvariantCulture), "--level", "THREAT");
            Assert.Equal("", none.Stdout);
        }
        finally
        {
            tail.Kill();
            await tail.WaitForExitAsync();
        }
    }
}
