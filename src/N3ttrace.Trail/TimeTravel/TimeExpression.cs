using System.Globalization;
using System.Text.RegularExpressions;

namespace N3ttrace.Trail.TimeTravel;

/// <summary>
/// The one parser for the instants an operator types: ISO-8601 (with Z or an offset: that zone;
/// without: local time), "YYYY-mm-dd HH:MM[:SS]" local, relative ("-2h", "-90s", "30 minutes ago",
/// "1 day ago"), "yesterday 14:32", "today 09:00", "14:32" (today), "now". Returns UTC.
/// </summary>
public static partial class TimeExpression
{
    public const string Help =
        "TIME is ISO-8601 (2026-11-27T14:32:00Z), 'YYYY-mm-dd HH:MM[:SS]' in local time, relative ('-2h', '-30m', '30 minutes ago'), 'yesterday 14:32', 'today 09:00', 'HH:MM' (today) or 'now'.";

    /// <summary>The instants an operator can mean: a trail exists only after 1970 and n3ttrace will not reach 2200.
    /// Bounding here keeps every later sum (window ends, epochs, ages) far from DateTime's limits.</summary>
    public static readonly DateTime Earliest = DateTime.UnixEpoch;
    public static readonly DateTime Latest = new(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static bool TryParse(string text, DateTime nowUtc, out DateTime utc) =>
        TryParseUnbounded(text, nowUtc, out utc) && utc >= Earliest && utc < Latest || Fail(out utc);

    private static bool Fail(out DateTime utc)
    {
        utc = default;
        return false;
    }

    private static bool TryParseUnbounded(string text, DateTime nowUtc, out DateTime utc)
    {
        utc = default;
        var s = text.Trim().ToLowerInvariant();
        if (s.Length == 0)
        {
            return false;
        }
        if (s == "now")
        {
            utc = nowUtc;
            return true;
        }
        var m = ShortRelative().Match(s);
        if (m.Success && TryUnit(m.Groups[2].Value, out var unit))
        {
            return TryBefore(nowUtc, unit, m.Groups[1].Value, out utc);
        }
        m = LongRelative().Match(s);
        if (m.Success && TryUnit(m.Groups[2].Value, out unit))
        {
            return TryBefore(nowUtc, unit, m.Groups[1].Value, out utc);
        }
        m = DayAndClock().Match(s);
        if (m.Success)
        {
            var localToday = nowUtc.ToLocalTime().Date;
            var day = m.Groups[1].Value == "yesterday" ? localToday.AddDays(-1) : localToday;
            if (!TryClock(m.Groups[2].Value, out var clock))
            {
                return false;
            }
            utc = DateTime.SpecifyKind(day + clock, DateTimeKind.Local).ToUniversalTime();
            return true;
        }
        if (TryClock(s, out var only))
        {
            utc = DateTime.SpecifyKind(nowUtc.ToLocalTime().Date + only, DateTimeKind.Local).ToUniversalTime();
            return true;
        }
        var zoned = s.EndsWith('z') || ZoneSuffix().IsMatch(s);
        string[] formats =
        [
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK",
            "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
        ];
        if (DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
            zoned ? DateTimeStyles.AdjustToUniversal : DateTimeStyles.AssumeLocal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            utc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
            return true;
        }
        return false;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the accepted forms.</summary>
    public static DateTime Parse(string text, DateTime nowUtc) =>
        TryParse(text, nowUtc, out var utc) ? utc : throw new FormatException(Error(text, nowUtc));

    /// <summary>Why text is not a time: out of range, or not a form we read.</summary>
    public static string Error(string text, DateTime nowUtc) =>
        TryParseUnbounded(text, nowUtc, out _) || RangeOnly(text)
            ? $"'{Text.TextEscaper.Escape(text)}' is out of range: a time must lie between 1970-01-01 and 2199-12-31 (UTC)"
            : $"'{Text.TextEscaper.Escape(text)}' is not a time. {Help}";

    private static bool RangeOnly(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        var m = ShortRelative().Match(s) is { Success: true } shortForm ? shortForm : LongRelative().Match(s);
        return m.Success && TryUnit(m.Groups[2].Value, out _);
    }

    /// <summary>now - n units, refusing what would leave the range before any DateTime arithmetic can overflow.</summary>
    private static bool TryBefore(DateTime nowUtc, TimeSpan unit, string number, out DateTime utc)
    {
        utc = default;
        var seconds = double.Parse(number, CultureInfo.InvariantCulture) * unit.TotalSeconds;
        if (!double.IsFinite(seconds) || seconds > (nowUtc - Earliest).TotalSeconds)
        {
            return false;
        }
        utc = nowUtc.AddSeconds(-seconds);
        return true;
    }

    private static bool TryClock(string s, out TimeSpan clock) =>
        TimeSpan.TryParseExact(s, [@"h\:mm", @"h\:mm\:ss", @"hh\:mm", @"hh\:mm\:ss"], CultureInfo.InvariantCulture, out clock) && clock < TimeSpan.FromDays(1);

    private static bool TryUnit(string u, out TimeSpan unit)
    {
        unit = u switch
        {
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(1),
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
            "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(1),
            "d" or "day" or "days" => TimeSpan.FromDays(1),
            "w" or "week" or "weeks" => TimeSpan.FromDays(7),
            _ => TimeSpan.Zero,
        };
        return unit != TimeSpan.Zero;
    }

    // [0-9], not \d: \d matches every Unicode digit (U+0663, an Arabic-Indic 3), which double.Parse then refuses by throwing.
    [GeneratedRegex(@"^-\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)$")]
    private static partial Regex ShortRelative();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s+ago$")]
    private static partial Regex LongRelative();

    [GeneratedRegex(@"^(yesterday|today)\s+([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)$")]
    private static partial Regex DayAndClock();

    [GeneratedRegex(@"[+-][0-9]{2}:?[0-9]{2}$")]
    private static partial Regex ZoneSuffix();
}
