using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// Options holding a duration or a count, parsed here instead of by the framework: one grammar (90s, 5m, 1h, 2d, 250ms,
/// or bare seconds), every value bounded, NaN, infinities and exponents refused with a one-line usage error.
/// </summary>
internal static partial class Numbers
{
    public const string DurationForms = "a duration like 90s, 5m, 1h, 2d, 250ms or plain seconds";

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue, TimeSpan min, TimeSpan max) => new(name)
    {
        Description = $"{description} ({DurationForms}; {Text(min)} to {Text(max)})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!TryParseDuration(token, out var v))
            {
                r.AddError($"Cannot parse argument '{N3ttrace.Text.TextEscaper.Escape(token)}' for option '{name}': expected {DurationForms}");
                return defaultValue;
            }
            if (v < min || v > max)
            {
                r.AddError($"{name} must be between {Text(min)} and {Text(max)}");
            }
            return v;
        },
    };

    public static Option<T> Integer<T>(string name, string description, T defaultValue, T min, T max) where T : IBinaryInteger<T> => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!T.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                r.AddError($"{name} must be a whole number between {min} and {max}, not '{N3ttrace.Text.TextEscaper.Escape(token)}'");
                return defaultValue;
            }
            return v;
        },
    };

    /// <summary>An optional filter: null when absent, else a whole number in [min, max].</summary>
    public static Option<T?> OptionalInteger<T>(string name, string description, T min, T max) where T : struct, IBinaryInteger<T> => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!T.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                r.AddError($"{name} must be a whole number between {min} and {max}, not '{N3ttrace.Text.TextEscaper.Escape(token)}'");
                return null;
            }
            return v;
        },
    };

    /// <summary>90s, 5m, 1h, 2d, 250ms, 1.5h, or bare (fractional) seconds. No sign, exponent, NaN or infinity.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        var seconds = n * m.Groups[2].Value switch
        {
            "ms" => 0.001,
            "" or "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => 86400,
        };
        // TimeSpan holds about 29,000 years; anything past a century is a typo, refused by the caller's bounds.
        if (!double.IsFinite(seconds) || seconds > 100 * 365.25 * 86400)
        {
            value = TimeSpan.MaxValue;
            return true;
        }
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>A bound as people write it: 0.01s, 90s, 5m, 1h, 30d.</summary>
    public static string Text(TimeSpan t) =>
        t.TotalSeconds < 60 || t.TotalSeconds % 60 != 0 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
        : t.TotalMinutes < 60 || t.TotalMinutes % 60 != 0 ? t.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + "m"
        : t.TotalHours < 24 || t.TotalHours % 24 != 0 ? t.TotalHours.ToString("0", CultureInfo.InvariantCulture) + "h"
        : t.TotalDays.ToString("0", CultureInfo.InvariantCulture) + "d";

    [GeneratedRegex(@"^(\d{1,15}(?:\.\d{1,9})?)(ms|s|m|h|d)?$")]
    private static partial Regex DurationPattern();
}
