namespace N3ttrace.Capture.Ebpf;

/// <summary>Whether other work keeps the host's CPUs busy (<see cref="HostBusy"/> on a real host; a trace in tests).</summary>
internal interface IHostLoad
{
    /// <summary>The last answer of <see cref="Sample"/>.</summary>
    bool Busy { get; }

    /// <summary>Re-measures when due; returns <see cref="Busy"/>.</summary>
    bool Sample();
}
