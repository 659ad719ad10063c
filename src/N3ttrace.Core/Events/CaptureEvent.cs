using System.Net;
using N3ttrace.Connections;
using N3ttrace.Lineage;

namespace N3ttrace.Events;

/// <summary>
/// What a capture source reports. Both sources (eBPF and /proc polling) emit exactly these
/// types into the same pipeline; times are CLOCK_BOOTTIME nanoseconds.
/// </summary>
public abstract record CaptureEvent(long BootNs);

public sealed record ProcessForked(long BootNs, ProcessKey Parent, ProcessKey Child, string Comm) : CaptureEvent(BootNs);

public sealed record ProcessExeced(long BootNs, ProcessKey Process, ProcessKey Parent, ProcessContext Context) : CaptureEvent(BootNs);

public sealed record ProcessExited(long BootNs, ProcessKey Process) : CaptureEvent(BootNs);

/// <summary>Who asked for a socket, taken while it was asking (eBPF) or found owning it (/proc).</summary>
public sealed record SocketOwner(ProcessKey Process, int Tid, uint Uid, string Comm);

/// <param name="Netns">The socket's network namespace inode (as /proc/PID/ns/net names it); 0 when the source does not know it.</param>
public sealed record SocketEndpoints(IPAddress Local, int LocalPort, IPAddress Remote, int RemotePort, uint Netns = 0);

/// <summary>
/// A connection was established (outbound: BootNs is connect() time when known; inbound: the handshake's end),
/// or a socket started listening (<see cref="FlowDirection.Listen"/>: Endpoints.Local is the bound address,
/// Remote is unspecified). Inbound: Owner is the listener's owner, Endpoints.Remote the peer.
/// </summary>
/// <param name="Key">Source-specific socket key, unique among live sockets.</param>
/// <param name="EstablishedBootNs">When the handshake completed.</param>
/// <param name="BirthBeforeStart">The socket existed before capture began: its birth time is unknown.</param>
/// <param name="ResolutionMs">0 when the time is exact (eBPF), else the polling interval.</param>
public sealed record ConnectionOpened(long BootNs, ulong Key, SocketEndpoints Endpoints, SocketOwner? Owner,
    long EstablishedBootNs, bool BirthBeforeStart, int ResolutionMs, FlowDirection Direction = FlowDirection.Outbound,
    FlowProtocol Protocol = FlowProtocol.Tcp) : CaptureEvent(BootNs);

/// <summary>A connect() that never established: refused, timed out, reset.</summary>
public sealed record ConnectionFailed(long BootNs, ulong Key, SocketEndpoints Endpoints, SocketOwner? Owner, long ConnectBootNs)
    : CaptureEvent(BootNs);

/// <param name="BirthBootNs">The birth's time as the source keyed the connection (0 if the source does not say): a death
/// whose birth an earlier run wrote (a resumed kernel side) is still named by its conn_id.</param>
public sealed record ConnectionClosed(long BootNs, ulong Key, ulong BytesSent, ulong BytesReceived, long BirthBootNs = 0) : CaptureEvent(BootNs);

/// <summary>
/// A source's running totals, shown and logged, never hidden. Emitted, Dropped: records the kernel wrote and lost (ring full).
/// Untracked: connects the kernel could not follow (its socket map was full); 0 from /proc, whose
/// ownerless sockets reach the pipeline as connections and are counted there as unattributed.
/// Orphans: transitions of connections opened before the tracer (eBPF; /proc lists them at start).
/// Malformed: records the decoder could not read whole.
/// Unowned: accepted connections whose listener the kernel side never saw (listening since before the tracer).
/// </summary>
public sealed record SourceCounters(long BootNs, long Emitted, long Dropped, long Untracked, long Orphans = 0, long Malformed = 0, long Unowned = 0) : CaptureEvent(BootNs);

/// <summary>
/// Everything the source posted before this mark: once every sink has written it out (the trail's rows are
/// in its files), the pipeline calls <paramref name="Written"/>, on its own thread, at most once per tick and
/// only for the latest mark. The eBPF source frees the ring buffer only then, so records that die with a
/// killed consumer are still in the ring for the next one.
/// </summary>
public sealed record WrittenMark(long BootNs, Action Written) : CaptureEvent(BootNs);
