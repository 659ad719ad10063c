using Microsoft.Extensions.Logging;

namespace N3ttrace.Capture.Ebpf;

/// <summary>What this kernel offers, found by trying: each BPF check loads (and attaches) the real programs.</summary>
public static class KernelProbe
{
    /// <summary>Where BTF is looked for; N3TTRACE_BTF_PATH overrides it (tests use it to force the fallback).</summary>
    public static string BtfPath => Environment.GetEnvironmentVariable("N3TTRACE_BTF_PATH") is { Length: > 0 } p ? p : "/sys/kernel/btf/vmlinux";

    public sealed record Report(IReadOnlyList<(string Name, bool Ok, string Detail)> Checks, string Mode);

    /// <summary>Throws <see cref="BpfLoadException"/> when the kernel has no BTF: CO-RE programs cannot be relocated.</summary>
    public static void RequireBtf()
    {
        if (!File.Exists(BtfPath))
        {
            throw new BpfLoadException($"kernel BTF not found at {BtfPath} (CONFIG_DEBUG_INFO_BTF off?): CO-RE programs cannot load");
        }
    }

    public static Report Run(ILogger log)
    {
        var checks = new List<(string, bool, string)>();
        var btf = File.Exists(BtfPath);
        checks.Add(("BTF", btf, BtfPath));
        var tracefs = Directory.Exists("/sys/kernel/tracing/events/sock") || Directory.Exists("/sys/kernel/debug/tracing/events/sock");
        checks.Add(("tracefs tracepoints", tracefs, tracefs ? "sock:inet_sock_set_state listed" : "tracefs not mounted (tp_btf and raw_tp do not need it)"));
        var tpBtf = TryLoad(AttachMode.TpBtf, log, btf);
        checks.Add(("tp_btf", tpBtf.Ok, tpBtf.Detail));
        var rawTp = TryLoad(AttachMode.RawTp, log, btf);
        checks.Add(("raw_tp", rawTp.Ok, rawTp.Detail));
        // Hook by hook, as run would attach them (the cgroup programs once: both sets load the same ones).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (hook, ok, detail) in tpBtf.Hooks.Concat(rawTp.Hooks))
        {
            if (seen.Add(hook))
            {
                checks.Add(($"hook {hook}", ok, detail));
            }
        }
        checks.Add(("ring buffer", tpBtf.Ok || rawTp.Ok, tpBtf.Ok || rawTp.Ok ? "BPF_MAP_TYPE_RINGBUF created" : "not tested: no program loaded"));
        // Listeners (CLOSE->LISTEN, in listen()'s task) and accepted connections (SYN_RECV->ESTABLISHED) come from the same hook.
        checks.Add(("listen + inbound TCP", tpBtf.Ok || rawTp.Ok, tpBtf.Ok || rawTp.Ok
            ? "inet_sock_set_state LISTEN and SYN_RECV->ESTABLISHED: accepted connections attributed to the listener's owner"
            : "needs tp_btf or raw_tp"));
        var exitRaw = TryLoad(AttachMode.SysExitRawProbe, log, btf);
        checks.Add(("raw_tp sys_exit", exitRaw.Ok, exitRaw.Detail + " (would show the task that accept()s; not used)"));
        var exitBtf = TryLoad(AttachMode.SysExitBtfProbe, log, btf);
        checks.Add(("tp_btf sys_exit", exitBtf.Ok, exitBtf.Detail + " (not used)"));
        var fentry = TryLoad(AttachMode.FentryProbe, log, btf);
        checks.Add(("fentry", fentry.Ok, fentry.Detail + " (optional, not used)"));
        var kprobe = Directory.Exists("/sys/bus/event_source/devices/kprobe");
        checks.Add(("kprobe", kprobe, (kprobe ? "kprobe PMU present" : "no kprobe PMU (CONFIG_KPROBES off?)") + " (optional, not used)"));
        var mode = tpBtf.Ok ? "ebpf (tp_btf tracepoints)"
            : rawTp.Ok ? "ebpf (raw_tp tracepoints)"
            : "proc fallback: eBPF cannot load here";
        return new Report(checks, mode);
    }

    private static (bool Ok, string Detail, IReadOnlyList<(string Hook, bool Attached, string Detail)> Hooks) TryLoad(AttachMode mode, ILogger log, bool btf)
    {
        if (!btf)
        {
            return (false, "needs BTF", []);
        }
        try
        {
            using var p = KernelPrograms.Load(mode, log);
            return (true, "loaded and attached", p.Hooks.ToArray());
        }
        catch (BpfLoadException e)
        {
            return (false, e.Message.Split('\n')[0], []);
        }
        catch (DllNotFoundException e)
        {
            return (false, $"libbpf not found: {e.Message}", []);
        }
    }
}
