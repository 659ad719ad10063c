using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Capture through the kernel programs: records drained from the ring buffer on a dedicated
/// thread every few milliseconds (the kernel side never wakes us per record), decoded and
/// written to the event sink. Kernel counters (emitted, dropped) are posted once a second.
/// </summary>
public sealed unsafe class EbpfSource : ICaptureSource
{
    private static readonly TimeSpan DrainInterval = DrainPolicy.Interval;
    private static readonly TimeSpan CounterInterval = TimeSpan.FromSeconds(1);

    private readonly ILogger _log;
    private readonly KernelPrograms _programs;
    private readonly RecordDecoder _decoder = new(new CgroupPaths().Resolve);
    private SafeRingBufferHandle? _ring;
    private GCHandle _self;
    private Thread? _thread;
    private Thread? _monitor;
    private volatile bool _stopping;
    private IEventSink? _sink;
    private readonly ExistingConnections _existing = new();
    private readonly BacklogPriority _priority;
    private RingFill? _fill;
    private readonly HostBusy _busy = new();
    private DrainPolicy? _policy;

    /// <summary>Times the drain waited the longest it may (a second) because the host was busy.</summary>
    public long Deferred => _policy?.Deferred ?? 0;

    public string Name => "ebpf";
    public string Description => $"eBPF {(_programs.Mode == AttachMode.TpBtf ? "tp_btf" : "raw_tp")} tracepoints, ring buffer";

    private EbpfSource(KernelPrograms programs, ILogger log)
    {
        _programs = programs;
        _log = log;
        _priority = new BacklogPriority(log);
    }

    /// <summary>Loads and attaches the kernel programs; throws <see cref="BpfLoadException"/> naming the cause.</summary>
    public static EbpfSource Load(ILogger log) => new(KernelPrograms.LoadBest(log), log);

    public void Start(IEventSink sink)
    {
        _sink = sink;
        _self = GCHandle.Alloc(this);
        _ring = Libbpf.RingBufferNew(_programs.EventsMapFd, &OnRecord, (void*)GCHandle.ToIntPtr(_self), 0);
        if (_ring.IsInvalid)
        {
            throw new BpfLoadException($"ring_buffer__new failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        _fill = new RingFill(_programs.EventsMapFd, _programs.EventsMapSize);
        // Programs are attached: anything connecting from now on is seen. Existing sockets next.
        _existing.Enumerate(sink);
        _thread = new Thread(Drain) { Name = "n3ttrace-ringbuf", IsBackground = true };
        _thread.Start();
        // Its own thread: the drain thread may be held back by a full pipeline queue exactly when
        // the ring fills and priority must rise.
        _monitor = new Thread(WatchBacklog) { Name = "n3ttrace-backlog", IsBackground = true };
        _monitor.Start();
    }

    private void Drain()
    {
        var nextCounters = 0L;
        var nextExisting = 0L;
        var policy = _policy = new DrainPolicy(_busy, Environment.TickCount64, _fill!.Produced);
        while (!_stopping)
        {
            var n = 0;
            var now = Environment.TickCount64;
            // When to drain is DrainPolicy's decision; this loop only does it.
            if (policy.ShouldDrain(now, _fill!.Produced, _fill.Fraction))
            {
                n = Libbpf.RingBufferConsume(_ring!);
            }
            if (n < 0)
            {
                _log.LogError("ring_buffer__consume failed: {Error}", Marshal.GetPInvokeErrorMessage(-n));
            }
            if (now >= nextCounters)
            {
                PostCounters();
                nextCounters = now + (long)CounterInterval.TotalMilliseconds;
            }
            if (now >= nextExisting && _existing.Count > 0)
            {
                _existing.Poll(_sink!);
                nextExisting = now + 1000;
            }
            if (n < 1000)
            {
                Thread.Sleep(DrainInterval);
            }
        }
    }

    private void WatchBacklog()
    {
        while (!_stopping)
        {
            _priority.Update(_fill!.Fraction);
            Thread.Sleep(DrainInterval);
        }
    }

    private void PostCounters() => _sink!.Post(new SourceCounters(BootClock.NowBootNs(),
        _programs.ReadStat(StatIndex.Emitted), _programs.ReadStat(StatIndex.Dropped), _programs.ReadStat(StatIndex.MapFull),
        _programs.ReadStat(StatIndex.Orphan), _decoder.Malformed));

    [UnmanagedCallersOnly]
    private static int OnRecord(void* ctx, void* data, nuint size)
    {
        var self = (EbpfSource)GCHandle.FromIntPtr((nint)ctx).Target!;
        var e = self._decoder.Decode(new ReadOnlySpan<byte>(data, (int)size));
        if (e is not null)
        {
            self._sink!.Post(e);
        }
        return 0;
    }

    public void Stop()
    {
        if (_thread is null || _stopping)
        {
            return;
        }
        _stopping = true;
        _thread.Join();
        _monitor?.Join();
        // Detach first, then drain what the programs wrote before detaching, then the final counters.
        _programs.Detach();
        Libbpf.RingBufferConsume(_ring!);
        PostCounters();
        _log.LogInformation("ring buffer peaked at {Peak:P0} full; consumer raised to nice {Urgent} {Raised} times (at {RaiseAt:P0} full); drain deferred a full second {Deferred} times (busy host)",
            _priority.PeakFill, BacklogPriority.UrgentNice, _priority.Raised, BacklogPriority.RaiseAt, Deferred);
    }

    public void Dispose()
    {
        Stop();
        _ring?.Dispose();
        _fill?.Dispose();
        _busy.Dispose();
        _programs.Dispose();
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }
}
