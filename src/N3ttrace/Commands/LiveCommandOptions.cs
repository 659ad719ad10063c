using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Live;

namespace N3ttrace.Cli.Commands;

/// <summary>What `run` was asked about the live view and its log.</summary>
internal sealed record LiveSettings(double RefreshSeconds, int Top, long LogMaxBytes, int LogKeep);

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

    public IEnumerable<Option> All => [Refresh, Top, LogMaxBytes, LogKeep];

    public LiveSettings Read(ParseResult p) => new(p.GetValue(Refresh).TotalSeconds, p.GetValue(Top), p.GetValue(LogMaxBytes), p.GetValue(LogKeep));

    /// <summary>The live sink: TUI on a terminal, plain frames when stdout is redirected, nothing on stdout with --no-tui.</summary>
    public static LiveSink CreateSink(LiveSettings s, string logFile, bool noTui, ILogger log)
    {
        var tty = !Console.IsOutputRedirected;
        var options = new LiveOptions(TimeSpan.FromSeconds(s.RefreshSeconds), s.Top, Tui: !noTui && tty, Batch: !noTui && !tty,
            logFile, s.LogMaxBytes, s.LogKeep);
        return new LiveSink(options, log, readKeys: !Console.IsInputRedirected);
    }
}
