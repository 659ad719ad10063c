using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Threading;
using N3ttrace.Time;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Capture through the kernel programs: records drained from the ring buffer on a dedicated
/// thread every few milliseconds (the kernel side never wakes us per record), decoded and
/// written to the event sink. Kernel counters (emitted, dropped) are posted once a second.
/// The ring is freed only behind rows the sinks have written (<see cref="WrittenMark"/>); with a pinned
/// kernel side (<see cref="KernelPins"/>) what a killed consumer read but did not write is read again by the next.
/// Owns two <see cref="BackgroundLoop"/>s, the drain and the backlog watcher; <see cref="Stop"/> is their stop path.
/// </summary>
public sealed unsafe class EbpfSource : ICaptureSource
{
    private static readonly TimeSpan DrainInterval = DrainPolicy.Interval;
    private static readonly TimeSpan CounterInterval = TimeSpan.FromSeconds(1);

    private readonly ILogger _log;
    private readonly KernelPrograms _programs;
    private readonly RecordDecoder _decoder = new(new CgroupPaths().Resolve);
    private readonly UdpFlowTable _udp;
    private readonly UdpIdleTimeouts _udpTimeouts;
    private static readonly long UdpSweepIntervalMs = 1000;
    private readonly KernelPins? _pins;
    private readonly bool _removePins;
    private RingReader? _ring;
    private long _ackDropped, _ackMapFull;
    private long _postedDropped, _postedMapFull;
    private readonly Lock _ackGate = new();
    private bool _disposed;
    private BackgroundLoop? _thread;
    private BackgroundLoop? _monitor;
    private bool _stopping;
    private IEventSink? _sink;
    private readonly ExistingConnections _existing = new();
    private readonly BacklogPriority _priority;
    private RingFill? _fill;
    private readonly HostBusy _busy = new();
    private DrainPolicy? _policy;

    /// <summary>Times the drain waited the longest it may (a second) because the host was busy.</summary>
    public long Deferred => _policy?.Deferred ?? 0;

    public string Name => "ebpf";
    public string Description => $"eBPF {(_programs.Mode == AttachMode.TpBtf ? "tp_btf" : "raw_tp")} tracepoints, ring buffer" +
        (_pins is null ? "" : _removePins ? $", pinned in {_pins.Dir} until exit" : $", pinned in {_pins.Dir}{(Resumed ? " (resumed)" : "")}");

    /// <summary>This run took over a kernel side pinned by an earlier one: its backlog is drained first.</summary>
    public bool Resumed => _programs.Resumed;

    /// <summary>CLOCK_BOOTTIME ns since which the kernel side has been capturing without a break.</summary>
    public long CapturingSinceBootNs { get; }

    private EbpfSource(KernelPrograms programs, ILogger log, KernelPins? pins = null, bool removePins = false, UdpIdleTimeouts? udpTimeouts = null)
    {
        _programs = programs;
        _udpTimeouts = udpTimeouts ?? UdpIdleTimeouts.Default;
        _udp = new UdpFlowTable(_udpTimeouts);
        // The kernel applies the same timeouts (a datagram after them is a new flow); this consumer's settings win.
        programs.WriteCtl(CtlSlot.UdpIdleNs, (ulong)(_udpTimeouts.Unreplied.TotalMilliseconds * 1_000_000));
        programs.WriteCtl(CtlSlot.UdpRepliedNs, (ulong)(_udpTimeouts.Replied.TotalMilliseconds * 1_000_000));
        _log = log;
        _priority = new BacklogPriority(log);
        _pins = pins;
        _removePins = removePins;
        CapturingSinceBootNs = (long)programs.ReadCtl(CtlSlot.LoadedNs);
        // What earlier consumers already wrote to the trail as gaps is not counted again.
        _ackDropped = (long)programs.ReadCtl(CtlSlot.AckDropped);
        _ackMapFull = (long)programs.ReadCtl(CtlSlot.AckMapFull);
    }

    /// <summary>Loads and attaches the kernel programs, unpinned; throws <see cref="BpfLoadException"/> naming the cause.</summary>
    public static EbpfSource Load(ILogger log, UdpIdleTimeouts? udpTimeouts = null) => new(KernelPrograms.LoadBest(log), log, udpTimeouts: udpTimeouts);

    /// <summary>UDP flows: alive now, ended by the idle timeout, LRU entries lost while alive (evicted) and made anew (refilled).</summary>
    public (int Alive, long Idle, long Evicted, long Refilled) UdpFlows => (_udp.Count, _udp.Idle, _udp.Evicted, _udp.Refilled);

