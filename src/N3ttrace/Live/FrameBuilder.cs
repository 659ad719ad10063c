using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Builds a <see cref="LiveFrame"/> from the pipeline's view, on the pipeline thread. Cost: one
/// pass over the active connections for the top-n selection, one pass over lifetime buckets,
/// and text work for the n rows shown only.
/// </summary>
public sealed class FrameBuilder
{
    private long _lastEvents = -1;
    private long _lastNs;
    private double _eventsPerSecond;

    public LiveFrame Build(PipelineView view, SortMode sort, int top, long viewSkipped) =>
        Build(view, sort, top, viewSkipped, null, LiveFilter.All, 0);

    /// <param name="recent">The recent-verdicts pane's source (null: no pane).</param>
    /// <param name="recentLines">Lines of the pane.</param>
    public LiveFrame Build(PipelineView view, SortMode sort, int top, long viewSkipped, RecentVerdicts? recent, LiveFilter filter, int recentLines)
    {
        if (_lastEvents >= 0 && view.NowBootNs > _lastNs)
        {
            _eventsPerSecond = (view.Stats.Events - _lastEvents) / ((view.NowBootNs - _lastNs) / 1e9);
        }
        _lastEvents = view.Stats.Events;
        _lastNs = view.NowBootNs;

        var life = view.Lifetimes.Summarize(view.NowBootNs);
        var longest = life.Longest is { } l
            ? $"{Age(l, life.LongestSeconds)} pid {l.Pid} {DisplayText.Safe(l.Comm)}"
            : "-";
        var active = filter == LiveFilter.All ? view.Active : view.Active.Where(filter.Matches);
        var rows = TopSelection.Select(active, RowOrder.For(sort), top)
            .Select(c => Row(c, view.NowBootNs))
            .ToList();
        return new LiveFrame(view.NowUtc, DisplayText.Safe(view.Mode), DisplayText.Safe(view.ModeNote), _eventsPerSecond,
            view.Stats.SourceDropped, view.Active.Count, life.Samples == 0 ? "-" : DurationText.Format(life.P90Seconds), longest,
            life.Histogram, life.Samples, view.Lifetimes.Window, sort, viewSkipped, rows, view.Final,
            recent?.Snapshot(filter, recentLines, view.NowBootNs), recent?.Counts.ToArray(), filter.Describe());
    }

    /// <summary>A birth before capture started is unknown: the age shown is a lower bound.</summary>
    private static string Age(Connection c, double seconds) => (c.BirthBeforeStart ? ">=" : "") + DurationText.Format(seconds);

    public static LiveRow Row(Connection c, long nowBootNs)
    {
        var argv = c.Context.Argv;
        var cmdline = ArgvText.Join(argv.AsSpan(0, Math.Min(argv.Length, DisplayText.MaxRawChars * 2)));
        var proc = $"{DisplayText.Safe(c.Comm)} :: {DisplayText.Safe(cmdline)}";
        var remote = c.RemoteAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !c.RemoteAddress.IsIPv4MappedToIPv6
            ? $"[{c.RemoteMasked}]:{c.RemotePort}"
            : $"{c.RemoteMasked}:{c.RemotePort}";
        return new LiveRow(
            c.Verdict.Level,
            Age(c, c.AgeSeconds(nowBootNs)),
            c.State.ToString().ToLowerInvariant(),
            DisplayText.Safe(remote),
            proc,
            c.Pid,
            DisplayText.Safe(c.AncestryId.Length > 12 ? c.AncestryId[..12] : c.AncestryId),
            DisplayText.Safe(c.Verdict.Purpose),
            c.Verdict.Score.ToString(CultureInfo.InvariantCulture),
            DisplayText.Safe(c.Local));
    }
}
