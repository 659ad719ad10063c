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
    /// The kernel side is pinned (it outlives the run) unless detachKernel; pins that must not be used
    /// throw <see cref="PinMismatchException"/>: no fallback could be right then.
    /// </summary>
    public static CaptureSelection Choose(bool fallbackProc, double intervalSeconds, ILogger log, bool detachKernel = true, UdpIdleTimeouts? udpIdle = null)
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
            EbpfSource ebpf;
            try
            {
                ebpf = EbpfSource.Load(log, persistent: !detachKernel, KernelPins.ConfiguredRoot(), udpIdle);
            }
            catch (Exception e) when (!detachKernel && e is BpfLoadException or IOException or UnauthorizedAccessException)
            {
                // Capture unpinned beats no eBPF: only a restart's backlog is at stake.
                Console.Error.WriteLine($"n3ttrace: WARNING: the kernel side cannot be pinned ({e.Message.Split('\n')[0]}); capturing without pins: a restart loses what the ring holds");
                ebpf = EbpfSource.Load(log, udpIdle);
            }
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
