using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Capture.Proc.ProcFs;

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
    /// <summary>Only the raw_tp sys_exit probe (doctor: could the accepting task be seen).</summary>
    SysExitRawProbe,
    /// <summary>Only the tp_btf sys_exit probe (doctor).</summary>
    SysExitBtfProbe,
}

/// <summary>
/// The embedded BPF object, loaded and attached; or the maps of a kernel side pinned by an earlier run
/// (<see cref="FromPins"/>), whose pinned links keep its programs attached. Disposing detaches what is not pinned.
/// </summary>
internal sealed unsafe class KernelPrograms : IDisposable
{
    private readonly SafeBpfObjectHandle? _obj;
    private readonly List<SafeBpfLinkHandle> _links = [];
    private readonly List<(string Program, SafeBpfLinkHandle Link)> _named = [];
    private readonly List<SafeFileHandle> _pinnedFds = [];

    public AttachMode Mode { get; }
    public int EventsMapFd { get; }
    public long EventsMapSize { get; }
    public int StatsMapFd { get; }
    public int CtlMapFd { get; }
    public int UdpFlowsMapFd { get; }
    /// <summary>This instance took over a kernel side pinned by an earlier run.</summary>
    public bool Resumed => _obj is null;

    private KernelPrograms(SafeBpfObjectHandle obj, AttachMode mode)
    {
        _obj = obj;
        Mode = mode;
        var events = FindMap(obj, EventsMap);
        EventsMapFd = MapFd(events, EventsMap);
        EventsMapSize = Libbpf.MapMaxEntries(events);
        StatsMapFd = MapFd(FindMap(obj, StatsMap), StatsMap);
        CtlMapFd = MapFd(FindMap(obj, CtlMap), CtlMap);
        UdpFlowsMapFd = MapFd(FindMap(obj, UdpFlowsMap), UdpFlowsMap);
    }

    private KernelPrograms(AttachMode mode, SafeFileHandle events, long eventsSize, SafeFileHandle stats, SafeFileHandle ctl, SafeFileHandle udpFlows)
    {
        Mode = mode;
        _pinnedFds.AddRange([events, stats, ctl, udpFlows]);
        UdpFlowsMapFd = (int)udpFlows.DangerousGetHandle();
        EventsMapFd = (int)events.DangerousGetHandle();
        EventsMapSize = eventsSize;
        StatsMapFd = (int)stats.DangerousGetHandle();
        CtlMapFd = (int)ctl.DangerousGetHandle();
    }

    // The maps of bpf/n3ttrace.bpf.c that user space touches, looked up by name once, at load.
    internal const string EventsMap = "n3t_events";
    internal const string StatsMap = "n3t_stats";
    internal const string CtlMap = "n3t_ctl";
    private const string ExecScratchMap = "n3t_exec_scratch";
    internal const string ListenMap = "n3t_listen";
    /// <summary>Every map, pinned so the state the programs share (sockets in flight) is visible and outlives a run.</summary>
    internal static readonly string[] PinnedMaps = [EventsMap, StatsMap, CtlMap, "n3t_conns", "n3t_seen", ExecScratchMap, ListenMap, UdpFlowsMap, "n3t_udp_socks", "n3t_udp_seq"];
    /// <summary>Unconnected UDP flows by (socket cookie, destination): user space reads when each last sent (idle timeout).</summary>
    internal const string UdpFlowsMap = "n3t_udp_flows";
    /// <summary>Pinned links are named after their program: link_n3t_sock_state_btf (bpffs allows no dot in a name).</summary>
    internal const string LinkPrefix = "link_";

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

    /// <summary>SHA-256 of the embedded object: any change of a program or an event layout changes it.</summary>
    public static string ObjectSha256() => Convert.ToHexStringLower(SHA256.HashData(ReadEmbeddedObject()));

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

    public static KernelPrograms Load(AttachMode mode, ILogger log) => Load(mode, log, cgroup: true);

