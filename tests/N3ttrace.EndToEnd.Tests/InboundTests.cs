using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>[flows]: listeners and accepted connections from the real kernel, with their owner's certificate and lifetimes.</summary>
public class InboundTests
{
    private const string Py = "/usr/bin/python3";

    private static Process Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    /// <summary>Waits until /proc/net/tcp holds no socket on this local port other than in TIME_WAIT (state 06).</summary>
    private static async Task WaitClosed(int port, TimeSpan limit)
    {
        var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + limit;
        while (File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length > 3 && f[1].EndsWith(hex, StringComparison.Ordinal) && f[3] != "06"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"sockets of port {port} still open {limit.TotalSeconds} s after both processes exited");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<int> ConnectEventually(int port)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return i;
            }
            catch (SocketException) when (i < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    [BpfFact]
    public async Task Every_accepted_loopback_connection_is_attributed_to_the_listener_with_its_lifetime()
    {
        const int N = 300;
        var port = FreePort();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        // A server that accepts N connections, holds each ~2 ms, sends 3 bytes and closes; the client is another process.
        using var server = Start(Py, ["-c",
            $"import socket,time,sys\n#{marker}\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('127.0.0.1',{port}));s.listen(512)\n" +
            $"print('ready',flush=True)\nfor i in range({N}):\n a,_=s.accept();a.sendall(b'abc');time.sleep(0.002);a.close()\ns.close()\n"]);
        Assert.Equal("ready", await server.StandardOutput.ReadLineAsync());
        using var client = Start(Py, ["-c",
            $"import socket\nfor i in range({N}):\n c=socket.create_connection(('127.0.0.1',{port}));c.recv(3);c.close()\n"]);
        await client.WaitForExitAsync();
        await server.WaitForExitAsync();
        Assert.Equal(0, client.ExitCode);
        // On a loaded host the last FINs may still be queued for ksoftirqd when both processes have exited: stopping
        // the tracer then would miss deaths the kernel has not produced yet. Wait until no socket of the port is
        // short of its close (TIME_WAIT is after it).
        await WaitClosed(port, TimeSpan.FromSeconds(10));
        await tracer.StopAsync();

        var p = port.ToString(CultureInfo.InvariantCulture);
        var births = tracer.BirthRecords();
        var listen = Assert.Single(births, r => r["direction"] == "listen" && r["local"] == $"127.0.0.0/24:{p}");
        Assert.Equal(server.Id.ToString(CultureInfo.InvariantCulture), listen["pid"]);
        Assert.Contains(marker, listen["cmdline"], StringComparison.Ordinal);
        Assert.Equal("0", listen["rport"]);

        var inbound = births.Where(r => r["direction"] == "inbound" && r["local"] == $"127.0.0.0/24:{p}").ToList();
        var clientPorts = births.Where(r => r["direction"] == "outbound" && r["rport"] == p && r["pid"] == client.Id.ToString(CultureInfo.InvariantCulture))
            .Select(r => r["local"].Split(':')[1]).ToHashSet();
        Assert.Equal(N, clientPorts.Count);
        Assert.Equal(N, inbound.Count); // 100% of the accepted connections
        Assert.All(inbound, r =>
        {
            Assert.Equal(server.Id.ToString(CultureInfo.InvariantCulture), r["pid"]);
            Assert.Equal(listen["process_id"], r["process_id"]);
            Assert.Contains(marker, r["cmdline"], StringComparison.Ordinal);
            Assert.Equal("127.0.0.0/24", r["remote_masked"]);
            Assert.Equal("exact", r["birth"]);
            Assert.Contains(r["rport"], clientPorts); // the peer is the client's socket
        });
        // Each one's death, lifetime and bytes from the timeline.
        var ids = inbound.Select(r => r["conn_id"]).ToHashSet();
        var deaths = tracer.Timeline().Where(r => r["event"] == "death" && ids.Contains(r["conn_id"])).ToList();
        Assert.Equal(N, deaths.Count);
        Assert.All(deaths, d =>
        {
            Assert.Equal("inbound", d["direction"]);
            var life = double.Parse(d["duration_s"], CultureInfo.InvariantCulture);
            Assert.InRange(life, 0.001, 5);
            // tcp bytes_acked: the 3 bytes, plus the server's FIN once the client acknowledged it (a sequence number).
            Assert.InRange(long.Parse(d["bytes_sent"], CultureInfo.InvariantCulture), 3, 4);
        });
        // The listener's own death.
        Assert.Single(tracer.Timeline(), r => r["event"] == "death" && r["conn_id"] == listen["conn_id"]);
    }

    [BpfFact]
    public async Task A_listener_opened_by_a_shell_one_liner_is_recorded_and_scored_as_a_bind_shell()
    {
        var port = FreePort();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        // sh -c runs a perl one-liner that listens, accepts one client and runs what it sends: a bind shell (no terminal).
        using var sh = Start("/bin/sh", ["-c",
            $"exec perl -e 'use Socket; my $m=\"{marker}\"; socket(S,PF_INET,SOCK_STREAM,0); setsockopt(S,SOL_SOCKET,SO_REUSEADDR,1); " +
            $"bind(S,sockaddr_in({port},inet_aton(\"127.0.0.1\"))); listen(S,1); accept(C,S); close C; close S;'"]);
        await ConnectEventually(port);
        await sh.WaitForExitAsync();
        await tracer.StopAsync();

        var rec = Assert.Single(tracer.BirthRecords(), r => r["direction"] == "listen" && r["cmdline"].Contains(marker, StringComparison.Ordinal));
        Assert.Equal($"127.0.0.0/24:{port}", rec["local"]);
        Assert.Equal(sh.Id.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.EndsWith("/perl", rec["exe"].Replace("5.", "", StringComparison.Ordinal).TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'), StringComparison.Ordinal);
        Assert.Equal("THREAT", rec["level"]);
        Assert.Contains("bind-shell +", rec["reasons"], StringComparison.Ordinal);
        // Its accepted connection is attributed to it too.
        Assert.Single(tracer.BirthRecords(), r => r["direction"] == "inbound" && r["process_id"] == rec["process_id"]);
    }

    [BpfFact]
    public async Task A_forking_relay_has_the_relay_fact_on_its_outbound_connection()
    {
        using var far = new TcpListener(IPAddress.Loopback, 0);
        far.Start();
        var farPort = ((IPEndPoint)far.LocalEndpoint).Port;
        var port = FreePort();
        await using var tracer = await Tracer.StartAsync();
        // socat with fork: each client is served by a child that connects on to the far end.
        using var relay = Start("/usr/bin/socat", [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", $"TCP:127.0.0.1:{farPort}"]);
        await ConnectEventually(port);
        using (var c = new TcpClient())
        {
            await c.ConnectAsync(IPAddress.Loopback, port);
            await c.GetStream().WriteAsync("ping"u8.ToArray());
            // The probe above was relayed too (and closed at once): read from whichever relayed connection carries the ping.
            var relayed = false;
            for (var i = 0; i < 3 && !relayed; i++)
            {
                using var served = await far.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
                try
                {
                    var buf = new byte[4];
                    await served.GetStream().ReadExactlyAsync(buf).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                    relayed = true;
                }
                catch (EndOfStreamException)
                {
                }
            }
            Assert.True(relayed, "the relay did not carry the client's bytes");
        }
        await Task.Delay(500);
        relay.Kill();
        await relay.WaitForExitAsync();
        await tracer.StopAsync();

        var births = tracer.BirthRecords();
        var outbound = births.Where(r => r["direction"] == "outbound" && r["rport"] == farPort.ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(outbound);
        Assert.All(outbound, r =>
        {
            Assert.Equal("THREAT", r["level"]);
            Assert.Contains("relay +", r["reasons"], StringComparison.Ordinal);
        });
        var inbound = births.Where(r => r["direction"] == "inbound" && r["local"] == $"127.0.0.0/24:{port}").ToList();
        Assert.NotEmpty(inbound);
        Assert.All(inbound, r => Assert.Equal(relay.Id.ToString(CultureInfo.InvariantCulture), r["pid"]));
    }

    [BpfFact]
    public async Task The_same_process_holding_its_accepted_connection_shows_it_on_the_outbound_record()
    {
        using var far = new TcpListener(IPAddress.Loopback, 0);
        far.Start();
        var farPort = ((IPEndPoint)far.LocalEndpoint).Port;
        var port = FreePort();
        await using var tracer = await Tracer.StartAsync();
        // One process: accept one client, then connect out while holding it (socat without fork).
        using var relay = Start("/usr/bin/socat", [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", $"TCP:127.0.0.1:{farPort}"]);
        await ConnectEventually(port); // this probe is the one client
        using var served = await far.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        served.Close();
        await relay.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await tracer.StopAsync();

        var outbound = Assert.Single(tracer.BirthRecords(), r => r["direction"] == "outbound" && r["rport"] == farPort.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(relay.Id.ToString(CultureInfo.InvariantCulture), outbound["pid"]);
        Assert.StartsWith("inbound", outbound["holds"], StringComparison.Ordinal);
        Assert.Equal("THREAT", outbound["level"]);
    }
}
