using System.Globalization;
using System.Text;
using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Lays a frame out for a given width: three header lines, the column titles, one line per row.
/// Every line is exactly at most <c>width</c> columns; PROC takes the room the other columns leave,
/// and on a narrow terminal the least useful columns are dropped first.
/// </summary>
public static class FrameLayout
{
    public const int HeaderLines = 5; // 4 header lines + column titles

    public const string PaneTitle = "RECENT ANOMALY/THREAT (newest first, kept after close)";

    /// <summary>Lines above the table rows: the header, the recent-verdicts pane (when the frame has one) and the column titles.</summary>
    public static int FixedLines(LiveFrame f) => HeaderLines + PaneLines(f);

    private static int PaneLines(LiveFrame f) => f.Recent is null ? 0 : 1 + Math.Max(1, f.Recent.Count);

    private static readonly string[] Bars = [" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"];

    public static readonly IReadOnlyList<TableColumn> Columns =
    [
        new("LV", 2, false, 99, r => Marker(r.Level)),
        new("DUR", 9, true, 6, r => r.Duration),
        new("STATE", 6, false, 4, r => r.State),
        new("REMOTE", 26, false, 8, r => r.Remote),
        new("PROC", 0, false, 99, r => r.Proc),
        new("PID", 7, true, 9, r => r.Pid.ToString(CultureInfo.InvariantCulture)),
        new("ANCESTRY_ID", 12, false, 2, r => r.AncestryId),
        new("PURPOSE", 14, false, 5, r => r.Purpose),
        new("RISK", 7, false, 7, r => Verdict.LevelName(r.Level)),
        new("SCORE", 5, true, 3, r => r.Score),
        new("LOCAL", 22, false, 1, r => r.Local),
    ];

    public static string Marker(RiskLevel level) => level switch
    {
        RiskLevel.Threat => "!!",
        RiskLevel.Anomaly => "!",
        _ => ".",
    };

    public static List<ScreenLine> Lay(LiveFrame f, int width, bool paused, int maxRows = int.MaxValue)
    {
        width = Math.Max(1, width);
        var lines = new List<ScreenLine>(HeaderLines + f.Rows.Count);
        foreach (var h in Header(f, paused))
        {
            lines.Add(new ScreenLine(DisplayText.Cut(h, width), null));
        }
        if (f.Recent is { } recent)
        {
            lines.Add(new ScreenLine(DisplayText.Cut(PaneTitle, width), null));
            if (recent.Count == 0)
            {
                lines.Add(new ScreenLine(DisplayText.Cut("  none since start", width), null));
            }
            foreach (var r in recent)
            {
                lines.Add(new ScreenLine(DisplayText.Cut(PaneLine(r), width), r.Level));
            }
        }
        var rows = f.Rows.Take(Math.Max(0, maxRows)).ToList();
        var (cols, widths) = Widths(rows, width);
        lines.Add(new ScreenLine(DisplayText.Cut(Join(cols, widths, c => c.Name), width), null));
        foreach (var r in rows)
        {
            lines.Add(new ScreenLine(DisplayText.Cut(Join(cols, widths, c => c.Cell(r)), width), r.Level));
        }
        return lines;
    }

    /// <summary>The columns shown at this width and the width of each.</summary>
    public static (List<TableColumn> Columns, int[] Widths) Widths(IReadOnlyList<LiveRow> rows, int width)
    {
        var cols = Columns.ToList();
        while (true)
        {
            var widths = new int[cols.Count];
            var fixedSum = 0;
            var flex = -1;
            for (var i = 0; i < cols.Count; i++)
            {
                var c = cols[i];
                if (c.Flexible)
                {
                    flex = i;
                    continue;
                }
                var w = c.Name.Length;
                foreach (var r in rows)
                {
                    w = Math.Max(w, DisplayText.Width(c.Cell(r)));
                }
                widths[i] = Math.Min(w, Math.Max(c.MaxWidth, c.Name.Length));
                fixedSum += widths[i];
            }
            var room = width - fixedSum - (cols.Count - 1);
            if (room >= TableColumn.FlexMin || cols.Count(c => c.DropOrder < 99) == 0)
            {
                if (flex >= 0)
                {
                    var need = rows.Select(r => DisplayText.Width(cols[flex].Cell(r))).DefaultIfEmpty(0).Max();
                    widths[flex] = Math.Max(cols[flex].Name.Length, Math.Min(Math.Max(room, 0), Math.Max(need, TableColumn.FlexMin)));
                }
                return (cols, widths);
            }
            cols.Remove(cols.Where(c => c.DropOrder < 99).MinBy(c => c.DropOrder)!);
        }
    }