    /// <summary>
    /// With <paramref name="persistent"/>: takes over this build's kernel side pinned under <paramref name="pinRoot"/>,
    /// or loads and pins one, which then keeps capturing after this process ends (`n3ttrace unload` removes it).
    /// Without: loads unpinned, except that pins found are taken over (their backlog drained) and removed at exit.
    /// Throws <see cref="PinMismatchException"/> for pins that must not be used (another layout, owner, consumer).
    /// </summary>
    public static EbpfSource Load(ILogger log, bool persistent, string pinRoot, UdpIdleTimeouts? udpTimeouts = null)
    {
        var stamp = KernelPins.StampOf(KernelPrograms.ObjectSha256());
        if (!persistent && !PinsExist(Path.Combine(pinRoot, stamp)))
        {
            return Load(log, udpTimeouts);
        }
        var pins = KernelPins.Open(pinRoot, stamp);
        try
        {
            if (pins.HasPins())
            {
                try
                {
                    var pinned = KernelPrograms.FromPins(pins.Dir);
                    try
                    {
                        pinned.WriteSelf();
                    }
                    catch
                    {
                        pinned.Dispose();
                        throw;
                    }
                    return new EbpfSource(pinned, log, pins, removePins: !persistent, udpTimeouts);
                }
                catch (BpfLoadException e)
                {
                    log.LogWarning("the kernel side pinned in {Dir} cannot be taken over ({Message}); removing it and loading afresh (the time since the last run is a not-running gap)", pins.Dir, e.Message);
                    pins.RemovePins();
                }
            }
            var programs = KernelPrograms.LoadBest(log);
            if (!persistent)
            {
                pins.Dispose();
                return new EbpfSource(programs, log, udpTimeouts: udpTimeouts);
            }
            string? staging = null;
            try
            {
                staging = pins.NewStaging();
                programs.PinTo(staging);
                pins.Publish(staging);
            }
            catch (Exception e) when (e is BpfLoadException or IOException or UnauthorizedAccessException)
            {
                // Half-pinned links would keep programs attached with nobody reading their ring.
                if (staging is not null)
                {
                    pins.Discard(staging);
                }
                programs.Dispose();
                throw new BpfLoadException($"pinning the kernel side in {pins.Dir} failed: {e.Message}");
            }
            return new EbpfSource(programs, log, pins, udpTimeouts: udpTimeouts);
        }
        catch
        {
            pins.Dispose();
            throw;
        }
    }

    private static bool PinsExist(string dir)
    {
        try
        {
            return Interop.FileFacts.Of(dir) is not null;
        }
        catch (IOException)
        {
            return false; // bpffs answers EPERM for names it does not allow: nothing of ours is there
        }
    }

    public void Start(IEventSink sink)
    {
        _sink = sink;
        _ring = new RingReader(_programs.EventsMapFd, _programs.EventsMapSize);
        _fill = new RingFill(_programs.EventsMapFd, _programs.EventsMapSize);
        if (Resumed)
        {
            // The pinned kernel side has seen every connect since it was loaded, and the run that loaded it
            // listed the older ones: listing open sockets again would write them twice.
            _log.LogInformation("resuming the kernel side pinned in {Dir}: {Backlog} bytes of backlog to drain", _pins!.Dir, _fill.Backlog);
        }
        else
        {
            // Programs are attached: anything connecting from now on is seen. Existing sockets next.
            _existing.Enumerate(sink);
        }
        _thread = new BackgroundLoop("n3ttrace-ringbuf", Drain);
        _thread.Start();
        // Its own thread: the drain thread may be held back by a full pipeline queue exactly when
        // the ring fills and priority must rise.
        _monitor = new BackgroundLoop("n3ttrace-backlog", WatchBacklog);
        _monitor.Start();
    }

    private void Drain(CancellationToken stopping)
    {
        var nextCounters = 0L;
        var nextExisting = 0L;
        var nextUdpSweep = 0L;
        var policy = _policy = new DrainPolicy(_busy, Environment.TickCount64, _fill!.Produced);
        using var trace = DrainTrace.FromEnvironment(Environment.TickCount64, _fill.Produced);
        while (!stopping.IsCancellationRequested)
        {
            var n = 0;
            var now = Environment.TickCount64;
            var (produced, fill) = (_fill!.Produced, _fill.Fraction);
            // When to drain is DrainPolicy's decision; this loop only does it.
            var drain = policy.ShouldDrain(now, produced, fill);
            trace?.Turn(now, produced, fill, _busy.Busy, drain);
            if (drain)
            {
                n = Consume();
            }
            if (now >= nextCounters)
            {
                PostCounters();
                nextCounters = now + (long)CounterInterval.TotalMilliseconds;
                n++; // the counters' ack rides on a mark too
            }
            if (n > 0)
            {
                PostMark();
            }
            if (now >= nextUdpSweep)
            {
                _udp.Sweep(BootClock.NowBootNs(), _programs.TryReadUdpFlow, _sink!);
                nextUdpSweep = now + UdpSweepIntervalMs;
            }
            if (now >= nextExisting && _existing.Count > 0)
            {
                _existing.Poll(_sink!);
                nextExisting = now + 1000;
            }
            if (n < 1000)
            {
                stopping.WaitHandle.WaitOne(DrainInterval);
            }
        }
    }