    /// <param name="cgroup">Whether to load the cgroup programs (unconnected UDP); loading them needs CAP_NET_ADMIN.</param>
    private static KernelPrograms Load(AttachMode mode, ILogger log, bool cgroup)
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
            AttachMode.SysExitRawProbe => "_sysexit_rawprobe",
            AttachMode.SysExitBtfProbe => "_sysexit_btfprobe",
            _ => "_fentry",
        };
        var programs = new List<(nint Prog, string Name)>();
        var capture = mode is AttachMode.TpBtf or AttachMode.RawTp;
        for (var prog = Libbpf.ObjectNextProgram(obj, 0); prog != 0; prog = Libbpf.ObjectNextProgram(obj, prog))
        {
            var name = Marshal.PtrToStringUTF8((nint)Libbpf.ProgramName(prog))!;
            // Cgroup programs (UDP flows) have one variant, loaded with either tracepoint set.
            var wanted = name.EndsWith(suffix, StringComparison.Ordinal) || (capture && cgroup && IsCgroupProgram(name));
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
        if (err == -1 && capture && cgroup)
        {
            // EPERM: cgroup programs need CAP_NET_ADMIN, which a unit may withhold. TCP capture goes on without
            // unconnected UDP, said at start, rather than falling back to /proc.
            obj.Dispose();
            var without = Load(mode, log, cgroup: false);
            without.UdpUnavailable = $"loading the cgroup programs failed: {Marshal.GetPInvokeErrorMessage(-err)}";
            without._hooks.Add(("cgroup/*", false, without.UdpUnavailable));
            log.LogWarning("unconnected UDP flows are not captured: {Reason} (grant CAP_NET_ADMIN to capture them)", without.UdpUnavailable);
            return without;
        }
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
        // Before the first attach: the tracer's own connects are never traced, not even its first ones.
        loaded.WriteSelf();
        loaded.WriteCtl(CtlSlot.LoadedNs, (ulong)Time.BootClock.NowBootNs());
        using var cgroupRoot = capture ? OpenCgroupRoot(loaded) : null;
        foreach (var (prog, name) in programs)
        {
            var link = IsCgroupProgram(name) ? Libbpf.ProgramAttachCgroup(prog, (int)cgroupRoot!.DangerousGetHandle()) : Libbpf.ProgramAttach(prog);
            var section = Marshal.PtrToStringUTF8((nint)Libbpf.ProgramSectionName(prog)) ?? name;
            loaded._hooks.Add((section, !link.IsInvalid, link.IsInvalid ? Marshal.GetLastPInvokeErrorMessage() : $"{name} attached"));
            if (link.IsInvalid && IsCgroupProgram(name))
            {
                // Attaching to a cgroup needs CAP_NET_ADMIN, which a unit may withhold: TCP capture goes on without
                // unconnected UDP, and that is said at start and by doctor rather than falling back to /proc.
                loaded.UdpUnavailable ??= $"attaching {name} to the cgroup v2 root failed: {Marshal.GetLastPInvokeErrorMessage()}";
                link.Dispose();
                continue;
            }
            if (link.IsInvalid)
            {
                var msg = Marshal.GetLastPInvokeErrorMessage();
                loaded.Dispose();
                throw new BpfLoadException($"attaching {name} failed: {msg}");
            }
            loaded._links.Add(link);
            loaded._named.Add((name, link));
        }
        if (loaded.UdpUnavailable is not null)
        {
            log.LogWarning("unconnected UDP flows are not captured: {Reason} (grant CAP_NET_ADMIN to capture them)", loaded.UdpUnavailable);
        }
        return loaded;
    }

    /// <summary>Each hook (its section: tp_btf/..., raw_tp/..., cgroup/...) as the load tried to attach it: what doctor shows.</summary>
    public IReadOnlyList<(string Hook, bool Attached, string Detail)> Hooks => _hooks;

    private readonly List<(string Hook, bool Attached, string Detail)> _hooks = [];

    /// <summary>Why unconnected UDP flows are not captured (a cgroup program did not attach), or null when they are.</summary>
    public string? UdpUnavailable { get; private set; }

    /// <summary>Programs attached to the cgroup v2 root rather than to a tracepoint: their name says so.</summary>
    internal const string CgroupPrefix = "n3t_cg_";

    internal static bool IsCgroupProgram(string name) => name.StartsWith(CgroupPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The cgroup v2 root (from the mount table, never assumed: /sys/fs/cgroup/unified on some hosts): programs attached
    /// there see every socket of every cgroup below it, containers included.
    /// </summary>
    private static SafeFileHandle OpenCgroupRoot(KernelPrograms loaded)
    {
        var root = CgroupPaths.FindUnifiedMount();
        var fd = root is null ? null : Interop.LibC.Open(root, Interop.LibC.O_DIRECTORY | Interop.LibC.O_CLOEXEC, 0);
        if (fd is null || fd.IsInvalid)
        {
            var why = root is null ? "no cgroup2 file system is mounted" : $"{root}: {Marshal.GetLastPInvokeErrorMessage()}";
            fd?.Dispose();
            loaded.Dispose();
            throw new BpfLoadException($"the UDP flow programs attach to the cgroup v2 root, which cannot be opened ({why})");
        }
        return fd;
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

    /// <summary>An unconnected UDP flow's entry (when it last sent, when a reply came); false when the LRU no longer holds it.</summary>
    public bool TryReadUdpFlow(in UdpFlowKey key, out UdpFlowValue value)
    {
        var k = key;
        UdpFlowValue v = default;
        var found = Libbpf.MapLookupElem(UdpFlowsMapFd, &k, &v) == 0;
        value = v;
        return found;
    }

    public ulong ReadCtl(CtlSlot slot)
    {
        var key = (uint)slot;
        ulong value = 0;
        return Libbpf.MapLookupElem(CtlMapFd, &key, &value) == 0 ? value : 0;
    }

    public void WriteCtl(CtlSlot slot, ulong value)
    {
        var key = (uint)slot;
        if (Libbpf.MapUpdateElem(CtlMapFd, &key, &value, 0) != 0)
        {
            throw new BpfLoadException($"writing {CtlMap}[{slot}] failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>For acknowledgements on the pipeline thread: a failed write is retried at the next mark, never thrown.</summary>
    public bool TryWriteCtl(CtlSlot slot, ulong value)
    {
        var key = (uint)slot;
        return Libbpf.MapUpdateElem(CtlMapFd, &key, &value, 0) == 0;
    }

    /// <summary>Tells the kernel side which process is its consumer, whose connects it must not trace.</summary>
    public void WriteSelf()
    {
        var self = Environment.ProcessId;
        // (tgid, start ticks): a process that later reuses this pid is traced again.
        var start = N3ttrace.Lineage.ProcStat.TryRead("/proc", self, out var st) ? st.StartTicks : 0;
        WriteCtl(CtlSlot.SelfStart, start);
        WriteCtl(CtlSlot.SelfTgid, (ulong)self);
    }

    /// <summary>Pins every map and link under dir (which must exist, on bpffs): the kernel side then outlives this process.</summary>
    public void PinTo(string dir)
    {
        var obj = _obj ?? throw new InvalidOperationException("a resumed kernel side is pinned already");
        foreach (var (program, link) in _named)
        {
            var err = Libbpf.LinkPin(link, Path.Combine(dir, LinkPrefix + program));
            if (err != 0)
            {
                throw new BpfLoadException($"pinning the link of {program} in {dir} failed: {Marshal.GetPInvokeErrorMessage(-err)}");
            }
        }
        foreach (var name in PinnedMaps)
        {
            var err = Libbpf.MapPin(FindMap(obj, name), Path.Combine(dir, name));
            if (err != 0)
            {
                throw new BpfLoadException($"pinning map {name} in {dir} failed: {Marshal.GetPInvokeErrorMessage(-err)}");
            }
        }
    }

    /// <summary>
    /// The maps of a kernel side pinned in dir by an earlier run, checked: its links must still be there (they keep
    /// the programs attached). The caller has checked the directory's owner, mode and version stamp.
    /// </summary>
    public static KernelPrograms FromPins(string dir)
    {
        var links = Directory.GetFiles(dir, LinkPrefix + "*").Select(Path.GetFileName).ToList();
        var tracepointLinks = links.Where(l => !IsCgroupProgram(l![LinkPrefix.Length..])).ToList();
        // The cgroup links carry no _btf/_raw suffix: the mode is that of the tracepoint links alone.
        var mode = tracepointLinks.Count > 0 && tracepointLinks.All(l => l!.EndsWith("_btf", StringComparison.Ordinal)) ? AttachMode.TpBtf
            : tracepointLinks.Count > 0 && tracepointLinks.All(l => l!.EndsWith("_raw", StringComparison.Ordinal)) ? AttachMode.RawTp
            : throw new BpfLoadException($"{dir} holds no consistent set of pinned links ({string.Join(", ", links)})");
        foreach (var l in links)
        {
            using var _ = Get(Path.Combine(dir, l!));
        }
        var events = Get(Path.Combine(dir, EventsMap));
        var stats = Get(Path.Combine(dir, StatsMap));
        var ctl = Get(Path.Combine(dir, CtlMap));
        var udpFlows = Get(Path.Combine(dir, UdpFlowsMap));
        var info = stackalloc byte[256];
        new Span<byte>(info, 256).Clear();
        var len = 256u;
        if (Libbpf.ObjGetInfoByFd((int)events.DangerousGetHandle(), info, &len) != 0)
        {
            var err = Marshal.GetLastPInvokeErrorMessage();
            events.Dispose();
            stats.Dispose();
            ctl.Dispose();
            udpFlows.Dispose();
            throw new BpfLoadException($"cannot read the pinned ring buffer's size: {err}");
        }
        // struct bpf_map_info: type, id, key_size, value_size, max_entries (u32 each).
        var size = *(uint*)(info + 16);
        return new KernelPrograms(mode, events, size, stats, ctl, udpFlows);
    }

    private static SafeFileHandle Get(string path)
    {
        var fd = Libbpf.ObjGet(path);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true)
            : throw new BpfLoadException($"cannot open pinned {path}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private static byte[] ReadEmbeddedObject()
    {
        using var s = typeof(KernelPrograms).Assembly.GetManifestResourceStream("n3ttrace.bpf.o")
            ?? throw new BpfLoadException("the BPF object is not embedded in this build");
        var bytes = new byte[s.Length];
        s.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Stops the programs (unless their links are pinned: closing a pinned link's descriptor leaves it attached); maps stay readable until Dispose.</summary>
    public void Detach()
    {
        foreach (var l in _links)
        {
            l.Dispose();
        }
        _links.Clear();
        _named.Clear();
    }

    public void Dispose()
    {
        Detach();
        _obj?.Dispose();
        foreach (var fd in _pinnedFds)
        {
            fd.Dispose();
        }
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
