using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[export] fleet forwarding, received by a real rsyslogd on loopback.</summary>
public class ForwardingTests
{
    private static JsonElement Body(string[] m) => JsonDocument.Parse(m[8]).RootElement;

    private static bool IsOurs(string[] m, string marker) => m.Length == 9 && m[4] == "n3ttrace" && m[8].Contains(marker, StringComparison.Ordinal);

    [BpfFact]
    public async Task Run_forwards_every_record_as_rfc5424_with_a_json_body()
    {
        using var collector = new Rsyslog();
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync(["--forward", $"syslog+tcp://127.0.0.1:{collector.Port}"]);
        using (var child = new Connector("127.0.0.1", port, marker, "/tmp", [("N3T_MARKER", marker)]))
        {
            child.WaitConnected();
            using var accepted = await listener.AcceptTcpClientAsync();
            await Task.Delay(200);
            child.Close();
        }
        Assert.Equal(0, await tracer.StopAsync());

        var ours = collector.WaitFor(ms => ms.Count(m => IsOurs(m, marker)) >= 2, TimeSpan.FromSeconds(10))
            .Where(m => IsOurs(m, marker)).ToList();
        Assert.Equal(["birth", "death"], ours.Select(m => m[6]));
        var rec = tracer.BirthRecords().Single(r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        foreach (var m in ours)
        {
            Assert.Equal("1", m[0]);            // parsed as RFC 5424 (protocol version 1)
            Assert.Equal("13", m[1]);           // facility log audit
            Assert.Equal("6", m[2]);            // NORMAL is informational
            Assert.Equal(Environment.MachineName, m[3]);
            var body = Body(m);
            Assert.Equal(m[6], body.GetProperty("event").GetString());
            Assert.Equal(rec["conn_id"], body.GetProperty("conn_id").GetString());
            Assert.Equal(rec["remote_hash"], body.GetProperty("remote_hash").GetString());
            Assert.Equal(N3ttrace.Text.TextEscaper.Escape(rec["cmdline"]), body.GetProperty("cmdline").GetString()); // the trail's escaped form
            Assert.DoesNotContain($"127.0.0.1:{port}", m[8], StringComparison.Ordinal);
        }
        Assert.Contains("forward: ", tracer.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Collector_killed_and_restarted_mid_stream_records_after_restart_arrive_and_drops_are_counted_exactly()
    {
        using var collector = new Rsyslog();
        var marker = $"m-{Guid.NewGuid():N}";
        const int capacity = 20;
        using var forwarder = new SyslogForwarder(new ForwardTarget(SyslogTransportKind.Tcp, "127.0.0.1", collector.Port),
            NullLogger.Instance, capacity, maxBackoff: TimeSpan.FromMilliseconds(300));
        var n = 0;
        void Send(int count)
        {
            for (var i = 0; i < count; i++)
            {
                forwarder.OnBirth(SampleConnection.Make($"c{n++:D4}", marker));
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

        // Phase 1: collector up.
        for (var batch = 0; batch < 3; batch++)
        {
            Send(10);
            WaitUntil(s => s.Queued == 0, "phase 1 to drain");
        }
        collector.WaitFor(ms => ms.Count(m => IsOurs(m, marker)) == 30, TimeSpan.FromSeconds(10));

        // Phase 2: collector dead. The queue keeps `capacity` records; the rest are dropped and counted.
        collector.Kill();
        Send(1);
        WaitUntil(s => !s.Connected, "the forwarder to notice the dead collector");
        Send(49);
        var down = forwarder.Stats;
        Assert.Equal(capacity, down.Queued);
        Assert.Equal(30, down.DroppedQueueFull);

        // Phase 3: collector back on the same port: the queued records go out, then new ones.
        collector.Start();
        WaitUntil(s => s.Sent == 50, "the queue to flush after reconnecting");
        Send(10);
        WaitUntil(s => s.Sent == 60, "records after the restart");
        var stats = forwarder.Stop(TimeSpan.FromSeconds(5));

        var received = collector.WaitFor(ms => ms.Count(m => IsOurs(m, marker)) >= 60, TimeSpan.FromSeconds(10))
            .Where(m => IsOurs(m, marker)).Select(m => Body(m).GetProperty("conn_id").GetString()!).ToList();
        var expected = Enumerable.Range(0, 30)            // before the kill
            .Concat(Enumerable.Range(30, capacity))       // queued while down (the oldest kept, newer dropped)
            .Concat(Enumerable.Range(80, 10))             // after the restart
            .Select(i => $"c{i:D4}");
        Assert.Equal(expected, received);
        Assert.Equal(90, stats.Records);
        Assert.Equal(60, stats.Sent);
        Assert.Equal(30, stats.Dropped);
        Assert.Equal(stats.Records, stats.Sent + stats.Dropped);
        Assert.True(stats.Connects >= 2, $"expected a reconnect: {stats}");
    }

    [Fact]
    public void Udp_forwarding_reaches_the_collector()
    {
        using var collector = new Rsyslog(udp: true);
        var marker = $"m-{Guid.NewGuid():N}";
        using var forwarder = new SyslogForwarder(new ForwardTarget(SyslogTransportKind.Udp, "127.0.0.1", collector.Port), NullLogger.Instance);
        for (var i = 0; i < 5; i++)
        {
            forwarder.OnBirth(SampleConnection.Make($"u{i}", marker));
        }
        var stats = forwarder.Stop(TimeSpan.FromSeconds(5));
        Assert.Equal(5, stats.Sent);
        var got = collector.WaitFor(ms => ms.Count(m => IsOurs(m, marker)) == 5, TimeSpan.FromSeconds(10)).Where(m => IsOurs(m, marker)).ToList();
        Assert.Equal(["u0", "u1", "u2", "u3", "u4"], got.Select(m => Body(m).GetProperty("conn_id").GetString()));
        Assert.All(got, m => Assert.Equal("1", m[0]));
        Assert.All(got, m => Assert.Equal("203.0.113.0/24", Body(m).GetProperty("remote_masked").GetString()));
        Assert.All(got, m => Assert.DoesNotContain("203.0.113.9", m[8], StringComparison.Ordinal));
    }
}
