using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Trail.Export;

/// <summary>SHA256SUMS in the format `sha256sum -c` reads: "HEX  NAME" per line (two spaces: text mode).</summary>
public static class Sha256Sums
{
    public static string Format(IEnumerable<BundleFile> files)
    {
        var sb = new StringBuilder();
        foreach (var f in files)
        {
            sb.Append(Convert.ToHexStringLower(SHA256.HashData(f.Content))).Append("  ").Append(f.Name).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Name to hex digest; lines that are not "HEX  NAME" are returned as errors.</summary>
    public static Dictionary<string, string> Parse(string text, List<string> errors)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var line in text.Split('\n'))
        {
            n++;
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')
                || !line[..64].All(char.IsAsciiHexDigitLower))
            {
                errors.Add($"{BundleLayout.Sums}: line {n} is not 'SHA256  NAME'");
                continue;
            }
            map[line[66..]] = line[..64];
        }
        return map;
    }
}
