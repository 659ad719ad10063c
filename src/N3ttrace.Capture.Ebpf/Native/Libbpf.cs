using System.Runtime.InteropServices;

namespace N3ttrace.Capture.Ebpf.Native;

/// <summary>libbpf 1.x (Debian package libbpf1). Pointers to libbpf objects stay opaque.</summary>
internal static unsafe partial class Libbpf
{
    private const string Lib = "libbpf.so.1";

    [LibraryImport(Lib, EntryPoint = "bpf_object__open_mem", SetLastError = true)]
    public static partial SafeBpfObjectHandle ObjectOpenMem(byte* buffer, nuint size, nint opts);

    [LibraryImport(Lib, EntryPoint = "bpf_object__load")]
    public static partial int ObjectLoad(SafeBpfObjectHandle obj);

    [LibraryImport(Lib, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(nint obj);

    [LibraryImport(Lib, EntryPoint = "bpf_object__next_program")]
    public static partial nint ObjectNextProgram(SafeBpfObjectHandle obj, nint prev);

    [LibraryImport(Lib, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindMapByName(SafeBpfObjectHandle obj, string name);

    [LibraryImport(Lib, EntryPoint = "bpf_program__name")]
    public static partial byte* ProgramName(nint prog);

    [LibraryImport(Lib, EntryPoint = "bpf_program__section_name")]
    public static partial byte* ProgramSectionName(nint prog);

    [LibraryImport(Lib, EntryPoint = "bpf_program__set_autoload")]
    public static partial int ProgramSetAutoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Lib, EntryPoint = "bpf_program__attach", SetLastError = true)]
    public static partial SafeBpfLinkHandle ProgramAttach(nint prog);

    /// <summary>Attaches a cgroup program (cgroup/sendmsg4, ...) to the cgroup open at cgroupFd, as a bpf_link.</summary>
    [LibraryImport(Lib, EntryPoint = "bpf_program__attach_cgroup", SetLastError = true)]
    public static partial SafeBpfLinkHandle ProgramAttachCgroup(nint prog, int cgroupFd);

    [LibraryImport(Lib, EntryPoint = "bpf_link__destroy")]
    public static partial int LinkDestroy(nint link);

    [LibraryImport(Lib, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(nint map);

    [LibraryImport(Lib, EntryPoint = "bpf_map__max_entries")]
    public static partial uint MapMaxEntries(nint map);

    [LibraryImport(Lib, EntryPoint = "bpf_map__set_max_entries")]
    public static partial int MapSetMaxEntries(nint map, uint maxEntries);

    [LibraryImport(Lib, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    public static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Lib, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    public static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    /// <summary>Pins the map at a bpffs path; 0 or a negative errno.</summary>
    [LibraryImport(Lib, EntryPoint = "bpf_map__pin", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MapPin(nint map, string path);

    /// <summary>Pins the link at a bpffs path: the program stays attached after every descriptor is closed.</summary>
    [LibraryImport(Lib, EntryPoint = "bpf_link__pin", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkPin(SafeBpfLinkHandle link, string path);

    /// <summary>A new descriptor for a pinned object; -1 (errno set) on failure.</summary>
    [LibraryImport(Lib, EntryPoint = "bpf_obj_get", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ObjGet(string path);

    /// <summary>struct bpf_map_info (or bpf_link_info) of a descriptor; len in: buffer size, out: bytes filled.</summary>
    [LibraryImport(Lib, EntryPoint = "bpf_obj_get_info_by_fd", SetLastError = true)]
    public static partial int ObjGetInfoByFd(int fd, void* info, uint* len);

    [LibraryImport(Lib, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();

    /// <summary>libbpf_print_fn_t: (level, format, va_list). On x86-64 and arm64 a va_list argument is passed as a pointer.</summary>
    [LibraryImport(Lib, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> fn);

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buf, nuint size, byte* format, nint args);
}
