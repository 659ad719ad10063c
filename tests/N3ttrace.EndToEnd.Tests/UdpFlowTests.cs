using System.Diagnostics;
using System.Globalization;
using System.Net;
using N3ttrace.Lineage;
using N3ttrace.Privacy;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>[flows]: UDP flows from the real kernel (cgroup/sendmsg4/6, tp_btf/sock_send_length, cgroup/sock_release), attributed to the sender.</summary>
public class UdpFlowTests
{
    private const string Py = "/usr/bin/python3";

    /// <summary>A python child (its script in a neutral file) that sends what <paramref name="body"/> says; steps are driven by stdin lines.</summary>
    private static (Process Child, string Marker, string Script) Start(string body)
    {
        var marker = $"m-{Guid.NewGuid():N}";
        var script = Path.Combine(Directory.CreateTempSubdirectory("n3t-udp-").FullName, "worker.py");
        File.WriteAllText(script, "import socket, sys, time\ndef step(msg):\n    print(msg, flush=True)\n    sys.stdin.readline()\n" + body);
        var psi = new ProcessStartInfo(Py) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(marker);
        return (Process.Start(psi)!, marker, script);
    }

    private static async Task Expect(Process p, string line)
    {
        var got = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (got != line)
        {
            // Its stderr only now: reading it to the end waits for the child's exit.
            p.Kill();
            Assert.Fail($"child said '{got}', expected '{line}': {await p.StandardError.ReadToEndAsync()}");
        }
    }

