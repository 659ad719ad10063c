using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// Says that an answer of `at` or `query` is incomplete: its window holds gap records (contract 8). The exit status
/// stays 0 (the answer is what the trail holds); the table says it under its summary, tsv and json on stderr (their
/// stdout stays machine-readable), and json records carry "incomplete" and "gaps_in_window" too.
/// </summary>
internal static class IncompleteNotice
{
    private const int Shown = 20;

    public static IEnumerable<string> Lines(IReadOnlyList<GapRecord> gaps)
    {
        if (gaps.Count == 0)
        {
            yield break;
        }
        var known = gaps.Where(g => g.Records is not null).Sum(g => g.Records!.Value);
        var unknown = gaps.Count(g => g.Records is null && g.Cause != Trail.Segments.PrunedWindow.Cause);
        var pruned = gaps.Any(g => g.Cause == Trail.Segments.PrunedWindow.Cause);
        yield return $"INCOMPLETE: {gaps.Count} gap record(s) in this window, {known} record(s) not seen"
            + (unknown > 0 ? $" and {unknown} window(s) of unknown count (the tracer was not running)" : "")
            + (pruned ? "; part of the window was PRUNED by retention" : "") + ":";
        foreach (var g in gaps.Take(Shown))
        {
            yield return $"  gap: {Text.TextEscaper.Escape(g.ToString())}";
        }
        if (gaps.Count > Shown)
        {
            yield return $"  ... and {gaps.Count - Shown} more gap(s) (n3ttrace verify lists them all)";
        }
    }
}
