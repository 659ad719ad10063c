using System.Globalization;

namespace N3ttrace.Time;

/// <summary>The record format for instants: ISO-8601 UTC with microseconds.</summary>
public static class Timestamp
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Same text as <see cref="Format"/> (microseconds truncated), written digit by digit: it runs for every record.</summary>
    public static string ToRecord(DateTime utc) => string.Create(27, utc.ToUniversalTime(), static (d, t) =>
    {
        Digits(d[0..4], t.Year);
        d[4] = '-';
        Digits(d[5..7], t.Month);
        d[7] = '-';
        Digits(d[8..10], t.Day);
        d[10] = 'T';
        Digits(d[11..13], t.Hour);
        d[13] = ':';
        Digits(d[14..16], t.Minute);
        d[16] = ':';
        Digits(d[17..19], t.Second);
        d[19] = '.';
        Digits(d[20..26], (int)(t.Ticks % TimeSpan.TicksPerSecond / 10));
        d[26] = 'Z';
    });

    /// <summary>A duration in nanoseconds as seconds with 6 decimals ("12.345678"), rounded to the nearest microsecond.</summary>
    public static string Seconds(long ns)
    {
        var negative = ns < 0;
        var us = ((negative ? (ulong)(-(ns + 1)) + 1 : (ulong)ns) + 500) / 1000;
        var whole = us / 1_000_000;
        Span<char> buf = stackalloc char[32];
        var n = 0;
        if (negative && us != 0)
        {
            buf[n++] = '-';
        }
        whole.TryFormat(buf[n..], out var w, default, CultureInfo.InvariantCulture);
        n += w;
        buf[n++] = '.';
        Digits(buf.Slice(n, 6), (int)(us % 1_000_000));
        return new string(buf[..(n + 6)]);
    }

    private static void Digits(Span<char> dest, int value)
    {
        for (var i = dest.Length - 1; i >= 0; i--)
        {
            dest[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    public static DateTime ParseRecord(string s) =>
        DateTime.ParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
