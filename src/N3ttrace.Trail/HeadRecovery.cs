using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// Format 3 stores the chain head only on the last row of each write. A write cut short by a crash can leave
/// the file ending on a row whose head is derived, not stored: this derives it, from the last row that stores
/// one (or the genesis) through every row after it, reading only the end of the file (a write is at most a few MiB).
/// </summary>
internal static class HeadRecovery
{
    private const int FirstChunk = 4 << 20;

    /// <summary>The head of the last whole row of <paramref name="file"/>, or null when no row is found.
    /// <paramref name="initialHead"/>: the head the file's first row chains onto (the genesis, or the last segment's head).</summary>
    public static string? Recompute(FileStream file, string name, bool sealedFile, string initialHead)
    {
        var length = file.Length;
        for (long chunk = FirstChunk; ; chunk *= 2)
        {
            var from = Math.Max(0, length - chunk);
            var bytes = new byte[length - from];
            RandomAccess.Read(file.SafeFileHandle, bytes, from);
            var lines = Lines(bytes, skipFirst: true); // the first one is the header, or a partial line
            var start = -1;
            for (var i = lines.Count - 1; i >= 0; i--)
            {
                if (StoredHead(lines[i], sealedFile).Length == ChainHash.HexLength)
                {
                    start = i;
                    break;
                }
            }
            if (start < 0 && from > 0)
            {
                continue;
            }
            if (lines.Count == 0)
            {
                return null;
            }
            var head = start < 0 ? Encoding.ASCII.GetBytes(initialHead) : StoredHead(lines[start], sealedFile).ToArray();
            using var hash = new ChainHash(name);
            var computed = new byte[ChainHash.HexLength];
            for (var i = start + 1; i < lines.Count; i++)
            {
                var line = lines[i].Span;
                var text = line[..line.LastIndexOf((byte)'\t')];
                var hashed = new byte[text.Length + 1 + head.Length];
                text.CopyTo(hashed);
                hashed[text.Length] = (byte)'\t';
                head.CopyTo(hashed, text.Length + 1);
                hash.Compute(hashed, computed);
                head = (byte[])computed.Clone();
            }
            return Encoding.ASCII.GetString(head);
        }
    }

    private static ReadOnlySpan<byte> StoredHead(ReadOnlyMemory<byte> line, bool sealedFile)
    {
        var s = line.Span;
        if (sealedFile)
        {
            s = s[..Math.Max(0, s.LastIndexOf((byte)'\t'))];
        }
        return s[(s.LastIndexOf((byte)'\t') + 1)..];
    }

    private static List<ReadOnlyMemory<byte>> Lines(byte[] bytes, bool skipFirst)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        var at = 0;
        var first = true;
        while (at < bytes.Length)
        {
            var nl = Array.IndexOf(bytes, (byte)'\n', at);
            if (nl < 0)
            {
                break; // an incomplete last line is no row
            }
            if (!(first && skipFirst))
            {
                lines.Add(bytes.AsMemory(at, nl - at));
            }
            first = false;
            at = nl + 1;
        }
        return lines;
    }
}
