namespace N3ttrace.Pipeline;

/// <summary>A producer of capture events: eBPF, or /proc polling.</summary>
public interface ICaptureSource : IDisposable
{
    /// <summary>"ebpf" or "proc": the value of the source column.</summary>
    string Name { get; }

    /// <summary>How it captures, for the header and doctor ("eBPF tp_btf, ring buffer", "/proc polling every 1000 ms").</summary>
    string Description { get; }

    /// <summary>Starts posting events to the pipeline; returns once capture is live.</summary>
    void Start(EventPipeline pipeline);

    /// <summary>Stops capturing and posts every event still pending.</summary>
    void Stop();
}