    private static ulong StartTicks(int pid) =>
        ulong.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[19], CultureInfo.InvariantCulture);

    [BpfFact]
    public async Task Every_unconnected_and_connected_udp_flow_is_born_attributed_and_dies_with_its_socket()
    {
        const int N = 200;
        const int BasePort = 47000;
        await using var tracer = await Tracer.StartAsync();
        var (child, marker, script) = Start(
            $"s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n" +
            $"for r in range(3):\n    for i in range({N}):\n        s.sendto(b'x', ('127.0.0.1', {BasePort} + i))\n" +
            "peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\npeer.bind(('127.0.0.1', 0))\n" +
            "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nc.connect(peer.getsockname())\n" +
            "for k in range(5):\n    c.send(b'y')\n" +
            "s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\nfor k in range(3):\n    s6.sendto(b'z', ('::1', 47999))\n" +
            "print(peer.getsockname()[1], flush=True)\n" +
            "step('sent')\ns.close()\nc.close()\ns6.close()\npeer.close()\nstep('closed')\n");
        using var _ = child;
        var peerPort = int.Parse((await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)))!, CultureInfo.InvariantCulture);
        await Expect(child, "sent");
        var startTicks = StartTicks(child.Id);
        var closedAt = DateTime.UtcNow;
        await child.StandardInput.WriteLineAsync();
        await Expect(child, "closed");
        await child.StandardInput.WriteLineAsync();
        await child.WaitForExitAsync();
        await Task.Delay(1500); // the drain runs every few ms, the ring is read on a timer
        Assert.Equal(0, await tracer.StopAsync());

        var secret = File.ReadAllBytes(Path.Combine(tracer.StateDir, "host.key"));
        var privacy = new EndpointPrivacy(secret);
        var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        var processId = new ProcessIdentity(bootId).ProcessId(new ProcessKey(child.Id, startTicks));
        var pid = child.Id.ToString(CultureInfo.InvariantCulture);
        var flows = tracer.BirthRecords().Where(r => r["pid"] == pid).ToList();
        Assert.All(flows, r =>
        {
            Assert.Equal("udp", r["proto"]);
            Assert.Equal("outbound", r["direction"]);
            Assert.Equal("exact", r["birth"]);
            Assert.Equal(processId, r["process_id"]);
            Assert.Equal($"{Py} {script} {marker}", r["cmdline"]);
            Assert.Equal("python3", r["comm"]);
            Assert.Equal("loopback", r["remote_scope"]);
            Assert.Matches("^[0-9a-f]{32}$", r["ancestry_id"]);
        });
        // One birth per (socket, destination), whatever the number of datagrams: 100% of the unconnected flows.
        var v4 = flows.Where(r => r["family"] == "ipv4" && r["rport"] != peerPort.ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(N, v4.Count);
        Assert.Equal(Enumerable.Range(BasePort, N).ToHashSet(), v4.Select(r => int.Parse(r["rport"], CultureInfo.InvariantCulture)).ToHashSet());
        Assert.All(v4, r =>
        {
            Assert.Equal("127.0.0.0/24", r["remote_masked"]);
            Assert.Equal(privacy.Hash(IPAddress.Loopback, int.Parse(r["rport"], CultureInfo.InvariantCulture)), r["remote_hash"]);
        });
        Assert.Single(v4.Select(r => r["local"]).Distinct()); // one sending socket
        // The connected socket: one flow, with its own bound port and the peer's.
        var connected = Assert.Single(flows, r => r["rport"] == peerPort.ToString(CultureInfo.InvariantCulture));
        Assert.StartsWith("127.0.0.1:", connected["local"], StringComparison.Ordinal);
        Assert.Equal(privacy.Hash(IPAddress.Loopback, peerPort), connected["remote_hash"]);
        var v6 = Assert.Single(flows, r => r["family"] == "ipv6");
        Assert.Equal("47999", v6["rport"]);
        Assert.Equal(privacy.Hash(IPAddress.IPv6Loopback, 47999), v6["remote_hash"]);
        Assert.Equal(N + 2, flows.Count);

        // Every flow dies when its socket is closed (not before: the idle timeout is 30 s).
        var ids = flows.Select(r => r["conn_id"]).ToHashSet();
        var deaths = tracer.Timeline().Where(r => r["event"] == "death" && ids.Contains(r["conn_id"])).ToList();
        Assert.Equal(ids.Count, deaths.Count);
        Assert.All(deaths, d => Assert.True(DateTime.Parse(d["ts"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) >= closedAt.AddMilliseconds(-5),
            $"death at {d["ts"]} before the sockets were closed at {closedAt:O}"));
        CertificateAssert.NoRawEndpoint(tracer.StateDir, IPAddress.Loopback, peerPort);
    }

    [BpfFact]
    public async Task An_idle_unconnected_flow_dies_after_its_timeout_and_its_next_datagram_is_a_new_flow()
    {
        await using var tracer = await Tracer.StartAsync(["--udp-idle", "2s", "--udp-idle-replied", "2s"]);
        var (child, _, _) = Start(
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(b'x', ('127.0.0.1', 47500))\n" +
            "step('first')\ns.sendto(b'x', ('127.0.0.1', 47500))\nstep('second')\ns.close()\nstep('closed')\n");
        using var _ = child;
        await Expect(child, "first");
        await Task.Delay(4000); // idle past 2 s: the tracer's sweep ends the flow
        await child.StandardInput.WriteLineAsync();
        await Expect(child, "second");
        await child.StandardInput.WriteLineAsync();
        await Expect(child, "closed");
        await child.StandardInput.WriteLineAsync();
        await child.WaitForExitAsync();
        await Task.Delay(1500);
        Assert.Equal(0, await tracer.StopAsync());

        var flows = tracer.BirthRecords().Where(r => r["pid"] == child.Id.ToString(CultureInfo.InvariantCulture)).OrderBy(r => r["ts"], StringComparer.Ordinal).ToList();
        Assert.Equal(2, flows.Count);
        Assert.All(flows, r => Assert.Equal("47500", r["rport"]));
        var timeline = tracer.Timeline();
        var first = Assert.Single(timeline, r => r["event"] == "death" && r["conn_id"] == flows[0]["conn_id"]);
        // Dated at the last datagram plus the timeout (one datagram: its birth).
        Assert.InRange(double.Parse(first["duration_s"], CultureInfo.InvariantCulture), 1.99, 2.01);
        var second = Assert.Single(timeline, r => r["event"] == "death" && r["conn_id"] == flows[1]["conn_id"]);
        Assert.InRange(double.Parse(second["duration_s"], CultureInfo.InvariantCulture), 0, 1.9); // at close
    }
}
