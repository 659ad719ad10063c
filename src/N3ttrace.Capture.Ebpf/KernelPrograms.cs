using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;

namespace N3ttrace.Capture.Ebpf;

/// <summary>Which program variant to load for every hook.</summary>
public enum AttachMode
{
    /// <summary>BTF-typed tracepoints: the default.</summary>
    TpBtf,
    /// <summary>Raw tracepoints: for kernels where tp_btf does not attach.</summary>
    RawTp,
    /// <summary>Only the fentry probe (doctor).</summary>
    FentryProbe,
}

/// <summary>The embedded BPF object, loaded and attached. Disposing detaches everything.</summary>
internal sealed unsafe class KernelPrograms : IDisposable
{
    private readonly SafeBpfObjectHandle _obj;
    private readonly List<SafeBpfLinkHandle> _links = [];

    public AttachMode Mode { get; }
    public int EventsMapFd { get; }
    public long EventsMapSize { get; }
    public int StatsMapFd { get; }

    private KernelPrograms(SafeBpfObjectHandle obj, AttachMode mode)
    {
        _obj = obj;
        Mode = mode;
        var events = FindMap(obj, EventsMap);
        EventsMapFd = MapFd(events, EventsMap);
        EventsMapSize = Libbpf.MapMaxEntries(events);
        StatsMapFd = MapFd(FindMap(obj, StatsMap), StatsMap);
    }

    // The maps of bpf/n3ttrace.bpf.c that user space touches, looked up by name once, at load.
    private const string EventsMap = "n3t_events";
    private const string StatsMap = "n3t_stats";
    private const string ExecScratchMap = "n3t_exec_scratch";

    /// <summary>A map of the object by name. A missing one means the object and this build disagree: fail at load, saying so.</summary>
    private static nint FindMap(SafeBpfObjectHandle obj, string name)
    {
        var map = Libbpf.ObjectFindMapByName(obj, name);
        return map != 0 ? map : throw new BpfLoadException($"the BPF object has no map '{name}': it was not built from this version's bpf/n3ttrace.bpf.c");
    }

    private static int MapFd(nint map, string name)
    {
        var fd = Libbpf.MapFd(map);
        return fd >= 0 ? fd : throw new BpfLoadException($"map '{name}' has no file descriptor after load: {Marshal.GetPInvokeErrorMessage(-fd)}");
    }

    /// <summary>Loads tp_btf programs, or raw_tp ones when tp_btf fails; throws with the cause when neither works.</summary>
    public static KernelPrograms LoadBest(ILogger log)
    {
        try
        {
            return Load(AttachMode.TpBtf, log);
        }
        catch (BpfLoadException e) when (File.Exists(KernelProbe.BtfPath))
        {
            log.LogWarning("tp_btf programs did not load ({Message}); trying raw tracepoints", e.Message);
            return Load(AttachMode.RawTp, log);
        }
    }

