using System.Globalization;
using System.Text;
using N3ttrace.Text;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Attacker-controlled text made fit for a table cell: escaped by <see cref="TextEscaper"/>, then
/// every character whose width terminals disagree on (combining marks, zero-width and format
/// characters, unassigned and private-use code points, emoji) shown as \u{hex}, so each remaining
/// character is exactly 1 or 2 columns wide (East Asian wide and fullwidth) and columns stay aligned.
/// </summary>
public static class DisplayText
{
    /// <summary>Raw characters considered: a cell is never wider than this, so 100 KiB of junk costs nothing.</summary>
    public const int MaxRawChars = 2048;

    public const string CutMark = "~";

    public static string Safe(string raw)
    {
        if (raw.Length > MaxRawChars)
        {
            var n = MaxRawChars;
            if (char.IsHighSurrogate(raw[n - 1]))
            {
                n--;
            }
            raw = raw[..n];
        }
        var escaped = TextEscaper.Escape(raw);
        StringBuilder? sb = null;
        var i = 0;
        foreach (var r in escaped.EnumerateRunes())
        {
            if (RuneWidth(r) < 0)
            {
                sb ??= new StringBuilder(escaped.Length + 16).Append(escaped, 0, i);
                sb.Append(@"\u{").Append(r.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}');
            }
            else
            {
                sb?.Append(r.ToString());
            }
            i += r.Utf16SequenceLength;
        }
        return sb?.ToString() ?? escaped;
    }

    /// <summary>Columns taken by display-safe text.</summary>
    public static int Width(string safe)
    {
        var w = 0;
        foreach (var r in safe.EnumerateRunes())
        {
            w += Math.Max(0, RuneWidth(r));
        }
        return w;
    }

    /// <summary>Cuts display-safe text to at most <paramref name="width"/> columns, marking a cut with <see cref="CutMark"/>.</summary>
    public static string Cut(string safe, int width)
    {
        if (width <= 0)
        {
            return "";
        }
        if (Width(safe) <= width)
        {
            return safe;
        }
        var limit = width - CutMark.Length;
        var used = 0;
        var end = 0;
        foreach (var r in safe.EnumerateRunes())
        {
            var w = Math.Max(0, RuneWidth(r));
            if (used + w > limit)
            {
                break;
            }
            used += w;
            end += r.Utf16SequenceLength;
        }
        return string.Concat(safe.AsSpan(0, end), CutMark);
    }

    /// <summary>Cuts and pads to exactly <paramref name="width"/> columns.</summary>
    public static string Fit(string safe, int width, bool right = false)
    {
        var cut = Cut(safe, width);
        var pad = new string(' ', Math.Max(0, width - Width(cut)));
        return right ? pad + cut : cut + pad;
    }

    /// <summary>1 or 2 columns, or -1 for a character whose width is not certain (it gets escaped).</summary>
    public static int RuneWidth(Rune r)
    {
        var v = r.Value;
        if (v is >= 0x20 and < 0x7F)
        {
            return 1;
        }
        if (v < 0x20 || v is >= 0x7F and < 0xA0)
        {
            return -1; // TextEscaper removed these already; never trust them
        }
        switch (Rune.GetUnicodeCategory(r))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.Control:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return -1;
        }
        if (v is 0xAD or (>= 0x1160 and <= 0x11FF) or (>= 0x2600 and <= 0x27BF) or (>= 0x2B00 and <= 0x2BFF)
            or (>= 0x1F000 and <= 0x1FAFF) or 0x3000 or (>= 0xFFF0 and <= 0xFFFF))
        {
            return -1; // emoji and symbols: 1 or 2 columns depending on the terminal
        }
        return IsWide(v) ? 2 : 1;
    }

    private static bool IsWide(int v) =>
        v is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0x303E) or (>= 0x3041 and <= 0x33FF)
            or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA000 and <= 0xA4CF)
            or (>= 0xAC00 and <= 0xD7A3) or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE10 and <= 0xFE19)
            or (>= 0xFE30 and <= 0xFE6F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x20000 and <= 0x2FFFD) or (>= 0x30000 and <= 0x3FFFD);
}
