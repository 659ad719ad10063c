using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf;
using N3ttrace.Capture.Proc;
using N3ttrace.Events;

namespace N3ttrace.Cli.Commands;

/// <summary>The capture source `run` uses and the line the live header shows about it.</summary>
internal sealed record CaptureSelection(ICaptureSource Source, string ModeNote)
{
    public const double DefaultIntervalSeconds = 1.0;

    /// <summary>
    /// eBPF unless --fallback-proc; when eBPF cannot load (no BTF, BPF denied, attach failure,
    /// no libbpf) falls back to /proc polling and says so on stderr and in the header. Never silent.
    /// </summary>
    public static CaptureSelection Choose(bool fallbackProc, double intervalSeconds, ILogger log)
    {
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        if (fallbackProc)
        {
            var chosen = new ProcSource(interval, log);
            return new CaptureSelection(chosen, $"PROC FALLBACK (--fallback-proc): {chosen.Description}");
        }
        string cause;
        try
        {
            var ebpf = EbpfSource.Load(log);
            return new CaptureSelection(ebpf, ebpf.Description);
        }
        catch (BpfLoadException e)
        {
            cause = e.Message.Split('\n')[0];
        }
        catch (DllNotFoundException e)
        {
            cause = $"libbpf not found: {e.Message}";
        }
        var proc = new ProcSource(interval, log);
        Console.Error.WriteLine($"n3ttrace: WARNING: eBPF capture cannot start: {cause}");
        Console.Error.WriteLine($"n3ttrace: WARNING: falling back to {proc.Description}.");
        return new CaptureSelection(proc, $"PROC FALLBACK (eBPF unavailable: {cause}): {proc.Description}");
    }
}
