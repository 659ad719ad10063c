using System.Text;

namespace N3ttrace.Text;

/// <summary>
/// Reversible escaping of attacker-controlled text (argv, cwd, comm) for files and terminals.
/// Backslash, tab, newline and carriage return get C escapes; every other control character
/// (C0, DEL, C1), bidi override or isolate, and every byte that was invalid UTF-8 (carried as
/// U+DC80..U+DCFF, see <see cref="Lineage.ArgvText.Decode"/>) becomes \xHH of its UTF-8 bytes.
/// The result holds no byte a terminal or a TSV reader would interpret.
/// </summary>
public static class TextEscaper
{
    public static string Escape(string s)
    {
        // Hot path (every field of every record): printable ASCII without a backslash is
        // returned as is, found with vectorized scans; only the rest walks char by char.
        var span = s.AsSpan();
        var i = span.IndexOfAnyExceptInRange(' ', '~');
        var slash = (i < 0 ? span : span[..i]).IndexOf('\\');
        i = slash >= 0 ? slash : i < 0 ? s.Length : i;
        while (i < s.Length && !NeedsEscape(s[i]))
        {
            i++;
        }
        if (i == s.Length)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 16);
        sb.Append(s, 0, i);
        Span<byte> utf8 = stackalloc byte[4];
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (!NeedsEscape(c))
            {
                sb.Append(c);
                continue;
            }
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                default:
                    if (c is >= '\uDC80' and <= '\uDCFF')
                    {
                        AppendHex(sb, (byte)(c - 0xDC00));
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // A valid pair is printable text; a lone surrogate cannot be encoded.
                        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[i + 1]);
                            i++;
                        }
                        else
                        {
                            sb.Append(@"\u").Append(((int)c).ToString("x4"));
                        }
                    }
                    else
                    {
                        var n = Encoding.UTF8.GetBytes([c], utf8);
                        for (var k = 0; k < n; k++)
                        {
                            AppendHex(sb, utf8[k]);
                        }
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Inverse of <see cref="Escape"/>: returns the original bytes.</summary>
    public static byte[] Unescape(string s)
    {
        var bytes = new List<byte>(s.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length)
            {
                var e = s[++i];
                switch (e)
                {
                    case '\\': bytes.Add((byte)'\\'); continue;
                    case 't': bytes.Add((byte)'\t'); continue;
                    case 'n': bytes.Add((byte)'\n'); continue;
                    case 'r': bytes.Add((byte)'\r'); continue;
                    case 'x' when i + 2 < s.Length:
                        bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                        i += 2;
                        continue;
                    case 'u' when i + 4 < s.Length:
                        i += 4; // a lone surrogate: not representable as bytes
                        continue;
                    default:
                        throw new FormatException($"bad escape \\{e} at {i}");
                }
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length)
            {
                var n2 = Encoding.UTF8.GetBytes(s.AsSpan(i, 2), utf8);
                bytes.AddRange(utf8[..n2].ToArray());
                i++;
                continue;
            }
            var n = Encoding.UTF8.GetBytes([c], utf8);
            bytes.AddRange(utf8[..n].ToArray());
        }
        return [.. bytes];
    }

    private static bool NeedsEscape(char c) =>
        c < 0x20 || c == '\\' || (c >= 0x7F && c <= 0x9F) || char.IsSurrogate(c)
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200E' || c == '\u200F' || c == '\u061C' || c == '\uFEFF';

    private static void AppendHex(StringBuilder sb, byte b) => sb.Append(@"\x").Append(b.ToString("x2"));
}
