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

    [LibraryImport(Lib, EntryPoint = "bpf_program__set_autoload")]
    public static partial int ProgramSetAutoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Lib, EntryPoint = "bpf_program__attach", SetLastError = true)]
    public static partial SafeBpfLinkHandle ProgramAttach(nint prog);

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

    [LibraryImport(Lib, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();

    [LibraryImport(Lib, EntryPoint = "ring_buffer__new", SetLastError = true)]
    public static partial SafeRingBufferHandle RingBufferNew(int mapFd, delegate* unmanaged<void*, void*, nuint, int> sampleCb, void* ctx, nint opts);

    [LibraryImport(Lib, EntryPoint = "ring_buffer__consume")]
    public static partial int RingBufferConsume(SafeRingBufferHandle rb);

    [LibraryImport(Lib, EntryPoint = "ring_buffer__free")]
    public static partial void RingBufferFree(nint rb);

    /// <summary>libbpf_print_fn_t: (level, format, va_list). On x86-64 and arm64 a va_list argument is passed as a pointer.</summary>
    [LibraryImport(Lib, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> fn);

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buf, nuint size, byte* format, nint args);
}
