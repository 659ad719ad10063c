using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Proc.Native;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;

namespace N3ttrace.Capture.Proc;

/// <summary>For `doctor`: one real first poll cycle, to say what the /proc fallback would see here and what it costs.</summary>
public static class FallbackProbe
{
    public sealed record Result(string SocketTable, int Processes, int Sockets, int Outbound, int Attributed, double CpuMs);

    public static Result Run(ILogger log, string procRoot = "/proc")
    {
        var cpu0 = ThreadCpuClock.NowNs();
        using var table = SockDiagTable.TryOpen(log) as ISocketTable ?? new ProcNetTcpTable(procRoot);
        var reader = new ProcessReader(procRoot);
        var processes = new ProcessPoller(reader);
        var sockets = new SocketPoller(table, new SocketOwners(procRoot), processes, reader, 1000, ownerAttempts: 1);
        int outbound = 0, attributed = 0;
        void Count(CaptureEvent e)
        {
            if (e is ConnectionOpened o)
            {
                outbound++;
                attributed += o.Owner is null ? 0 : 1;
            }
        }
        processes.Poll(0, Count, initial: true);
        sockets.Poll(0, Count, initial: true);
        return new Result(table.Name, processes.Live.Count, sockets.LastRowCount, outbound, attributed, (ThreadCpuClock.NowNs() - cpu0) / 1e6);
    }
}
