using System.Text;

namespace N3ttrace.Lineage;

/// <summary>Turns a NUL-separated argv block into text without losing invalid bytes.</summary>
public static class ArgvText
{
    public static string Join(ReadOnlySpan<byte> argv)
    {
        var end = argv.Length;
        while (end > 0 && argv[end - 1] == 0)
        {
            end--;
        }
        var buf = argv[..end].ToArray();
        for (var i = 0; i < buf.Length; i++)
        {
            if (buf[i] == 0)
            {
                buf[i] = (byte)' ';
            }
        }
        return Decode(buf);
    }

    public static string First(ReadOnlySpan<byte> argv) => Nth(argv, 0);

    public static string Nth(ReadOnlySpan<byte> argv, int n)
    {
        for (; n > 0; n--)
        {
            var skip = argv.IndexOf((byte)0);
            if (skip < 0)
            {
                return "";
            }
            argv = argv[(skip + 1)..];
        }
        var nul = argv.IndexOf((byte)0);
        return Decode(nul < 0 ? argv : argv[..nul]);
    }

    /// <summary>Decodes UTF-8, mapping each invalid byte to U+DC80+byte (as Python's surrogateescape) so nothing is lost.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes, CharBuffer, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
            sb.Append(CharBuffer, 0, written);
            bytes = bytes[read..];
            if (status == System.Buffers.OperationStatus.InvalidData || (status == System.Buffers.OperationStatus.NeedMoreData && !bytes.IsEmpty))
            {
                sb.Append((char)(0xDC00 + bytes[0])); // only bytes >= 0x80 can be invalid
                bytes = bytes[1..];
            }
        }
        return sb.ToString();
    }

    [ThreadStatic] private static char[]? t_chars;
    private static char[] CharBuffer => t_chars ??= new char[4096];
}
