using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>Where the poller lists TCP sockets: /proc/net/tcp{,6} text, or a netlink sock_diag dump.</summary>
internal interface ISocketTable : IDisposable
{
    /// <summary>"sock_diag" or "/proc/net/tcp": shown in the mode line.</summary>
    string Name { get; }

    /// <summary>Appends every TCP socket (IPv4 and IPv6) to rows.</summary>
    void ReadInto(List<TcpSocketRow> rows);

    /// <summary>Whether the socket with these endpoints and inode is still in the table; null when the table cannot look one up.</summary>
    bool? Exists(SocketEndpoints endpoints, ulong inode);
}
