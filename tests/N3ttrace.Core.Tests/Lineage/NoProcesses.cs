using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Lineage;

/// <summary>
/// A host with no process to read: what <c>ProcessReader</c> gives on an empty proc root. For tests whose tables
/// never need /proc (every process is seen through events, or a connection has no owner); the /proc reader's own
/// tests are in Capture.Proc.Tests.
/// </summary>
internal sealed class NoProcesses : IProcessReader
{
    public ProcessContext? TryRead(int pid, ulong? startTicks, out ProcStat stat)
    {
        stat = default;
        return null;
    }

    public bool TryReadStat(int pid, out ProcStat stat)
    {
        stat = default;
        return false;
    }

    public int ReadStdioSockets(int pid) => 0;

    public IEnumerable<int> EnumeratePids() => [];
}
