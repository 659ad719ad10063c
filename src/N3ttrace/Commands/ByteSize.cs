using System.Globalization;
using System.Text.RegularExpressions;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// Sizes as operators write them: 500M, 2G, 2GiB, 64MiB, 1.5G, 512K, or bare bytes. K, M, G, T and KiB..TiB are powers
/// of 1024 (as journald and dd read them); KB, MB, GB, TB are powers of 1000. No sign, exponent, NaN or infinity.
/// </summary>
internal static partial class ByteSize
{
    public const string Forms = "a size like 500M, 2G, 2GiB, 64MiB, 512K or plain bytes";

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        var unit = m.Groups[2].Value.ToUpperInvariant();
        var power = unit.Length == 0 ? 0 : "KMGT".IndexOf(unit[0], StringComparison.Ordinal) + 1;
        var scale = unit.Length == 2 && unit[1] == 'B' ? 1000m : 1024m;
        var value = n;
        for (var i = 0; i < power; i++)
        {
            value *= scale;
            if (value > long.MaxValue / 2)
            {
                return false;
            }
        }
        bytes = (long)decimal.Floor(value);
        return true;
    }

    /// <summary>A size for people: 2 GiB, 64 MiB, 300 KiB, 812 B.</summary>
    public static string Text(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.##", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    [GeneratedRegex(@"^(\d{1,15}(?:\.\d{1,9})?)\s?((?:[KMGTkmgt](?:i?[Bb])?)|[Bb])?$")]
    private static partial Regex Pattern();
}
