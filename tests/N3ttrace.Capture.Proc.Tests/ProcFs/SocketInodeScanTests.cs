using System.Text;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc.Tests.ProcFs;

public class SocketInodeScanTests
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    [Fact]
    public void Parses_state_and_inode_like_ProcNetTcp()
    {
        const string row = "   3: 0100007F:A5B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 20 4 30 10 -1";
        Assert.True(SocketInodeScan.TryParse(Encoding.ASCII.GetBytes(row), out var state, out var inode));
        Assert.Equal(1, state);
        Assert.Equal(123456UL, inode);
        Assert.True(ProcNetTcp.TryParse(row, false, out var r));
        Assert.Equal((r.State, r.Inode), (state, inode));
    }

    [Fact]
    public void Skips_listeners_and_header_and_reads_both_files()
    {
        var root = Directory.CreateTempSubdirectory("n3t-scan").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "net"));
            File.WriteAllText(Path.Combine(root, "net/tcp"), Header +
                "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n" +
                "   1: 0100007F:A5B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1\n" +
                "   2: 0100007F:A5B3 0100007F:1F90 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0\n");
            File.WriteAllText(Path.Combine(root, "net/tcp6"), Header +
                "   0: 00000000000000000000000001000000:C350 00000000000000000000000001000000:0050 02 00000000:00000000 01:00000064 00000002     0        0 333 1 0 100 0 0 10 0\n");
            var scan = new SocketInodeScan(root);
            var set = new HashSet<ulong> { 999 };
            scan.Collect(set);
            Assert.Equal(new ulong[] { 0, 222, 333 }, set.Order());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Finds_a_real_connected_socket_and_not_its_listener()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient();
        client.Connect((System.Net.IPEndPoint)listener.LocalEndpoint);
        using var accepted = listener.AcceptTcpClient();
        var set = new HashSet<ulong>();
        new SocketInodeScan().Collect(set);
        Assert.Contains(InodeOf(client.Client), set);
        Assert.Contains(InodeOf(accepted.Client), set);
        Assert.DoesNotContain(InodeOf(listener.Server), set);
    }

    private static ulong InodeOf(System.Net.Sockets.Socket s)
    {
        var link = new FileInfo($"/proc/self/fd/{s.Handle}").LinkTarget!; // "socket:[N]"
        return ulong.Parse(link["socket:[".Length..^1]);
    }
}
