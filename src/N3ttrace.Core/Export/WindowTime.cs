using System.Globalization;
using System.Text.RegularExpressions;

namespace N3ttrace.Export;

/// <summary>
/// Parses the --since/--until times of export: ISO-8601 (with Z or an offset), "YYYY-mm-dd HH:MM[:SS]"
/// (local time, as `date` prints it), "now", or a past offset "-2h" / "-30m" / "-45s" / "-1d".
/// Kept in one file: the trail's TimeExpression (the forms `at` takes) replaces it.
/// </summary>
public static partial class WindowTime
{
    private static readonly string[] LocalForms = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    public static bool TryParse(string text, DateTime nowUtc, out DateTime utc, out string error)
    {
        text = text.Trim();
        error = "";
        utc = default;
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            utc = nowUtc;
            return true;
        }
        var rel = Relative().Match(text);
        if (rel.Success)
        {
            var n = double.Parse(rel.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = rel.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
            utc = nowUtc - span;
            return true;
        }
        // An explicit zone (Z or +hh:mm) wins; otherwise the text is local wall-clock time.
        if (HasZone().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
        {
            utc = dto.UtcDateTime;
            return true;
        }
        if (DateTime.TryParseExact(text, LocalForms, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
        {
            utc = local.ToUniversalTime();
            return true;
        }
        error = $"'{Text.TextEscaper.Escape(text)}' is not a time: use ISO-8601 (2026-11-28T01:30:00Z), 'YYYY-mm-dd HH:MM[:SS]' (local time), 'now', or '-2h' / '-30m' / '-45s' / '-1d'";
        return false;
    }

    [GeneratedRegex(@"^-(\d+(?:\.\d+)?)([smhd])$")]
    private static partial Regex Relative();

    [GeneratedRegex(@"T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex HasZone();
}
