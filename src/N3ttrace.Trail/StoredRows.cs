using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// The rows of a trail file as stored (split, still escaped, no join), complete lines only, from the header on or
/// from a given offset: what <see cref="TimelineMerge"/> reads the birth records with. Rows whose field count
/// differs from the header's are skipped.
/// </summary>
public sealed class StoredRows : IDisposable
{
    private readonly TrailStream _stream;
    private readonly long _complete;
    private readonly long _dataStart;

    public IReadOnlyDictionary<string, int> Header { get; }

    public StoredRows(TrailStream stream)
    {
        _stream = stream;
        _complete = stream.LastNewline(stream.Length) + 1;
        var first = new byte[64 * 1024];
        var n = stream.ReadAt(first, 0);
        var nl = Array.IndexOf(first, (byte)'\n', 0, n);
        Header = TsvRow.Header(nl < 0 ? "" : Encoding.UTF8.GetString(first, 0, nl));
        _dataStart = nl + 1;
    }

    /// <summary>The rows from <paramref name="offset"/> (the start of a line; the first data row by default).</summary>
    public IEnumerable<string[]> Rows(long offset = -1)
    {
        if (Header.Count == 0)
        {
            yield break;
        }
        var from = offset < 0 ? _dataStart : offset;
        _stream.Position = Math.Min(from, _complete);
        using var bounded = new BoundedReadStream(_stream, Math.Max(0, _complete - from), null);
        using var reader = new StreamReader(bounded, new UTF8Encoding(false), false, 1 << 16);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var f = TsvRow.Split(line);
            if (f.Length == Header.Count)
            {
                yield return f;
            }
        }
    }

    /// <summary>The stream (for a binary search by time before reading from an offset).</summary>
    public TrailStream Stream => _stream;

    public long DataStart => _dataStart;

    public void Dispose() => _stream.Dispose();
}
