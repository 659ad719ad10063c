using Microsoft.Extensions.Logging;
using N3ttrace.Connections;
using N3ttrace.Pipeline;

namespace N3ttrace.Cli.Live;

/// <summary>
/// The live view: every refresh it builds a frame on the pipeline thread (top rows by the chosen
/// order, lifetime summary, counters) and hands it to the terminal and log workers, which draw on
/// their own threads. A slow terminal makes frames skip, never events wait.
/// </summary>
public sealed class LiveSink : PipelineSink
{
    private readonly LiveOptions _options;
    private readonly FrameBuilder _builder = new();
    private readonly TerminalView? _terminal;
    private readonly LogView? _log;
    private readonly KeyReader? _keys;
    private readonly long _refreshNs;
    private readonly RecentVerdicts _recent;
    private long _nextNs = long.MinValue;

    public LiveSink(LiveOptions options, ILogger log, Stream? stdout = null, bool readKeys = false)
    {
        _options = options;
        _refreshNs = (long)options.Refresh.TotalNanoseconds;
        _recent = new RecentVerdicts(Math.Max(options.Recent * 8, 512)); // filters look further back than the lines shown
        if (options.Tui || options.Batch)
        {
            _terminal = new TerminalView(Controls, options.Tui, stdout ?? Console.OpenStandardOutput(), log);
            _terminal.Start();
            if (options.Tui && readKeys)
            {
                _keys = new KeyReader(Controls, _terminal.Wake);
            }
        }
        if (options.LogFile.Length > 0)
        {
            _log = new LogView(new RollingLog(options.LogFile, options.LogMaxBytes, options.LogKeep), log);
            _log.Start();
        }
    }

    public LiveControls Controls { get; } = new();

    /// <summary>The run's gap, lost-row and forwarding counters for the header (null: not shown).</summary>
    public Func<LiveCounters>? Counters { get; set; }

    /// <summary>CPU time the last frame took to build on the pipeline thread.</summary>
    public TimeSpan LastBuild { get; private set; }
    public long Frames { get; private set; }

    /// <summary>SIGHUP: the log reopens its path before the next write, even after an earlier open or write failed.</summary>
    public void ReopenLog()
    {
        _log?.Log.RequestReopen();
        _log?.Retry();
    }

    public override void OnBirth(Connection c) => _recent.OnBirth(c, c.BirthUtc);

    public override void OnVerdictChange(Connection c, Verdict previous) => _recent.OnVerdictChange(c, DateTime.UtcNow);

    public override void OnDeath(Connection c) => _recent.OnEnd(c, "closed", c.AgeSeconds(0));

    public override void OnFail(Connection c) => _recent.OnEnd(c, "failed", c.AgeSeconds(0));

    public override void OnTick(PipelineView view)
    {
        if (!view.Final && view.NowBootNs < _nextNs)
        {
            return;
        }
        _nextNs = view.NowBootNs + _refreshNs;
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var filter = _options.Filter with { MinLevel = (RiskLevel)Math.Max((int)_options.Filter.MinLevel, (int)Controls.MinLevel) };
        var frame = _builder.Build(view, Controls.Sort, _options.Top, _terminal?.Skipped ?? 0, _options.Recent > 0 ? _recent : null, filter, _options.Recent)
            with { Counters = Counters?.Invoke() };
        LastBuild = System.Diagnostics.Stopwatch.GetElapsedTime(t0);
        Frames++;
        _terminal?.Post(frame);
        _log?.Post(frame);
    }

    public override void Dispose()
    {
        _keys?.Dispose();
        _terminal?.Dispose();
        _log?.Dispose();
        base.Dispose();
    }
}
