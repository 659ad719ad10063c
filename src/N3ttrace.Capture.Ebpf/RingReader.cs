using System.Runtime.InteropServices;
using N3ttrace.Interop;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Reads the kernel ring buffer straight from its mapping, and frees what it read only when told to
/// (<see cref="Commit"/>): after the records' rows are written. libbpf's consumer frees each record as soon as its
/// callback returns, so a consumer killed a moment later takes records the trail never got with it; here they stay
/// in the ring for the next consumer of the pinned map.
/// Layout (kernel/bpf/ringbuf.c): page 0 holds consumer_pos (writable by user space), page 1 producer_pos, then
/// the data pages, mapped twice in a row so a record that wraps is contiguous. A record is an 8-byte header
/// {u32 len (bit 31 busy, bit 30 discarded), u32 pad} and its data, rounded up to 8 bytes.
/// </summary>
internal sealed unsafe class RingReader : IDisposable
{
    private const uint Busy = 1u << 31;
    private const uint Discard = 1u << 30;
    private const int HeaderSize = 8;

    private readonly nint _consumerPage;
    private readonly nint _producerPage;
    private readonly nuint _page;
    private readonly nuint _producerLength;
    private readonly byte* _data;
    private readonly ulong _mask;
    private readonly Lock _gate = new();
    private long _cursor;
    private bool _disposed;

    public RingReader(int mapFd, long size)
    {
        if (size <= 0 || (size & (size - 1)) != 0)
        {
            throw new BpfLoadException($"the ring buffer size {size} is not a power of two");
        }
        _page = (nuint)Environment.SystemPageSize;
        _producerLength = _page + 2 * (nuint)size;
        _mask = (ulong)size - 1;
        _consumerPage = LibC.Mmap(0, _page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, mapFd, 0);
        _producerPage = LibC.Mmap(0, _producerLength, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, (nint)_page);
        if (_consumerPage == -1 || _producerPage == -1)
        {
            var err = Marshal.GetLastPInvokeErrorMessage();
            Dispose();
            throw new BpfLoadException($"cannot map the ring buffer: {err}");
        }
        _data = (byte*)_producerPage + _page;
        // A resumed ring starts where the last consumer's written rows ended.
        _cursor = (long)Volatile.Read(ref *(ulong*)_consumerPage);
    }

    /// <summary>Where the next record starts (read, not yet committed, up to here).</summary>
    public long Cursor => Volatile.Read(ref _cursor);

    /// <summary>The position freed for the kernel: everything before it was read and written out.</summary>
    public long Committed => (long)Volatile.Read(ref *(ulong*)_consumerPage);

    /// <summary>The next complete record after the cursor, if any; the span is valid until <see cref="Commit"/> passes it.</summary>
    public bool TryNext(out ReadOnlySpan<byte> record)
    {
        while (true)
        {
            var cursor = (ulong)_cursor;
            var produced = Volatile.Read(ref *(ulong*)_producerPage);
            if (cursor >= produced)
            {
                record = default;
                return false;
            }
            var header = (uint*)(_data + (cursor & _mask));
            var len = Volatile.Read(ref *header);
            if ((len & Busy) != 0)
            {
                record = default;
                return false; // reserved, not yet submitted: records after it wait for it
            }
            var size = len & ~(Busy | Discard);
            Volatile.Write(ref _cursor, (long)(cursor + ((size + HeaderSize + 7) & ~7u)));
            if ((len & Discard) == 0)
            {
                record = new ReadOnlySpan<byte>(_data + (cursor & _mask) + HeaderSize, (int)size);
                return true;
            }
        }
    }

    /// <summary>Frees the ring up to position (a past <see cref="Cursor"/>). Thread-safe; later positions only.</summary>
    public void Commit(long position)
    {
        lock (_gate)
        {
            if (_disposed || position <= Committed || position > Cursor)
            {
                return;
            }
            Volatile.Write(ref *(ulong*)_consumerPage, (ulong)position);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_consumerPage is not 0 and not -1)
            {
                LibC.Munmap(_consumerPage, _page);
            }
            if (_producerPage is not 0 and not -1)
            {
                LibC.Munmap(_producerPage, _producerLength);
            }
        }
    }
}
