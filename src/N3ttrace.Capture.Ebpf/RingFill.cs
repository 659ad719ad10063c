using System.Runtime.InteropServices;
using N3ttrace.Interop;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// How full the kernel ring buffer is: its consumer and producer positions, read from the two
/// pages the kernel exposes before the data (mapped read-only here; libbpf 1.1 has no call for it).
/// </summary>
internal sealed unsafe class RingFill : IDisposable
{
    private readonly nint _consumerPage;
    private readonly nint _producerPage;
    private readonly nuint _page;

    public long Size { get; }

    public RingFill(int mapFd, long size)
    {
        Size = size;
        _page = (nuint)Environment.SystemPageSize;
        _consumerPage = LibC.Mmap(0, _page, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, 0);
        _producerPage = LibC.Mmap(0, _page, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, (nint)_page);
        if (_consumerPage == -1 || _producerPage == -1)
        {
            var err = Marshal.GetLastPInvokeErrorMessage();
            Dispose();
            throw new BpfLoadException($"cannot map the ring buffer positions: {err}");
        }
    }

    /// <summary>Bytes the kernel has written since the ring was made (a running position).</summary>
    public long Produced => (long)Volatile.Read(ref *(ulong*)_producerPage);

    /// <summary>Bytes written by the kernel and not yet consumed.</summary>
    public long Backlog => (long)(Volatile.Read(ref *(ulong*)_producerPage) - Volatile.Read(ref *(ulong*)_consumerPage));

    public double Fraction => (double)Backlog / Size;

    public void Dispose()
    {
        if (_consumerPage is not 0 and not -1)
        {
            LibC.Munmap(_consumerPage, _page);
        }
        if (_producerPage is not 0 and not -1)
        {
            LibC.Munmap(_producerPage, _page);
        }
    }
}
