using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc.Tests;

/// <summary>sock_diag and /proc/net/tcp must describe the same sockets identically (both feed the same poller).</summary>
public class SockDiagTableTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Sock_diag_rows_equal_proc_net_tcp_rows_for_a_live_connection(string address)
    {
        var ip = IPAddress.Parse(address);
        using var listener = new TcpListener(ip, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient(ip.AddressFamily);
        client.Connect(ip, port);
        using var server = listener.AcceptTcpClient();
        var lport = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        using var diag = SockDiagTable.TryOpen(NullLogger.Instance);
        Assert.NotNull(diag);
        var fromDiag = new List<TcpSocketRow>();
        diag.ReadInto(fromDiag);
        // Neither listing is atomic: under churn a row can repeat (same inode), so compare distinct sockets.
        fromDiag = fromDiag.DistinctBy(r => r.Inode).ToList();
        var fromProc = ProcNetTcp.Read().DistinctBy(r => r.Inode).ToList();

        foreach (var (lp, rp, state) in new[] { (lport, port, ProcNetTcp.Established), (port, lport, ProcNetTcp.Established), (port, 0, ProcNetTcp.Listen) })
        {
            var d = Assert.Single(fromDiag, r => r.LocalPort == lp && r.RemotePort == rp && r.Local.Equals(ip));
            var p = Assert.Single(fromProc, r => r.LocalPort == lp && r.RemotePort == rp && r.Local.Equals(ip));
            Assert.Equal(p, d);
            Assert.Equal(state, d.State);
            Assert.NotEqual(0UL, d.Inode);
        }
        // TIME_WAIT and SYN_RECV are filtered in the kernel, not returned.
        Assert.DoesNotContain(fromDiag, r => r.State is ProcNetTcp.TimeWait or ProcNetTcp.SynRecv);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Exact_lookup_finds_a_live_socket_and_not_a_closed_one(string address)
    {
        var ip = IPAddress.Parse(address);
        using var listener = new TcpListener(ip, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var client = new TcpClient(ip.AddressFamily);
        client.Connect(ip, port);
        var server = listener.AcceptTcpClient();
        var lport = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        using var diag = SockDiagTable.TryOpen(NullLogger.Instance);
        Assert.NotNull(diag);
        var rows = new List<TcpSocketRow>();
        diag.ReadInto(rows);
        var row = rows.First(r => r.LocalPort == lport && r.RemotePort == port && r.Local.Equals(ip));
        var ep = new N3ttrace.Events.SocketEndpoints(row.Local, row.LocalPort, row.Remote, row.RemotePort);

        Assert.True(diag.Exists(ep, row.Inode));
        Assert.False(diag.Exists(ep, row.Inode + 1)); // same endpoints, another socket: not ours
        client.Close();
        server.Close();
        Thread.Sleep(100);
        Assert.False(diag.Exists(ep, row.Inode)); // time-wait remnant (inode 0) or nothing
    }
}