    public static KernelPrograms Load(AttachMode mode, ILogger log)
    {
        KernelProbe.RequireBtf();
        LibbpfLog.Install(log);
        var bytes = ReadEmbeddedObject();
        SafeBpfObjectHandle obj;
        fixed (byte* p = bytes)
        {
            obj = Libbpf.ObjectOpenMem(p, (nuint)bytes.Length, 0);
        }
        if (obj.IsInvalid)
        {
            throw new BpfLoadException($"bpf_object__open_mem failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        var suffix = mode switch
        {
            AttachMode.TpBtf => "_btf",
            AttachMode.RawTp => "_raw",
            _ => "_fentry",
        };
        var programs = new List<(nint Prog, string Name)>();
        for (var prog = Libbpf.ObjectNextProgram(obj, 0); prog != 0; prog = Libbpf.ObjectNextProgram(obj, prog))
        {
            var name = Marshal.PtrToStringUTF8((nint)Libbpf.ProgramName(prog))!;
            var wanted = name.EndsWith(suffix, StringComparison.Ordinal);
            Libbpf.ProgramSetAutoload(prog, wanted);
            if (wanted)
            {
                programs.Add((prog, name));
            }
        }
        int err;
        try
        {
            err = Libbpf.MapSetMaxEntries(FindMap(obj, ExecScratchMap), (uint)Math.Max(1, Libbpf.NumPossibleCpus()));
        }
        catch (BpfLoadException)
        {
            obj.Dispose();
            throw;
        }
        if (err != 0)
        {
            obj.Dispose();
            throw new BpfLoadException($"sizing map '{ExecScratchMap}' failed: {Marshal.GetPInvokeErrorMessage(-err)}");
        }
        err = Libbpf.ObjectLoad(obj);
        if (err != 0)
        {
            obj.Dispose();
            throw new BpfLoadException($"bpf_object__load ({mode}) failed: {Marshal.GetPInvokeErrorMessage(-err)}{LibbpfLog.LastError()}");
        }
        KernelPrograms loaded;
        try
        {
            loaded = new KernelPrograms(obj, mode);
        }
        catch (BpfLoadException)
        {
            obj.Dispose();
            throw;
        }
        foreach (var (prog, name) in programs)
        {
            var link = Libbpf.ProgramAttach(prog);
            if (link.IsInvalid)
            {
                var msg = Marshal.GetLastPInvokeErrorMessage();
                loaded.Dispose();
                throw new BpfLoadException($"attaching {name} failed: {msg}");
            }
            loaded._links.Add(link);
        }
        return loaded;
    }

    /// <summary>Sums a per-CPU counter of n3t_stats.</summary>
    public long ReadStat(StatIndex index)
    {
        var cpus = Math.Max(1, Libbpf.NumPossibleCpus());
        var values = stackalloc ulong[cpus];
        var key = (uint)index;
        if (Libbpf.MapLookupElem(StatsMapFd, &key, values) != 0)
        {
            return -1;
        }
        ulong sum = 0;
        for (var i = 0; i < cpus; i++)
        {
            sum += values[i];
        }
        return (long)sum;
    }

    internal SafeBpfObjectHandle Object => _obj;

    private static byte[] ReadEmbeddedObject()
    {
        using var s = typeof(KernelPrograms).Assembly.GetManifestResourceStream("n3ttrace.bpf.o")
            ?? throw new BpfLoadException("the BPF object is not embedded in this build");
        var bytes = new byte[s.Length];
        s.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Stops the programs; maps stay readable until Dispose.</summary>
    public void Detach()
    {
        foreach (var l in _links)
        {
            l.Dispose();
        }
        _links.Clear();
    }

    public void Dispose()
    {
        Detach();
        _obj.Dispose();
    }
}

public sealed class BpfLoadException(string message) : Exception(message);

/// <summary>Routes libbpf's messages to the logger; keeps the last warning to explain a failed load.</summary>
internal static unsafe class LibbpfLog
{
    private static ILogger? s_log;
    private static readonly StringBuilder s_last = new();
    private static bool s_installed;

    public static void Install(ILogger log)
    {
        s_log = log;
        lock (s_last)
        {
            s_last.Clear();
        }
        if (!s_installed)
        {
            Libbpf.SetPrint(&Print);
            s_installed = true;
        }
    }

    public static string LastError()
    {
        lock (s_last)
        {
            var s = s_last.ToString().Trim();
            // The verifier log can be huge: its last lines say why.
            var lines = s.Split('\n');
            return lines.Length == 0 || s.Length == 0 ? "" : "\n  " + string.Join("\n  ", lines.TakeLast(6));
        }
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, byte* format, nint args)
    {
        var buf = stackalloc byte[1024];
        var n = Libbpf.VsnPrintf(buf, 1024, format, args);
        var text = Encoding.UTF8.GetString(buf, Math.Clamp(n, 0, 1023)).TrimEnd();
        // level: 0 warn, 1 info, 2 debug
        if (level == 0)
        {
            lock (s_last)
            {
                s_last.AppendLine(text);
                if (s_last.Length > 64 * 1024)
                {
                    s_last.Remove(0, s_last.Length - 32 * 1024);
                }
            }
            s_log?.LogDebug("libbpf: {Text}", text);
        }
        return 0;
    }
}
