using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>[capture]: real programs loaded, real processes connecting, every record field checked.</summary>
public class CaptureTests
{
    [BpfFact]
    public async Task Ipv4_connection_gets_a_complete_birth_certificate_and_exact_lifetime() =>
        await AssertCertificate(IPAddress.Loopback, "127.0.0.0/24", "ipv4");

    [BpfFact]
    public async Task Ipv6_connection_gets_a_complete_birth_certificate() =>
        await AssertCertificate(IPAddress.IPv6Loopback, "::/48", "ipv6");

    private static async Task AssertCertificate(IPAddress address, string mask, string family)
    {
        var held = await CertificateAssert.HeldConnectionAsync(address, mask, family, null, TimeSpan.FromMilliseconds(300), TimeSpan.Zero);
        Assert.Equal("ebpf", held.Record["source"]);
        Assert.Equal("exact", held.Record["birth"]);
        Assert.InRange(held.LifeSeconds, 0.3, 5);
    }

    [Theory]
    [InlineData("--duration", "abc")]
    [InlineData("--duration", "-1")]
    [InlineData("--no-such-option", "1")]
    public void Bad_run_options_are_usage_errors(string option, string value)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Repo.Cli, ["run", option, value])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}: {stderr}");
        Assert.Contains("n3ttrace:", stderr, StringComparison.Ordinal);
    }

    [BpfFact]
    public async Task Refused_connect_is_recorded_as_a_failure_with_its_process()
    {
        // A port nobody listens on: bind, note the port, close.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        using (var child = new Connector("127.0.0.1", port, marker, "/", [("N3T_MARKER", marker)]))
        {
            child.WaitConnected();
            Assert.True(child.Refused);
            child.Close();
        }
        await tracer.StopAsync();
        var rec = Assert.Single(tracer.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), rec["rport"]);
        var events = tracer.Timeline().Where(r => r["conn_id"] == rec["conn_id"] && r["event"] != "keyframe").Select(r => r["event"]);
        Assert.Equal(["fail"], events);
    }

    [BpfFact]
    public async Task Connection_open_before_start_is_recorded_as_born_before_start_and_its_death_seen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        using var child = new Connector("127.0.0.1", port, marker, "/tmp", [("N3T_MARKER", marker)]);
        child.WaitConnected();
        using var accepted = await listener.AcceptTcpClientAsync();

        await using var tracer = await Tracer.StartAsync();
        child.Close();
        await Task.Delay(2500); // existing sockets are watched in /proc once a second
        await tracer.StopAsync();

        var rec = Assert.Single(tracer.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        Assert.Equal("before-start", rec["birth"]);
        Assert.Equal(child.Pid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.Equal("/tmp", rec["cwd"]);
        var events = tracer.Timeline().Where(r => r["conn_id"] == rec["conn_id"] && r["event"] != "keyframe").Select(r => r["event"]);
        Assert.Equal(["birth", "death"], events);
    }
}
