using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Capture.Proc;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Commands;

/// <summary>The part of `doctor` about /proc polling: what it would see here, and what it cannot.</summary>
internal static class FallbackDoctor
{
    public static void Print()
    {
        var ms = CaptureSelection.DefaultIntervalSeconds * 1000;
        var r = FallbackProbe.Run(NullLogger.Instance);
        Console.WriteLine();
        Console.WriteLine($"proc fallback (run --fallback-proc, or automatic when eBPF cannot load):");
        Console.WriteLine($"  sockets from           {r.SocketTable}");
        Console.WriteLine($"  one poll here          {r.Processes} processes, {r.Sockets} sockets, {r.Outbound} outbound ({r.Attributed} with their process), {r.CpuMs:0.0} ms CPU (first cycle; later cycles only look at what changed)");
        Console.WriteLine($"  resolution             {ms:0} ms by default (--interval): birth times are when a poll first saw the socket, resolution_ms says by how much");
        Console.WriteLine($"  can miss               connections that open and close between two polls (shorter than the interval); every connection living two intervals is recorded");
        Console.WriteLine($"  lineage                a process whose parent exited within one interval shows parent 'unknown' (eBPF sees the fork)");
        Console.WriteLine($"  not available          exact lifetimes, bytes sent/received, argv/env of processes that exit before a poll");
        if (!Privileges.IsRoot)
        {
            Console.WriteLine("  note: not root; other users' /proc/PID/fd are unreadable, so their sockets show no process.");
        }
    }
}
