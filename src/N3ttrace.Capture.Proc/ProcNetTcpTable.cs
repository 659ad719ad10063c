using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>Sockets from /proc/net/tcp and /proc/net/tcp6: always there, slower (the kernel formats text).</summary>
internal sealed class ProcNetTcpTable(string procRoot) : ISocketTable
{
    public string Name => "/proc/net/tcp";

    public void ReadInto(List<TcpSocketRow> rows) => ProcNetTcp.ReadInto(procRoot, rows);

    public bool? Exists(SocketEndpoints endpoints, ulong inode) => null;

    public void Dispose()
    {
    }
}
