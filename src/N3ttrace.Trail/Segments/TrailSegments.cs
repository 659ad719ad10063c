using System.Globalization;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// The sealed segments of a chained trail file: <c>birth_records.000001.tsv</c> (and, once compressed,
/// <c>birth_records.000001.tsv.br</c>) beside the live <c>birth_records.tsv</c>, numbered from 1 in the order they
/// were cut. The live file continues the chain of the last segment: concatenated (each header after the first
/// dropped) they are the one logical file every reader sees (<see cref="TrailStream"/>).
/// </summary>
public static class TrailSegments
{
    public const string CompressedSuffix = ".br";

    /// <summary>The files that are cut into segments (the busy ones; dictionaries and checkpoints stay whole).</summary>
    public static bool Segmented(string fileName) => fileName is StateDirectory.BirthRecordsFile or StateDirectory.TimelineFile;

    public static string Name(string fileName, long number, bool compressed = false) =>
        $"{Stem(fileName)}.{number.ToString("D6", CultureInfo.InvariantCulture)}.tsv{(compressed ? CompressedSuffix : "")}";

    private static string Stem(string fileName) => fileName.EndsWith(".tsv", StringComparison.Ordinal) ? fileName[..^4] : fileName;

    /// <summary>The segments of <paramref name="fileName"/> in <paramref name="directory"/>, oldest first. A segment present
    /// both plain and compressed (a compression that has not removed the plain file yet) is listed once, plain.</summary>
    public static List<SegmentFile> List(string directory, string fileName)
    {
        var found = new SortedDictionary<long, SegmentFile>();
        if (!Segmented(fileName) || !Directory.Exists(directory))
        {
            return [];
        }
        var prefix = Stem(fileName) + ".";
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (Parse(Path.GetFileName(path), prefix) is not { } s)
            {
                continue;
            }
            var file = new SegmentFile(s.Number, path, s.Compressed);
            if (!found.TryGetValue(s.Number, out var had) || had.Compressed)
            {
                found[s.Number] = file;
            }
        }
        return [.. found.Values];
    }

    /// <summary>The highest segment number of any segmented file of the directory (0 when there is none).</summary>
    public static long LastNumber(string directory) =>
        new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile }.SelectMany(f => List(directory, f)).Select(s => s.Number).DefaultIfEmpty(0).Max();

    private static (long Number, bool Compressed)? Parse(string name, string prefix)
    {
        var rest = name[prefix.Length..];
        var compressed = rest.EndsWith(".tsv" + CompressedSuffix, StringComparison.Ordinal);
        var digits = compressed ? rest[..^(4 + CompressedSuffix.Length)] : rest.EndsWith(".tsv", StringComparison.Ordinal) ? rest[..^4] : null;
        if (digits is not { Length: >= 6 and <= 18 } || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        return (long.Parse(digits, CultureInfo.InvariantCulture), compressed);
    }
}
