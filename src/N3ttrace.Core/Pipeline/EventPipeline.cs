using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using N3ttrace.Connections;
using N3ttrace.Events;
using N3ttrace.Lifetimes;
using N3ttrace.Lineage;
using N3ttrace.Privacy;
using N3ttrace.Time;

namespace N3ttrace.Pipeline;

/// <summary>
/// The one pipeline both capture sources feed: events in, connections with lineage and
/// verdicts out to the sinks. Single-threaded: sources post from their own threads, one
/// loop owns every table, so no state is shared or locked.
/// </summary>
public sealed class EventPipeline : IEventSink
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Events waiting for the loop, at most: beyond it <see cref="Post"/> holds the source back. Small on
    /// purpose: the kernel ring buffer (32 MiB) is the burst absorber; a long queue here only adds GC work.
    /// </summary>
    public const int QueueCapacity = 1 << 14;

    private readonly Channel<CaptureEvent> _events = Channel.CreateUnbounded<CaptureEvent>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private int _queued;
    private volatile bool _running;
    private readonly Dictionary<ulong, Connection> _active = [];
    private readonly ProcessTable _processes;
    private readonly EndpointCache _endpoints;
    private readonly ProcessTextCache _processText = new();
    // One digest context reused for every conn id (the loop is single-threaded): a one-shot
    // SHA256.HashData creates and frees an OpenSSL context per birth.
    private readonly IncrementalHash _connIdHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly BootClock _clock;
    private readonly IReadOnlyList<PipelineSink> _sinks;
    private readonly IVerdictEngine _verdicts;
    private readonly ILogger _log;
    private readonly string _source;
    private WrittenMark? _mark;

    public PipelineStats Stats { get; } = new();
    public LifetimeStats Lifetimes { get; } = new(TimeSpan.FromMinutes(10));
    /// <summary>Live listeners and accepted connections per process (the verdict engine reads the same instance: set both).</summary>
    public ServerSockets Servers { get; init; } = new();
    public string Mode { get; set; }
    public string ModeNote { get; set; } = "";

    public EventPipeline(string source, ProcessTable processes, EndpointPrivacy privacy, BootClock clock,
        IReadOnlyList<PipelineSink> sinks, IVerdictEngine verdicts, ILogger log)
    {
        _source = source;
        Mode = source;
        _processes = processes;
        _endpoints = new EndpointCache(privacy);
        _clock = clock;
        _sinks = sinks;
        _verdicts = verdicts;
        _log = log;
    }

    public IReadOnlyCollection<Connection> Active => _active.Values;

    /// <summary>Events posted and not yet handled.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Thread-safe; never drops. While the loop runs, blocks the posting source as long as
    /// <see cref="QueueCapacity"/> events wait, so memory stays bounded: the eBPF source then stops
    /// draining and the kernel ring buffer absorbs the burst (and counts what it cannot hold as drops).
    /// Before the loop starts (sockets found open at start) nothing waits: that burst is finite.
    /// </summary>
    public void Post(CaptureEvent e)
    {
        if (Interlocked.Increment(ref _queued) > QueueCapacity && _running)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _queued) > QueueCapacity && !_events.Reader.Completion.IsCompleted)
            {
                spin.SpinOnce(sleep1Threshold: 20);
            }
        }
        if (!_events.Writer.TryWrite(e))
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>No more events will come: Run drains the queue and returns.</summary>
    public void Complete() => _events.Writer.TryComplete();

    /// <summary>Processes events until <see cref="Complete"/> and the queue is drained.</summary>
    public async Task RunAsync(CancellationToken ct = default)
    {
        var reader = _events.Reader;
        _running = true;
        var nextTick = BootClock.NowBootNs();
        var tickNs = (long)Tick.TotalNanoseconds;
        while (true)
        {
            var now = BootClock.NowBootNs();
            if (now >= nextTick)
            {
                OnTick(now, final: false);
                nextTick = now + tickNs;
            }
            while (reader.TryRead(out var e))
            {
                Interlocked.Decrement(ref _queued);
                Handle(e);
                if ((Stats.Events & 1023) == 0 && BootClock.NowBootNs() >= nextTick)
                {
                    break;
                }
            }
            if (reader.Completion.IsCompleted)
            {
                break;
            }
            var wait = TimeSpan.FromTicks(Math.Max(0, nextTick - BootClock.NowBootNs()) / 100);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(wait);
            try
            {
                await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
        OnTick(BootClock.NowBootNs(), final: true);
    }

    internal void Handle(CaptureEvent e)
    {
        Stats.Events++;
        switch (e)
        {
            case ConnectionOpened o:
                OnOpened(o);
                break;
            case ConnectionClosed c:
                OnClosed(c);
                break;
            case ConnectionFailed f:
                OnFailed(f);
                break;
            case ProcessForked f:
                _processes.OnFork(f.Parent, f.Child, f.Comm);
                break;
            case ProcessExeced x:
                _processes.OnExec(x.Process, x.Parent, x.Context, x.BootNs);
                break;
            case ProcessExited x:
                _processes.OnExit(x.Process, x.BootNs);
                break;
            case ProcessContextAtConnect a:
                _processes.OnContextAtConnect(a);
                break;
            case WrittenMark m:
                _mark = m;
                break;
            case SourceCounters s:
                Stats.SourceEmitted = s.Emitted;
                Stats.SourceDropped = s.Dropped;
                Stats.SourceUntracked = s.Untracked;
                Stats.SourceOrphans = s.Orphans;
                Stats.SourceMalformed = s.Malformed;
                Stats.SourceUnowned = s.Unowned;
                Stats.SourceCountersBootNs = s.BootNs;
                break;
        }
    }

    private void OnOpened(ConnectionOpened o)
    {
        if (_active.TryGetValue(o.Key, out var known))
        {
            if (known.LocalPort == o.Endpoints.LocalPort && known.RemotePort == o.Endpoints.RemotePort
                && known.RemoteAddress.Equals(Privacy.EndpointPrivacy.Normalize(o.Endpoints.Remote)))
            {
                return; // the same socket again (seen at start and again by the source)
            }
            // The key (a kernel socket address, or an inode) was reused: the socket it named is gone and
            // its death was lost (a kernel drop). Retire it now, so lost deaths cannot pile up as "active".
            Stats.LostDeaths++;
            OnClosed(new ConnectionClosed(o.BootNs, o.Key, 0, 0));
        }
        var c = NewConnection(o.Key, o.BootNs, o.Endpoints, o.Owner, o.BirthBeforeStart, o.ResolutionMs, o.EstablishedBootNs, o.Direction, o.Protocol);
        Servers.OnBirth(c);
        c.Verdict = _verdicts.Judge(c, o.BootNs);
        _active[o.Key] = c;
        if (c.Direction == FlowDirection.Outbound && c.Protocol == FlowProtocol.Tcp)
        {
            // The lifetime figures (p90, oldest active, longevity) are those of outbound TCP connections
            // (a UDP flow's end is often an idle timeout, not the peer's).
            Lifetimes.OnStarted(c);
        }
        Stats.Births++;
        foreach (var s in _sinks)
        {
            s.OnBirth(c);
        }
    }

    private void OnFailed(ConnectionFailed f)
    {
        var c = NewConnection(f.Key, f.ConnectBootNs, f.Endpoints, f.Owner, false, 0, 0);
        c.State = ConnectionState.Failed;
        c.EndBootNs = f.BootNs;
        c.EndUtc = _clock.ToUtc(f.BootNs);
        c.Verdict = _verdicts.Judge(c, f.BootNs);
        Stats.Fails++;
        foreach (var s in _sinks)
        {
            s.OnFail(c);
        }
        _verdicts.OnEnd(c);
    }

    private void OnClosed(ConnectionClosed e)
    {
        if (!_active.Remove(e.Key, out var c))
        {
            if (e.BirthBootNs <= 0)
            {
                Stats.UnmatchedDeaths++;
            }
            else
            {
                // Born before this run (a pinned kernel side's earlier consumer wrote the birth): the sinks decide
                // whether an earlier run can have written it.
                Stats.CarriedDeaths++;
                var carried = new CarriedDeath(ConnId(e.Key, e.BirthBootNs), e.BirthBootNs, e.BootNs, _clock.ToUtc(e.BootNs), e.BytesSent, e.BytesReceived);
                foreach (var s in _sinks)
                {
                    s.OnCarriedDeath(carried);
                }
            }
            return;
        }
        if (_verdicts.BeforeEnd(c, e.BootNs) is { } last)
        {
            var previous = c.Verdict;
            c.Verdict = last;
            foreach (var s in _sinks)
            {
                s.OnVerdictChange(c, previous);
            }
        }
        Servers.OnEnd(c);
        c.State = ConnectionState.Closed;
        c.EndBootNs = e.BootNs;
        c.EndUtc = _clock.ToUtc(e.BootNs);
        c.BytesSent = e.BytesSent;
        c.BytesReceived = e.BytesReceived;
        Stats.Deaths++;
        if (c.Direction == FlowDirection.Outbound && c.Protocol == FlowProtocol.Tcp)
        {
            Lifetimes.OnEnded(c);
        }
        _verdicts.OnEnd(c);
        foreach (var s in _sinks)
        {
            s.OnDeath(c);
        }
    }

    private Connection NewConnection(ulong key, long birthNs, SocketEndpoints ep, SocketOwner? owner, bool beforeStart, int resolutionMs, long establishedNs,
        FlowDirection direction = FlowDirection.Outbound, FlowProtocol protocol = FlowProtocol.Tcp)
    {
        var node = owner is null ? null : _processes.Find(owner.Process);
        if (node is not null && node.ContextFromProc && node.Context.Truncated.Contains("context"))
        {
            // Forked from a process the table never saw exec: /proc is the only witness left.
            var fresh = _processes.Reader.TryRead(node.Key.Tgid, node.Key.StartTicks, out _);
            if (fresh is not null)
            {
                node.Context = fresh;
            }
        }
        if (node is null)
        {
            Stats.Unattributed++;
        }
        var ctx = node?.Context ?? new ProcessContext
        {
            Comm = owner?.Comm ?? "",
            Exe = "",
            Argv = [],
            Cwd = "",
            EnvSha256 = "",
            Truncated = ["context"],
        };
        var comm = owner?.Comm ?? ctx.Comm;
        var remote = EndpointPrivacy.Normalize(ep.Remote);
        var (masked, scope, hash) = _endpoints.Get(remote, ep.RemotePort);
        var (facts, ancestry) = _processText.Get(node, ctx, comm);
        return new Connection
        {
            ConnId = ConnId(key, birthNs),
            SocketKey = key,
            Source = _source,
            Direction = direction,
            Protocol = protocol,
            BirthBootNs = birthNs,
            BirthUtc = _clock.ToUtc(birthNs),
            EstablishedBootNs = establishedNs,
            BirthBeforeStart = beforeStart,
            ResolutionMs = resolutionMs,
            LocalAddress = EndpointPrivacy.Normalize(ep.Local),
            LocalPort = ep.LocalPort,
            RemoteAddress = remote,
            RemotePort = ep.RemotePort,
            RemoteMasked = masked,
            RemoteScope = scope,
            RemoteHash = hash,
            Netns = ep.Netns,
            Pid = owner?.Process.Tgid ?? 0,
            Tid = owner?.Tid ?? 0,
            Uid = owner?.Uid ?? ctx.Uid,
            Comm = comm,
            Process = node,
            Context = ctx,
            ProcessId = node?.ProcessId ?? (owner is null ? "" : _processes.Identity.ProcessId(owner.Process)),
            AncestryId = node?.AncestryId ?? "",
            Ancestry = ancestry,
            PPid = node?.PPid ?? 0,
            ParentKnowledge = node?.Parent ?? ParentKnowledge.Unknown,
            Facts = facts,
            // What the process holds on the server side as it connects out (a relay's mark); for outbound only.
            Holds = direction == FlowDirection.Outbound && node is not null ? Servers.HoldsText(node.Key) : "",
        };
    }

    private string ConnId(ulong key, long birthNs)
    {
        Span<byte> h = stackalloc byte[32];
        Span<byte> text = stackalloc byte[256];
        // Formatted straight to bytes (one per birth); the same ASCII text as the recipe's string.
        if (System.Text.Unicode.Utf8.TryWrite(text, System.Globalization.CultureInfo.InvariantCulture,
                $"n3ttrace:conn:v1:{_processes.Identity.BootId}:{_source}:{key}:{birthNs}", out var n))
        {
            _connIdHash.AppendData(text[..n]);
            _connIdHash.GetHashAndReset(h);
        }
        else
        {
            SHA256.HashData(Encoding.ASCII.GetBytes($"n3ttrace:conn:v1:{_processes.Identity.BootId}:{_source}:{key}:{birthNs}"), h);
        }
        return Convert.ToHexStringLower(h[..8]);
    }

    private void OnTick(long nowNs, bool final)
    {
        foreach (var (c, v) in _verdicts.Reassess(_active.Values, nowNs).ToList())
        {
            var previous = c.Verdict;
            c.Verdict = v;
            foreach (var s in _sinks)
            {
                s.OnVerdictChange(c, previous);
            }
        }
        _processes.Sweep(nowNs);
        Lifetimes.Expire(nowNs);
        var view = new PipelineView(_clock.ToUtc(nowNs), nowNs, Mode, ModeNote, _active.Values, Stats, Lifetimes, final);
        foreach (var s in _sinks)
        {
            try
            {
                s.OnTick(view);
            }
            catch (IOException ex)
            {
                _log.LogError("{Sink}: {Message}", s.GetType().Name, ex.Message);
                throw;
            }
        }
        // After the sinks' tick (gap records for the counters posted before the mark are written there).
        if (_mark is { } mark)
        {
            _mark = null;
            foreach (var s in _sinks)
            {
                s.WaitWritten();
            }
            mark.Written();
        }
    }
}
