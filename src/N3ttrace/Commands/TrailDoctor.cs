using N3ttrace.Trail;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `doctor`'s look at the trail's storage: what the state directory holds, the room left on its filesystem, and the
/// traces failed cuts and compressions leave on disk (a running `run` counts them and prints them on its stop line).
/// </summary>
internal static class TrailDoctor
{
    public static void Print(string stateDir)
    {
        if (!Directory.Exists(stateDir))
        {
            Console.WriteLine($"trail storage          no trail in {Text.TextEscaper.Escape(stateDir)} yet");
            return;
        }
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            var files = new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile }.SelectMany(f => TrailSegments.List(dir.Path, f)).ToList();
            var newest = files.Count == 0 ? 0 : files.Max(s => s.Number);
            // The newest sealed pair may be waiting for its compression; an older plain one is a compression that failed.
            var plain = files.Count(s => !s.Compressed && s.Number < newest);
            var leftovers = Directory.EnumerateFiles(dir.Path).Count(p => p.EndsWith(".br.tmp", StringComparison.Ordinal) || p.EndsWith(".tsv.cut", StringComparison.Ordinal));
            var free = new DriveInfo(dir.Path).AvailableFreeSpace;
            Console.WriteLine($"trail storage          {Text.TextEscaper.Escape(dir.Path)}: {ByteSize.Text(SegmentPruner.DirectoryBytes(dir.Path))} " +
                $"({files.Count} sealed segment files, {files.Count(s => s.Compressed)} compressed), {ByteSize.Text(free)} free on its filesystem");
            Console.WriteLine($"segment failures       {plain} older sealed segment(s) left plain (compression failed){(leftovers > 0 ? $", {leftovers} leftover(s) of an interrupted cut or compression" : "")}");
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            Console.WriteLine($"trail storage          cannot read {Text.TextEscaper.Escape(stateDir)}: {e.Message}");
        }
    }
}
