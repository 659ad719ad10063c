using System.Net;
using System.Net.Sockets;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc.Tests;

public class ProcNetTcpTests
{
    [Fact]
    public void Parses_an_ipv4_row()
    {
        var line = "   3: 0100007F:AED9 0200A8C0:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 1436986 1 0000000033d5c824 20 4 30 10 -1";
        Assert.True(ProcNetTcp.TryParse(line, v6: false, out var r));
        Assert.Equal(IPAddress.Loopback, r.Local);
        Assert.Equal(0xAED9, r.LocalPort);
        Assert.Equal(IPAddress.Parse("192.168.0.2"), r.Remote);
        Assert.Equal(443, r.RemotePort);
        Assert.Equal(ProcNetTcp.Established, r.State);
        Assert.Equal(1000u, r.Uid);
        Assert.Equal(1436986UL, r.Inode);
    }

    [Fact]
    public void Parses_an_ipv6_row()
    {
        var line = "   0: 00000000000000000000000001000000:1F90 0000000000000000FFFF00000100007F:C350 02 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0";
        Assert.True(ProcNetTcp.TryParse(line, v6: true, out var r));
        Assert.Equal(IPAddress.IPv6Loopback, r.Local);
        Assert.Equal(8080, r.LocalPort);
        Assert.Equal(IPAddress.Parse("::ffff:127.0.0.1"), r.Remote);
        Assert.Equal(50000, r.RemotePort);
        Assert.Equal(ProcNetTcp.SynSent, r.State);
        Assert.Equal(77UL, r.Inode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")]
    [InlineData("   0: 0100007F:AED9 00000000:0000 0A")]
    [InlineData("   0: 0100007G:AED9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1")]
    [InlineData("   0: 0100007F:AED9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     x        0 1 1")]
    public void Rejects_malformed_rows(string line) => Assert.False(ProcNetTcp.TryParse(line, v6: false, out _));

    private static TcpSocketRow Row(int state, int lport, ulong inode = 5) =>
        new(IPAddress.Loopback, lport, IPAddress.Loopback, 9, state, 0, inode);

    [Fact]
    public void Active_open_is_connect_not_listen_nor_accept()
    {
        var listening = new HashSet<int> { 8080 };
        Assert.True(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.Established, 40000), listening));
        Assert.True(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.CloseWait, 40000), listening)); // lived, then the peer closed
        Assert.True(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.SynSent, 8080), listening)); // connect() in progress is never accepted
        Assert.False(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.Established, 8080), listening)); // accepted from the listener
        Assert.False(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.Listen, 8080), listening));
        Assert.False(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.SynRecv, 40000), listening));
        Assert.False(ProcNetTcp.IsActiveOpen(Row(ProcNetTcp.Established, 40000, inode: 0), listening)); // orphan: nobody owns it
    }

    [Fact]
    public void Real_loopback_connection_shows_one_outbound_and_one_accepted_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var server = listener.AcceptTcpClient();
        var lport = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        var rows = ProcNetTcp.Read().DistinctBy(r => r.Inode).ToList();
        var outbound = ProcNetTcp.Outbound(rows).ToList();
        Assert.Contains(outbound, r => r.LocalPort == lport && r.RemotePort == port);
        Assert.DoesNotContain(outbound, r => r.LocalPort == port && r.RemotePort == lport);
        Assert.Contains(rows, r => r.LocalPort == port && r.RemotePort == lport && r.State == ProcNetTcp.Established);
    }
}
