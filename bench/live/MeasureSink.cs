using N3ttrace.Time;
using N3ttrace.Connections;
using N3ttrace.Cli.Live;
using N3ttrace.Pipeline;

namespace N3ttrace.Bench.Live;

/// <summary>
/// Runs inside the real pipeline, on its thread: once all synthetic connections are in, times the
/// live sink's refresh (frame build) against the reference (exact: sort everything every refresh),
/// and the renderer's share (layout + text) that runs on the view thread.
/// </summary>
internal sealed class MeasureSink(LiveSink live, int expectedActive, int rounds) : PipelineSink
{
    public readonly List<double> Refresh = [];
    public readonly List<double> Reference = [];
    public readonly List<double> Render = [];
    public readonly List<double> Expire = [];
    public string Screen = "";
    public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void OnTick(PipelineView view)
    {
        if (Done.Task.IsCompleted || view.Active.Count < expectedActive)
        {
            return;
        }
        var builder = new FrameBuilder();
        LiveFrame? frame = null;
        for (var i = 0; i < rounds; i++)
        {
            // Reference first, then ours, alternating, so both see the same caches and clock.
            var t0 = ThreadCpuClock.NowNs() / 1e6;
            var exact = ExactReference(view);
            var t1 = ThreadCpuClock.NowNs() / 1e6;
            live.OnTick(view);
            var t2 = ThreadCpuClock.NowNs() / 1e6;
            frame = builder.Build(view, SortMode.Risk, 10, 0);
            var t3 = ThreadCpuClock.NowNs() / 1e6;
            var text = LogView.Text(frame, 200);
            var t4 = ThreadCpuClock.NowNs() / 1e6;
            view.Lifetimes.Expire(view.NowBootNs);
            var t5 = ThreadCpuClock.NowNs() / 1e6;
            GC.KeepAlive(exact);
            GC.KeepAlive(text);
            if (i >= 5) // warm-up
            {
                Reference.Add(t1 - t0);
                Refresh.Add(t2 - t1);
                Render.Add(t4 - t3);
                Expire.Add(t5 - t4);
            }
        }
        Screen = LogView.Text(frame!, 200);
        Done.TrySetResult();
    }

    /// <summary>What a refresh costs done naively: p90 by sorting every lifetime, top 10 by sorting every connection.</summary>
    private static (double, List<Connection>) ExactReference(PipelineView view)
    {
        var ages = view.Active.Select(a => a.AgeSeconds(view.NowBootNs)).Concat(EndedLifetimes).OrderBy(x => x).ToArray();
        var p90 = ages.Length == 0 ? 0 : ages[(int)Math.Ceiling(0.9 * ages.Length) - 1];
        var top = view.Active.OrderByDescending(c => c.Verdict.Level).ThenByDescending(c => c.Verdict.Score).ThenBy(c => c.BirthBootNs).Take(10).ToList();
        return (p90, top);
    }

    /// <summary>The ended lifetimes the reference must keep (the placeholder kept them in a queue).</summary>
    public static double[] EndedLifetimes { get; set; } = [];
}
