using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using N3ttrace.Lineage;
using N3ttrace.Privacy;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>What <see cref="CertificateAssert.HeldConnectionAsync"/> recorded: the certificate, the lifetime, every birth record.</summary>
internal sealed record HeldConnection(IReadOnlyDictionary<string, string> Record, double LifeSeconds, int LocalPort,
    IReadOnlyList<Dictionary<string, string>> Births);

/// <summary>The birth certificate fields every capture mode must get right for a <see cref="Connector"/> child.</summary>
internal static class CertificateAssert
{
    /// <summary>
    /// A <see cref="Connector"/> child with known argv, cwd and environment connects to a loopback
    /// listener while `n3ttrace run` (with <paramref name="tracerArgs"/>) traces; it holds the
    /// connection for <paramref name="hold"/> and closes it; the tracer stops <paramref name="afterClose"/>
    /// later. Checks what every capture mode must record (the certificate, a birth and a death in the
    /// timeline, no raw endpoint on disk) and returns the rest for the mode's own checks.
    /// </summary>
    public static async Task<HeldConnection> HeldConnectionAsync(IPAddress address, string mask, string family,
        IEnumerable<string>? tracerArgs, TimeSpan hold, TimeSpan afterClose)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        var cwd = Directory.CreateTempSubdirectory("n3t-cwd-").FullName;
        (string, string)[] env = [("N3T_MARKER", marker), ("LANG", "C"), ("WEIRD", "tab\there")];

        await using var tracer = await Tracer.StartAsync(tracerArgs);
        using var child = new Connector(family == "ipv6" ? "::1" : "127.0.0.1", port, marker, cwd, env);
        child.WaitConnected();
        using var accepted = await listener.AcceptTcpClientAsync();
        await Task.Delay(hold);
        child.Close();
        await Task.Delay(afterClose);
        Assert.Equal(0, await tracer.StopAsync());

        var births = tracer.BirthRecords();
        var rec = Assert.Single(births, r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        SameProcessAndEndpoint(rec, child, cwd, address, port, mask, family, tracer.StateDir);
        var timeline = tracer.Timeline().Where(r => r["conn_id"] == rec["conn_id"] && r["event"] != "keyframe").ToList();
        Assert.Equal(["birth", "death"], timeline.Select(r => r["event"]));
        NoRawEndpoint(tracer.StateDir, address, port);
        return new HeldConnection(rec, double.Parse(timeline[1]["duration_s"], CultureInfo.InvariantCulture), child.LocalPort, births);
    }

    public static void SameProcessAndEndpoint(IReadOnlyDictionary<string, string> rec, Connector child, string cwd,
        IPAddress address, int port, string mask, string family, string stateDir)
    {
        var secret = File.ReadAllBytes(Path.Combine(stateDir, "host.key"));
        var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        Assert.Equal(child.Pid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.Equal(child.CommandLine, rec["cmdline"]);
        Assert.Equal(cwd, rec["cwd"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(child.EnvBlock)), rec["env_sha256"]);
        Assert.Equal(Path.GetFullPath(new FileInfo(Connector.Python).ResolveLinkTarget(true)?.FullName ?? Connector.Python), rec["exe"]);
        Assert.Equal("python3", rec["comm"]);
        Assert.Equal("tcp", rec["proto"]);
        Assert.Equal(family, rec["family"]);
        Assert.Equal(EndpointPrivacy.Canonical(address, child.LocalPort), rec["local"]);
        Assert.Equal(mask, rec["remote_masked"]);
        Assert.Equal("loopback", rec["remote_scope"]);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), rec["rport"]);
        Assert.Equal(new EndpointPrivacy(secret).Hash(address, port), rec["remote_hash"]);
        Assert.Equal("0", rec["uid"]);
        Assert.Equal(new ProcessIdentity(bootId).ProcessId(new ProcessKey(child.Pid, child.StartTicks)), rec["process_id"]);
        Assert.Matches("^[0-9a-f]{32}$", rec["ancestry_id"]);
        Assert.Equal("", rec["truncated"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", rec["ts"]);
    }

    /// <summary>
    /// No file of the state directory holds the raw remote endpoint as a field (a TSV field or a word of the log's table).
    /// Whole fields, not substrings, and not the local column: another test's socket running at the same time may
    /// have this port as its own local port (UDP and TCP ports are separate spaces), and its local endpoint is stored.
    /// </summary>
    public static void NoRawEndpoint(string stateDir, IPAddress address, int port)
    {
        var raw = EndpointPrivacy.Canonical(address, port);
        foreach (var f in Directory.GetFiles(stateDir))
        {
            var lines = File.ReadAllLines(f);
            var local = lines.Length > 0 ? Array.IndexOf(lines[0].Split('\t'), "local") : -1;
            foreach (var line in lines)
            {
                var fields = line.Split('\t');
                if (fields.Length == 1)
                {
                    // The log's table: LOCAL is the last column of a row.
                    Assert.DoesNotContain(raw, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1));
                    continue;
                }
                Assert.DoesNotContain(raw, fields.Where((_, i) => i != local));
            }
        }
    }
}
