using System.Net;
using System.Net.Sockets;
using N3ttrace.Lineage;

namespace N3ttrace.Connections;

/// <summary>
/// One socket from birth to death (an outbound or accepted connection, or a listener: <see cref="Direction"/>), with the process context frozen at birth.
/// The raw remote address lives only here, in memory; files get RemoteMasked and RemoteHash.
/// </summary>
public sealed class Connection
{
    public required string ConnId { get; init; }
    public required ulong SocketKey { get; init; }
    public required string Source { get; init; }
    public FlowDirection Direction { get; init; }
    public FlowProtocol Protocol { get; init; }

    public required long BirthBootNs { get; init; }
    public required DateTime BirthUtc { get; init; }
    /// <summary><see cref="BirthUtc"/> in the record format, made once: every row of the connection carries it.</summary>
    public string BirthTs => field ??= Time.Timestamp.ToRecord(BirthUtc);
    public long EstablishedBootNs { get; init; }
    public bool BirthBeforeStart { get; init; }
    public int ResolutionMs { get; init; }

    public ConnectionState State { get; set; } = ConnectionState.Active;
    public long? EndBootNs { get; set; }
    public DateTime? EndUtc { get; set; }
    public ulong BytesSent { get; set; }
    public ulong BytesReceived { get; set; }

    public required IPAddress LocalAddress { get; init; }
    public required int LocalPort { get; init; }
    public required IPAddress RemoteAddress { get; init; }
    public required int RemotePort { get; init; }
    public required string RemoteMasked { get; init; }
    public required string RemoteScope { get; init; }
    public required string RemoteHash { get; init; }
    /// <summary>The socket's network namespace inode (0: not known, e.g. a /proc row without it).</summary>
    public uint Netns { get; init; }
    /// <summary>The container the process runs in, from its cgroup path (null: none recognised).</summary>
    public ContainerRef? Container => ContainerRef.Parse(Context.Cgroup);

    public required int Pid { get; init; }
    public int Tid { get; init; }
    public uint Uid { get; init; }
    /// <summary>comm at connect(): may differ from the exec-time comm if the process renamed itself.</summary>
    public required string Comm { get; init; }
    /// <summary>Null when the owning process could not be attributed (gone before /proc was read).</summary>
    public ProcessNode? Process { get; init; }
    public required ProcessContext Context { get; init; }
    public required string ProcessId { get; init; }
    public required string AncestryId { get; init; }
    public required string Ancestry { get; init; }
    public int PPid { get; init; }
    public ParentKnowledge ParentKnowledge { get; init; }
    /// <summary>Evidence about the process that rules may score: comm-renamed, argv0-mismatch, exe-deleted.</summary>
    public required IReadOnlyList<string> Facts { get; init; }
    /// <summary>Outbound: what its process held on the server side at birth ("inbound", "listen", both, or empty).</summary>
    public string Holds { get; init; } = "";

    public Verdict Verdict { get; set; } = Verdict.Unscored;

    public string Family => EndpointFamily(RemoteAddress);

    public static string EndpointFamily(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv4MappedToIPv6 ? "ipv6" : "ipv4";

    /// <summary>
    /// This host's side. A listener's or an accepted connection's local side is the address a client connected to:
    /// on loopback or between hosts' records it is another record's remote endpoint, so it is masked like one
    /// ("127.0.0.0/24:8080", "[::/48]:8080"); the port, which names the service, is kept.
    /// </summary>
    public string Local => Direction == FlowDirection.Outbound
        ? Privacy.EndpointPrivacy.Canonical(LocalAddress, LocalPort)
        : LocalAddress.AddressFamily == AddressFamily.InterNetworkV6 && !LocalAddress.IsIPv4MappedToIPv6
            ? $"[{Privacy.EndpointPrivacy.Mask(LocalAddress)}]:{LocalPort}"
            : $"{Privacy.EndpointPrivacy.Mask(LocalAddress)}:{LocalPort}";

    public double AgeSeconds(long nowBootNs) => ((EndBootNs ?? nowBootNs) - BirthBootNs) / 1e9;
}
