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

    public static bool TryParse(string text, DateTime nowUtc, out DateTime utc)
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
            utc = nowUtc - unit * double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return true;
        }
        m = LongRelative().Match(s);
        if (m.Success && TryUnit(m.Groups[2].Value, out unit))
        {
            utc = nowUtc - unit * double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return true;
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
        TryParse(text, nowUtc, out var utc) ? utc : throw new FormatException($"'{Text.TextEscaper.Escape(text)}' is not a time. {Help}");

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

    [GeneratedRegex(@"^-\s*(\d+(?:\.\d+)?)\s*([a-z]+)$")]
    private static partial Regex ShortRelative();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([a-z]+)\s+ago$")]
    private static partial Regex LongRelative();

    [GeneratedRegex(@"^(yesterday|today)\s+(\d{1,2}:\d{2}(?::\d{2})?)$")]
    private static partial Regex DayAndClock();

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex ZoneSuffix();
}