    private void WatchBacklog(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            _priority.Update(_fill!.Fraction);
            stopping.WaitHandle.WaitOne(DrainInterval);
        }
    }

    /// <summary>Decodes and posts every complete record after the read position; returns how many.</summary>
    private int Consume()
    {
        var n = 0;
        while (_ring!.TryNext(out var record))
        {
            switch (_decoder.Decode(record))
            {
                case UdpFlowSeen u:
                    _udp.OnSeen(u, _sink!);
                    break;
                case UdpSocketReleased r:
                    _udp.OnReleased(r, _sink!);
                    break;
                case { } e:
                    _sink!.Post(e);
                    break;
            }
            n++;
        }
        return n;
    }

    /// <summary>Counters as totals since this consumer's start, less what earlier consumers of a pinned kernel side already recorded.</summary>
    private void PostCounters()
    {
        var dropped = _programs.ReadStat(StatIndex.Dropped);
        var mapFull = _programs.ReadStat(StatIndex.MapFull);
        _postedDropped = dropped;
        _postedMapFull = mapFull;
        _sink!.Post(new SourceCounters(BootClock.NowBootNs(), _programs.ReadStat(StatIndex.Emitted),
            Math.Max(0, dropped - _ackDropped), Math.Max(0, mapFull - _ackMapFull), _programs.ReadStat(StatIndex.Orphan), _decoder.Malformed,
            _programs.ReadStat(StatIndex.Unowned)));
    }

    /// <summary>Once everything posted so far is written: free the ring up to here, and record the counters as written.</summary>
    private void PostMark()
    {
        var position = _ring!.Cursor;
        var dropped = _postedDropped;
        var mapFull = _postedMapFull;
        _sink!.Post(new WrittenMark(BootClock.NowBootNs(), () => Written(position, dropped, mapFull)));
    }

    private void Written(long position, long dropped, long mapFull)
    {
        lock (_ackGate)
        {
            if (_disposed)
            {
                return;
            }
            _ring!.Commit(position);
            if (_pins is not null && !_removePins)
            {
                // Only a pinned kernel side outlives this run: the next consumer reads how much of its drop count is in the trail.
                _programs.TryWriteCtl(CtlSlot.AckDropped, (ulong)dropped);
                _programs.TryWriteCtl(CtlSlot.AckMapFull, (ulong)mapFull);
            }
        }
    }

    public void Stop()
    {
        if (_thread is null || _stopping)
        {
            return;
        }
        _stopping = true;
        _thread.Stop();
        _monitor?.Stop();
        _thread.Dispose();
        _monitor?.Dispose();
        if (_pins is null || _removePins)
        {
            // Detach first, then drain what the programs wrote before detaching, then the final counters.
            _programs.Detach();
        }
        // A pinned kernel side keeps capturing: what it writes after this drain waits in the ring for the next run.
        Consume();
        PostCounters();
        PostMark();
        _log.LogInformation("UDP flows: {Alive} alive at stop, {Idle} ended idle, {Evicted} LRU entries evicted while alive, {Refilled} refilled; {Unmarked} sockets not marked (their close unseen)",
            _udp.Count, _udp.Idle, _udp.Evicted, _udp.Refilled, _programs.ReadStat(StatIndex.UdpUnmarked));
        _log.LogInformation("ring buffer peaked at {Peak:P0} full; consumer raised to nice {Urgent} {Raised} times (at {RaiseAt:P0} full); drain deferred a full second {Deferred} times (busy host)",
            _priority.PeakFill, BacklogPriority.UrgentNice, _priority.Raised, BacklogPriority.RaiseAt, Deferred);
    }

    public void Dispose()
    {
        Stop();
        lock (_ackGate)
        {
            _disposed = true;
            _ring?.Dispose();
        }
        _fill?.Dispose();
        _busy.Dispose();
        _programs.Dispose();
        if (_removePins)
        {
            _pins!.RemovePins();
        }
        _pins?.Dispose();
    }
}
