namespace N3ttrace.Trail.Export;

/// <summary>Names of the files in an export bundle, under one top-level directory.</summary>
public static class BundleLayout
{
    public const string Format = "n3ttrace-bundle/2";
    /// <summary>Bundles before the window-only chain proof: trail/ holds the whole chained files.</summary>
    public const string FormatWhole = "n3ttrace-bundle/1";
    public const string Readme = "README.txt";
    public const string Manifest = "manifest.json";
    public const string Sums = "SHA256SUMS";
    public const string Verification = "verification.txt";
    /// <summary>The complete chained trail files, for offline chain and seal verification.</summary>
    public const string ChainDir = "trail";

    /// <summary>"case-42.tar.gz" becomes "case-42".</summary>
    public static string RootName(string outputPath)
    {
        var name = Path.GetFileName(outputPath);
        foreach (var ext in (string[])[".tar.gz", ".tgz", ".tar"])
        {
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase) && name.Length > ext.Length)
            {
                return name[..^ext.Length];
            }
        }
        return name.Length > 0 ? name : "n3ttrace-export";
    }
}
