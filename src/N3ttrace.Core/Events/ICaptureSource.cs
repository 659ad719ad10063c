namespace N3ttrace.Events;

/// <summary>A producer of capture events: eBPF, or /proc polling. It sees only the sink it writes to, never the pipeline.</summary>
public interface ICaptureSource : IDisposable
{
    /// <summary>"ebpf" or "proc": the value of the source column.</summary>
    string Name { get; }

    /// <summary>How it captures, for the header and doctor ("eBPF tp_btf, ring buffer", "/proc polling every 1000 ms").</summary>
    string Description { get; }

    /// <summary>Starts writing events to <paramref name="sink"/>; returns once capture is live.</summary>
    void Start(IEventSink sink);

    /// <summary>Stops capturing and writes every event still pending.</summary>
    void Stop();
}
