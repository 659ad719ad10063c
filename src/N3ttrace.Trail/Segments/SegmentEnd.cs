using System.Text;

namespace N3ttrace.Trail.Segments;

/// <summary>The header and last row of a sealed segment, and the chain head stored on that row.</summary>
internal static class SegmentEnd
{
    public static SegmentCut.Previous Read(SegmentFile segment)
    {
        using var s = TrailStream.OpenPart(segment);
        var length = s.Length;
        var lastNl = s.LastNewline(length);
        var firstNl = FirstNewline(s);
        if (firstNl < 0 || lastNl <= firstNl)
        {
            throw new StateDirectoryException($"{segment.Path} holds no row: a sealed segment always ends on one; run 'n3ttrace verify'");
        }
        var prevNl = s.LastNewline(lastNl);
        var first = Line(s, 0, firstNl);
        var last = Line(s, prevNl + 1, lastNl);
        var head = last[(last.LastIndexOf('\t') + 1)..];
        if (head.Length != ChainHash.HexLength)
        {
            throw new StateDirectoryException($"{segment.Path} does not end on a stored chain head; run 'n3ttrace verify'");
        }
        return new SegmentCut.Previous(first, last, head);
    }

    private static long FirstNewline(TrailStream s)
    {
        var buf = new byte[64 * 1024];
        for (long off = 0; ; off += buf.Length)
        {
            var n = s.ReadAt(buf, off);
            if (n <= 0)
            {
                return -1;
            }
            var i = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (i >= 0)
            {
                return off + i;
            }
        }
    }

    private static string Line(TrailStream s, long from, long to)
    {
        var b = new byte[to - from];
        s.ReadAt(b, from);
        return Encoding.UTF8.GetString(b);
    }
}