    private static string Join(List<TableColumn> cols, int[] widths, Func<TableColumn, string> cell)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < cols.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(DisplayText.Fit(cell(cols[i]), widths[i], cols[i].Right));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>One pane line: marker, time flagged, level, conn_id (for `n3ttrace explain`), pid, remote, purpose, open/closed, process, first reason.</summary>
    public static string PaneLine(RecentVerdict r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Marker(r.Level),-2} {RecentVerdicts.Clock(r.FlaggedUtc)} {Verdict.LevelName(r.Level),-7} conn_id {r.ConnId} pid {r.Pid} {r.Remote} {r.Purpose} [{r.State}] {r.Proc}{(r.Reason.Length > 0 ? " -- " + r.Reason : "")}");

    public static IEnumerable<string> Header(LiveFrame f, bool paused)
    {
        var c = CultureInfo.InvariantCulture;
        var mode = f.ModeNote.Length > 0 ? $"{f.Mode} ({f.ModeNote})" : f.Mode;
        var state = f.Final ? "  STOPPED" : paused ? "  PAUSED (p resumes; capture goes on)" : "";
        var filter = f.Filter.Length > 0 ? "  " + f.Filter : "";
        yield return string.Create(c, $"n3ttrace {f.NowUtc:yyyy-MM-dd HH:mm:ss.fff}Z  mode {mode}  sort {f.Sort.ToString().ToLowerInvariant()}{filter}{state}");
        var skipped = f.ViewSkipped > 0 ? string.Create(c, $"  view skipped {f.ViewSkipped}") : "";
        var seen = f.LevelCounts is [var n, var a, var t] ? string.Create(c, $"  seen THREAT {t} ANOMALY {a} NORMAL {n}") : "";
        var gaps = f.Counters is { } k
            ? string.Create(c, $"  gaps {k.Gaps}{(k.DiskFull ? "  DISK FULL: TRAIL WRITING PAUSED" : "")}{(k.LostRows > 0 ? $"  LOST ROWS {k.LostRows}" : "")}{(k.ForwardPending is { } fp ? $"  fwd pending {fp}" : "")}{(k.ShipPending is { } sp ? $"  ship pending {sp} lag {k.ShipLagSeconds ?? 0:0.0}s" : "")}")
            : "";
        yield return string.Create(c, $"events/s {f.EventsPerSecond:0}  drops {f.Dropped}{gaps}  active {f.Active}  p90 {f.P90}  longest {f.Longest}{skipped}{seen}");
        yield return string.Create(c, $"lifetimes {HistogramBar(f.Histogram)}  (n={f.LifetimeSamples}, ended in {DurationText.Format(f.Window.TotalSeconds)} + active)");
        yield return "bins      " + BinLabels(f.Histogram);
    }

    /// <summary>Each histogram bin with its label and count: "&lt;1ms:0 &lt;10ms:12 ... &gt;=1d:0".</summary>
    public static string BinLabels(IReadOnlyList<long> bins) =>
        string.Join(' ', bins.Select((n, i) => string.Create(CultureInfo.InvariantCulture,
            $"{(i < Lifetimes.LifetimeStats.DisplayBinLabels.Length ? Lifetimes.LifetimeStats.DisplayBinLabels[i] : "?")}:{n}")));

    /// <summary>One character per log-scale bin, height by log of the count: "&lt;1ms [ ▂█▅▁     ] &gt;=1d".</summary>
    public static string HistogramBar(IReadOnlyList<long> bins)
    {
        var max = bins.DefaultIfEmpty(0).Max();
        var sb = new StringBuilder("<1ms [");
        foreach (var n in bins)
        {
            var level = n == 0 ? 0 : 1 + (int)Math.Round(7 * Math.Log(n) / Math.Log(Math.Max(2, max)));
            sb.Append(Bars[Math.Clamp(level, 0, 8)]);
        }
        return sb.Append("] >=1d").ToString();
    }
}
