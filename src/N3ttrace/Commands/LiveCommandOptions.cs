using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Cli.Live;
using N3ttrace.Connections;

namespace N3ttrace.Cli.Commands;

/// <summary>What `run` was asked about the live view and its log.</summary>
internal sealed record LiveSettings(double RefreshSeconds, int Top, long LogMaxBytes, int LogKeep)
{
    public int Recent { get; init; } = 8;
    public LiveFilter Filter { get; init; } = LiveFilter.All;
}

/// <summary>The live view's options of `run`, and the sink they configure.</summary>
internal sealed class LiveCommandOptions
{
    public Option<TimeSpan> Refresh { get; } = Numbers.Duration("--refresh", "Time between redraws of the live table (and log entries)",
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.05), TimeSpan.FromHours(1));

    public Option<int> Top { get; } = Numbers.Integer("--top",
        "Connections shown in the live table (the riskiest, or by the sort chosen with the s key).", 10, 1, 10_000);

    public Option<long> LogMaxBytes { get; } = Numbers.Integer("--log-max-bytes",
        "Roll the log file when it would grow past this size (bytes).", 10L << 20, 4096L, 1L << 40);

    public Option<int> LogKeep { get; } = Numbers.Integer("--log-keep",
        "Rolled log files kept (FILE.1 newest ... FILE.N oldest); 0 keeps none.", 5, 0, 1000);

    public Option<int> Recent { get; } = Numbers.Integer("--recent",
        "Lines of the recent-verdicts pane: the last ANOMALY/THREAT connections with their conn_id, kept after they close; 0 hides it.", 8, 0, 100);

    public Option<string> Level { get; } = new("--live-level")
    {
        Description = "Show only connections at this level or above in the table and the pane: NORMAL, ANOMALY or THREAT (the l key cycles it).",
        DefaultValueFactory = _ => Verdict.Normal,
        CustomParser = r =>
        {
            var v = r.Tokens.Count > 0 ? r.Tokens[0].Value.ToUpperInvariant() : Verdict.Normal;
            if (!Verdict.LevelNames.Contains(v))
            {
                r.AddError("--live-level must be NORMAL, ANOMALY or THREAT");
            }
            return v;
        },
    };

    public Option<string?> Comm { get; } = new("--live-comm") { Description = "Show only processes whose comm matches: exact, or a glob with '*'." };

    public Option<int?> Port { get; } = Numbers.OptionalInteger<int>("--live-port", "Show only connections to this remote port.", 1, 65535);

    public IEnumerable<Option> All => [Refresh, Top, LogMaxBytes, LogKeep, Recent, Level, Comm, Port];

    public LiveSettings Read(ParseResult p) => new(p.GetValue(Refresh).TotalSeconds, p.GetValue(Top), p.GetValue(LogMaxBytes), p.GetValue(LogKeep))
    {
        Recent = p.GetValue(Recent),
        Filter = new LiveFilter(Enum.Parse<Connections.RiskLevel>(p.GetValue(Level)!, ignoreCase: true), p.GetValue(Comm), p.GetValue(Port)),
    };

    /// <summary>The live sink: TUI on a terminal, plain frames when stdout is redirected, nothing on stdout with --no-tui.</summary>
    public static LiveSink CreateSink(LiveSettings s, string logFile, bool noTui, ILogger log)
    {
        var tty = !Console.IsOutputRedirected;
        var options = new LiveOptions(TimeSpan.FromSeconds(s.RefreshSeconds), s.Top, Tui: !noTui && tty, Batch: !noTui && !tty,
            logFile, s.LogMaxBytes, s.LogKeep, s.Recent, s.Filter);
        return new LiveSink(options, log, readKeys: !Console.IsInputRedirected);
    }
}
