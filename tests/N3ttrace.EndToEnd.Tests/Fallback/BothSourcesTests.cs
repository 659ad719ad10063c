using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests.Fallback;

/// <summary>Contracts 1 and 2 across sources: eBPF and /proc capture, run at the same time on the same processes.</summary>
public class BothSourcesTests
{
    // Waits for a line, connects, prints its local port, waits for another line, closes.
    private const string LateConnect = """
import socket, sys
sys.stdin.readline()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("LPORT %d" % s.getsockname()[1], flush=True)
sys.stdin.readline()
s.close()
""";

    [BpfFact]
    public async Task Ebpf_and_proc_capture_give_the_same_process_and_ancestry_ids()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var portArg = port.ToString(CultureInfo.InvariantCulture);
        var early = $"early-{Guid.NewGuid():N}";
        var late = $"late-{Guid.NewGuid():N}";

        // Predates both tracers: both learn it from /proc at start.
        using var before = new Scripted(LateConnect, portArg, early);
        await Task.Delay(200);
        await using var ebpf = await Tracer.StartAsync();
        await using var proc = await Tracer.StartAsync(["--fallback-proc", "--interval", "0.2"]);

        before.WriteLine("go");
        before.ReadInt("LPORT");
        using var a1 = await listener.AcceptTcpClientAsync();
        // Started after both: eBPF sees its fork and exec, polling finds it within one interval.
        using var after = new Connector("127.0.0.1", port, late, "/", [("N3T_MARKER", late)]);
        after.WaitConnected();
        using var a2 = await listener.AcceptTcpClientAsync();
        await Task.Delay(1000);
        before.WriteLine("");
        before.WaitExit();
        after.Close();
        await Task.Delay(500);
        Assert.Equal(0, await proc.StopAsync());
        Assert.Equal(0, await ebpf.StopAsync());

        foreach (var marker in new[] { early, late })
        {
            var e = Assert.Single(ebpf.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
            var p = Assert.Single(proc.BirthRecords(), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
            Assert.Equal("ebpf", e["source"]);
            Assert.Equal("proc", p["source"]);
            Assert.Equal(e["pid"], p["pid"]);
            Assert.Equal(e["process_id"], p["process_id"]);
            Assert.Equal(e["ancestry_id"], p["ancestry_id"]);
            Assert.Equal(e["parent"], p["parent"]);
            Assert.Equal(e["ppid"], p["ppid"]);
            Assert.Equal(e["cmdline"], p["cmdline"]);
            Assert.Equal(e["local"], p["local"]);
            Assert.Equal(e["remote_hash"] != "", p["remote_hash"] != "");
        }
        // The one started after both has this test process as its parent in both modes.
        var lateRec = Assert.Single(proc.BirthRecords(), r => r["cmdline"].Contains(late, StringComparison.Ordinal));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), lateRec["ppid"]);
        Assert.Equal("known", lateRec["parent"]);
    }
}
