using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Text;
using N3ttrace.Trail.Forwarding;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[operator] syslog over TLS (RFC 5425) with structured data, received by a real rsyslogd with rsyslog-gnutls.</summary>
public class TlsForwardingTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;

    // argv: HOST PORT COUNT MARKER. Renames itself to a name full of SD-PARAM specials, makes COUNT connections
    // (each closed with a reset, so 10,000 of them leave no TIME_WAIT behind), prints "DONE".
    private const string Script = """
import socket, struct, sys
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open("/proc/self/comm", "w") as f:
    f.write('w"]\\[x')
linger = struct.pack("ii", 1, 0)
for i in range(n):
    s = socket.create_connection((host, port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    s.close()
print("DONE", flush=True)
""";

    private const string HostileComm = "w\"]\\[x";

    [BpfFact]
    public async Task Ten_thousand_connections_reach_rsyslog_over_mutual_tls_with_structured_data_it_parses()
    {
        using var pki = new TestPki("IP:127.0.0.1,DNS:localhost");
        using var collector = new RsyslogTls(pki);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(4096);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stopAccepting = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var s = await listener.AcceptSocketAsync(stopAccepting.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync(["--forward", $"syslog+tls://127.0.0.1:{collector.Port}",
            "--forward-ca", pki.CaCert, "--forward-cert", pki.ClientCert, "--forward-key", pki.ClientKey]);

        var clock = Stopwatch.StartNew();
        int pid;
        using (var client = Process.Start(Psi(port, marker))!)
        {
            pid = client.Id;
            var stderr = client.StandardError.ReadToEndAsync();
            Assert.Equal("DONE", (await client.StandardOutput.ReadToEndAsync()).Trim());
            await client.WaitForExitAsync();
            Assert.True(client.ExitCode == 0, await stderr);
        }
        var connected = clock.Elapsed;
        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        var received = WaitFor(collector, pidText, 2 * Connections, TimeSpan.FromSeconds(60));
        var arrived = clock.Elapsed;
        Assert.Equal(0, await tracer.StopAsync());
        await stopAccepting.CancelAsync();
        await acceptor;

        var births = tracer.BirthRecords().Where(r => r["pid"] == pidText).ToList();
        Assert.Equal(Connections, births.Count);
        var trailIds = births.Select(r => r["conn_id"]).ToHashSet();
        var byEvent = received.GroupBy(m => m.MsgId).ToDictionary(g => g.Key, g => g.Select(m => m.Sd("conn_id")!).ToList());
        // 100%: every connection's birth and death arrived, each exactly once, under the trail's conn_id.
        Assert.Equal(["birth", "death"], byEvent.Keys.Order());
        foreach (var evt in new[] { "birth", "death" })
        {
            Assert.Equal(Connections, byEvent[evt].Count);
            Assert.True(trailIds.SetEquals(byEvent[evt]), $"{evt}: received conn_ids differ from the trail's");
        }
        var exe = TextEscaper.Escape(births[0]["exe"]);
        foreach (var m in received)
        {
            // rsyslog's parser found our element, its values unescaped, equal to the JSON body's.
            var body = JsonDocument.Parse(m.Body).RootElement;
            Assert.Equal(body.GetProperty("conn_id").GetString(), m.Sd("conn_id"));
            Assert.Equal(m.MsgId, m.Sd("event"));
            Assert.Equal(body.GetProperty("remote_hash").GetString(), m.Sd("remote_hash"));
            Assert.Equal("127.0.0.0/24", m.Sd("remote_masked"));
            Assert.Equal(port.ToString(CultureInfo.InvariantCulture), m.Sd("rport"));
            Assert.Equal(body.GetProperty("level").GetString(), m.Sd("level"));
            Assert.Equal(exe, m.Sd("exe"));
            // The trail's escaping (\\ for the backslash), then the SD-PARAM escapes on the wire.
            Assert.Equal(TextEscaper.Escape(HostileComm), m.Sd("comm"));
            Assert.Contains(@"comm=""w\""\]\\\\[x""", m.RawSd, StringComparison.Ordinal);
        }
        Assert.Contains($"forward: connected to syslog+tls://127.0.0.1:{collector.Port} (TLS ", tracer.Stderr, StringComparison.Ordinal);
        Assert.Contains("client certificate CN=n3ttrace test client", tracer.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"forward: \d+ records to [^:]+://[^ ]+: \d+ sent, 0 dropped", tracer.Stderr);
        output.WriteLine($"{Connections} connections in {connected.TotalSeconds:0.0} s; {received.Count} messages over TLS received {arrived.TotalSeconds:0.0} s after the first connect");
    }

    [Fact]
    public void A_collector_whose_certificate_is_not_for_the_name_dialled_or_not_from_the_ca_is_refused()
    {
        using var pki = new TestPki("DNS:collector.invalid");
        using var other = new TestPki("IP:127.0.0.1");
        using var collector = new RsyslogTls(pki);
        // Right CA, wrong name (the certificate is for collector.invalid, dialled as 127.0.0.1); then a CA that did not issue it.
        foreach (var (ca, reason) in new[] { (pki, "name"), (other, "issuer") })
        {
            using var tls = ForwardTls.Load(ca.CaCert, pki.ClientCert, pki.ClientKey);
            using var f = new SyslogForwarder(new ForwardTarget(SyslogTransportKind.Tls, "127.0.0.1", collector.Port), NullLogger.Instance,
                maxBackoff: TimeSpan.FromMilliseconds(200), tls: tls);
            f.OnBirth(SampleConnection.Make("c0", "x"));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (f.Stats.ConnectAttempts < 3 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            var s = f.Stop(TimeSpan.Zero);
            Assert.True(s.ConnectAttempts >= 3, $"{reason}: {s}");
            Assert.Equal(0, s.Connects);
            Assert.Equal(0, s.Sent);
            Assert.Equal(1, s.DroppedAtStop);
        }
        Assert.Empty(collector.Messages());
    }

    [Fact]
    public void A_tls_collector_killed_and_restarted_gets_every_record_once_in_order()
    {
        using var pki = new TestPki("IP:127.0.0.1");
        using var collector = new RsyslogTls(pki);
        using var tls = ForwardTls.Load(pki.CaCert, pki.ClientCert, pki.ClientKey);
        using var forwarder = new SyslogForwarder(new ForwardTarget(SyslogTransportKind.Tls, "127.0.0.1", collector.Port), NullLogger.Instance,
            capacity: 100, maxBackoff: TimeSpan.FromMilliseconds(300), tls: tls);
        var n = 0;
        void Send(int count)
        {
            for (var i = 0; i < count; i++)
            {
                forwarder.OnBirth(SampleConnection.Make($"t{n++:D3}", "x"));
            }
        }
        void WaitUntil(Func<ForwarderStats, bool> cond, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!cond(forwarder.Stats))
            {
                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}: {forwarder.Stats}");
                Thread.Sleep(20);
            }
        }

        Send(10);
        WaitUntil(s => s.Sent == 10, "the first records");
        Thread.Sleep(500); // rsyslog has read them before it is killed (syslog over TLS has no acknowledgement either)
        collector.Kill();
        Send(1);
        WaitUntil(s => !s.Connected, "the forwarder to notice the dead collector");
        Send(9);
        Assert.Equal(10, forwarder.Stats.Sent); // nothing written into the dead connection
        collector.Start();
        WaitUntil(s => s.Sent == 20, "the queue to flush after reconnecting");
        Send(5);
        var stats = forwarder.Stop(TimeSpan.FromSeconds(5));
        Assert.Equal(25, stats.Sent);
        Assert.Equal(0, stats.Dropped);
        Assert.True(stats.Connects >= 2, $"expected a reconnect: {stats}");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string?> got;
        while ((got = collector.Messages().Select(m => m.Sd("conn_id")).ToList()).Count < 25 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"t{i:D3}"), got);
    }

    private static ProcessStartInfo Psi(int port, string marker)
    {
        var psi = new ProcessStartInfo(Connector.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), Connections.ToString(CultureInfo.InvariantCulture), marker })
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    /// <summary>Waits for <paramref name="count"/> lines of the process (counted on the raw text), then parses them all once.</summary>
    private static List<RsyslogTls.Message> WaitFor(RsyslogTls collector, string pid, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var needle = $" pid=\"{pid}\" ";
        while (DateTime.UtcNow < deadline
            && (!File.Exists(collector.OutputFile) || File.ReadLines(collector.OutputFile).Count(l => l.Contains(needle, StringComparison.Ordinal)) < count))
        {
            Thread.Sleep(500);
        }
        return collector.Messages().Where(m => m.Sd("pid") == pid).ToList();
    }
}
