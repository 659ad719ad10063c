using System.Net;
using System.Net.Sockets;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.Tests;

public class SocketOwnersTests
{
    private static ulong InodeOf(TcpClient client)
    {
        var lport = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        var rport = ((IPEndPoint)client.Client.RemoteEndPoint!).Port;
        return Assert.Single(ProcNetTcp.Read().DistinctBy(r => r.Inode), r => r.LocalPort == lport && r.RemotePort == rport && r.State == ProcNetTcp.Established).Inode;
    }

    private static Dictionary<int, ulong> Live()
    {
        var live = new Dictionary<int, ulong>();
        foreach (var pid in SocketOwners.EnumeratePids("/proc"))
        {
            if (ProcStat.TryRead("/proc", pid, out var st))
            {
                live[pid] = st.StartTicks;
            }
        }
        return live;
    }

    [Fact]
    public void Finds_this_process_then_answers_from_its_cache_and_after_a_baseline_scans_only_what_changed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var first = new TcpClient();
        first.Connect(IPAddress.Loopback, port);
        using var a1 = listener.AcceptTcpClient();
        var self = (Environment.ProcessId, Live()[Environment.ProcessId]);

        var owners = new SocketOwners();
        var inode1 = InodeOf(first);
        var live = Live();
        Assert.Equal(self, owners.Resolve([inode1], live)[inode1]);
        var scans = owners.FdScans;
        Assert.True(scans >= 1);

        // Known inode: no fd directory read at all.
        Assert.Equal(self, owners.Resolve([inode1], live)[inode1]);
        Assert.Equal(scans, owners.FdScans);

        // Every process counted, none read; a new socket then costs the processes whose fd count changed.
        owners.Baseline(live);
        using var second = new TcpClient();
        second.Connect(IPAddress.Loopback, port);
        using var a2 = listener.AcceptTcpClient();
        var inode2 = InodeOf(second);
        var before = owners.FdScans;
        Assert.Equal(self, owners.Resolve([inode2], Live())[inode2]);
        Assert.InRange(owners.FdScans - before, 1, Math.Max(1, live.Count / 2));

        // A closed socket is forgotten; an inode nobody holds is not invented.
        owners.Forget(inode1);
        Assert.Empty(owners.Resolve([ulong.MaxValue - 1], Live()));
    }

    [Fact]
    public void Forgets_what_a_process_held_once_it_is_gone()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\nprint(s.getsockname()[1],flush=True)\nsys.stdin.readline()");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var child = System.Diagnostics.Process.Start(psi)!;
        var lport = int.Parse(child.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
        using var accepted = listener.AcceptTcpClient();
        var inode = Assert.Single(ProcNetTcp.Read().DistinctBy(r => r.Inode), r => r.LocalPort == lport && r.RemotePort == port && r.State == ProcNetTcp.Established).Inode;

        var owners = new SocketOwners();
        Assert.Equal(child.Id, owners.Resolve([inode], Live())[inode].Pid);
        var cached = owners.CachedInodes;
        child.StandardInput.WriteLine();
        Assert.True(child.WaitForExit(10_000));
        owners.Prune(Live());
        Assert.True(owners.CachedInodes < cached, $"{owners.CachedInodes} cached after the owner exited, {cached} before");
    }
}
