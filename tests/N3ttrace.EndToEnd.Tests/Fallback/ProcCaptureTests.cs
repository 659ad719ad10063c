using System.Globalization;
using System.Net;
using System.Net.Sockets;
using N3ttrace.Lineage;

namespace N3ttrace.EndToEnd.Tests.Fallback;

/// <summary>[fallback]: `run --fallback-proc` with real processes; the [capture] checks that make sense for polling.</summary>
public class ProcCaptureTests
{
    private const string Interval = "0.2";

    [RootFact]
    public async Task Ipv4_connection_living_several_intervals_gets_a_complete_polled_certificate() =>
        await AssertCertificate(IPAddress.Loopback, "127.0.0.0/24", "ipv4");

    [RootFact]
    public async Task Ipv6_connection_living_several_intervals_gets_a_complete_polled_certificate() =>
        await AssertCertificate(IPAddress.IPv6Loopback, "::/48", "ipv6");

    private static async Task AssertCertificate(IPAddress address, string mask, string family)
    {
        // Held six intervals; the death is seen at the next poll after close.
        var held = await CertificateAssert.HeldConnectionAsync(address, mask, family, ["--fallback-proc", "--interval", Interval],
            TimeSpan.FromMilliseconds(1200), TimeSpan.FromMilliseconds(600));
        var rec = held.Record;
        Assert.Equal("proc", rec["source"]);
        Assert.Equal("polled", rec["birth"]);
        Assert.Equal("200", rec["resolution_ms"]);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), rec["ppid"]);
        Assert.Equal("known", rec["parent"]);
        // Seen from the first poll after connect to the first poll after close.
        Assert.InRange(held.LifeSeconds, 0.8, 3);
        // The accepted (server) side of the same connection lives in this test process: never a birth.
        Assert.DoesNotContain(held.Births, r => r["pid"] == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            && r["rport"] == held.LocalPort.ToString(CultureInfo.InvariantCulture));
    }

    // Double fork: the launcher forks, the child calls setsid and forks the daemon, then exits at once.
    // The daemon waits, connects, prints its pid and port, holds the connection until told, exits.
    private const string Daemonize = """
import os, socket, sys, time
port = int(sys.argv[1])
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.close(r)
        time.sleep(0.5)
        s = socket.create_connection(("127.0.0.1", port))
        os.write(w, ("PID %d\nLPORT %d\n" % (os.getpid(), s.getsockname()[1])).encode())
        time.sleep(5)
        s.close()
        os._exit(0)
    os._exit(0)
os.close(w)
sys.stdout.write(os.read(r, 100).decode())
sys.stdout.flush()
sys.stdin.readline()
""";

    [RootFact]
    public async Task Daemon_reparented_to_init_before_a_poll_saw_it_says_parent_unknown()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        // A 2 s interval: the daemon's launcher lives about a millisecond, so no poll sees it.
        await using var tracer = await Tracer.StartAsync(["--fallback-proc", "--interval", "2"]);
        using var script = new Scripted(Daemonize, port.ToString(CultureInfo.InvariantCulture), marker);
        var daemonPid = script.ReadInt("PID");
        script.ReadInt("LPORT");
        using var accepted = await listener.AcceptTcpClientAsync();
        var startTicks = Scripted.StartTicks(daemonPid);
        Assert.Equal("1", File.ReadAllText($"/proc/{daemonPid}/stat").Split(") ")[1].Split(' ')[1]); // re-parented
        await Task.Delay(4500); // at least two polls while the connection is open
        script.WriteLine("");
        script.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());

        var rec = Assert.Single(tracer.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        var identity = new ProcessIdentity(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());
        var processId = identity.ProcessId(new ProcessKey(daemonPid, startTicks));
        Assert.Equal(daemonPid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.Equal("unknown", rec["parent"]);
        Assert.Equal("0", rec["ppid"]);
        Assert.EndsWith("<- ?", rec["ancestry"], StringComparison.Ordinal);
        Assert.Equal(processId, rec["process_id"]);
        // The README recipe, recomputed: a chain that ends at an unknown parent.
        Assert.Equal(ProcessIdentity.AncestryId(processId, ProcessIdentity.UnknownAncestry), rec["ancestry_id"]);
        Assert.Equal("proc", rec["source"]);
    }

    [RootFact]
    public async Task Missing_btf_falls_back_to_proc_polling_and_says_so_loudly()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync(["--interval", Interval], new Dictionary<string, string> { ["N3TTRACE_BTF_PATH"] = "/nonexistent/vmlinux" });
        Assert.Contains("WARNING: eBPF capture cannot start: kernel BTF not found at /nonexistent/vmlinux", tracer.Stderr, StringComparison.Ordinal);
        Assert.Contains("WARNING: falling back to /proc polling every 200 ms", tracer.Stderr, StringComparison.Ordinal);
        Assert.Contains("connections shorter than 200 ms can be missed", tracer.Stderr, StringComparison.Ordinal);
        using var child = new Connector("127.0.0.1", port, marker, "/", [("N3T_MARKER", marker)]);
        child.WaitConnected();
        using var accepted = await listener.AcceptTcpClientAsync();
        await Task.Delay(1000);
        child.Close();
        await Task.Delay(600);
        Assert.Equal(0, await tracer.StopAsync());
        var rec = Assert.Single(tracer.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        Assert.Equal("proc", rec["source"]);
        Assert.Equal("polled", rec["birth"]);
        Assert.Equal(child.Pid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
    }

    [RootFact]
    public async Task Connection_open_before_start_is_born_before_start_and_its_death_seen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"m-{Guid.NewGuid():N}";
        using var child = new Connector("127.0.0.1", port, marker, "/tmp", [("N3T_MARKER", marker)]);
        child.WaitConnected();
        using var accepted = await listener.AcceptTcpClientAsync();

        await using var tracer = await Tracer.StartAsync(["--fallback-proc", "--interval", Interval]);
        await Task.Delay(500);
        child.Close();
        await Task.Delay(600);
        Assert.Equal(0, await tracer.StopAsync());

        var rec = Assert.Single(tracer.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
        Assert.Equal("before-start", rec["birth"]);
        Assert.Equal(child.Pid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.Equal("/tmp", rec["cwd"]);
        Assert.Equal("proc", rec["source"]);
        var events = tracer.Timeline().Where(r => r["conn_id"] == rec["conn_id"]).Select(r => r["event"]);
        Assert.Equal(["birth", "death"], events);
    }

    [Theory]
    [InlineData("0", "--interval must be between")]
    [InlineData("abc", "Cannot parse argument 'abc'")]
    public async Task Bad_interval_is_a_usage_error(string value, string message)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Repo.Cli) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "run", "--fallback-proc", "--interval", value })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }
}
