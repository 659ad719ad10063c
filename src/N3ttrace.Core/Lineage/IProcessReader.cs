namespace N3ttrace.Lineage;

/// <summary>
/// Where the process table reads a process it has not seen an event for (processes that predate
/// the tracer, or whose fork/exec was lost). Core does no I/O itself: the /proc implementation
/// is N3ttrace.Capture.Proc.ProcFs.ProcessReader.
/// </summary>
public interface IProcessReader
{
    /// <summary>The context of pid, or null when it is gone or is not the process with startTicks.</summary>
    ProcessContext? TryRead(int pid, ulong? startTicks, out ProcStat stat);

    /// <summary>Only the stat line of pid (parent, session, start time).</summary>
    bool TryReadStat(int pid, out ProcStat stat);

    /// <summary>Which of a live process's stdin, stdout, stderr are sockets (bit 0, 1, 2).</summary>
    int ReadStdioSockets(int pid);

    /// <summary>How many accepted (inbound) TCP connections pid holds now (a relay holds one beside its outbound).</summary>
    int CountInboundSockets(int pid) => 0;

    /// <summary>Every process id alive now.</summary>
    IEnumerable<int> EnumeratePids();
}
