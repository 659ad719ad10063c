using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Cli.Live;

namespace N3ttrace.Cli.Commands;

/// <summary>What `run` was asked about the live view and its log.</summary>
internal sealed record LiveSettings(double RefreshSeconds, int Top, long LogMaxBytes, int LogKeep);

/// <summary>The live view's options of `run`, and the sink they configure.</summary>
internal sealed class LiveCommandOptions
{
    public Option<double> Refresh { get; } = new("--refresh")
    {
        Description = "Seconds between redraws of the live table (and log entries).",
        DefaultValueFactory = _ => 1,
    };

    public Option<int> Top { get; } = new("--top")
    {
        Description = "Connections shown in the live table (the riskiest, or by the sort chosen with the s key).",
        DefaultValueFactory = _ => 10,
    };

    public Option<long> LogMaxBytes { get; } = new("--log-max-bytes")
    {
        Description = "Roll the log file when it would grow past this size (bytes).",
        DefaultValueFactory = _ => 10L << 20,
    };

    public Option<int> LogKeep { get; } = new("--log-keep")
    {
        Description = "Rolled log files kept (FILE.1 newest ... FILE.N oldest); 0 keeps none.",
        DefaultValueFactory = _ => 5,
    };

    public LiveCommandOptions()
    {
        Refresh.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(v >= 0.05 && v <= 3600))
            {
                r.AddError("--refresh must be between 0.05 and 3600 seconds");
            }
        });
        Top.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                r.AddError("--top must be between 1 and 10000");
            }
        });
        LogMaxBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 4096)
            {
                r.AddError("--log-max-bytes must be at least 4096");
            }
        });
        LogKeep.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 1000)
            {
                r.AddError("--log-keep must be between 0 and 1000");
            }
        });
    }

    public IEnumerable<Option> All => [Refresh, Top, LogMaxBytes, LogKeep];

    public LiveSettings Read(ParseResult p) => new(p.GetValue(Refresh), p.GetValue(Top), p.GetValue(LogMaxBytes), p.GetValue(LogKeep));

    /// <summary>The live sink: TUI on a terminal, plain frames when stdout is redirected, nothing on stdout with --no-tui.</summary>
    public static LiveSink CreateSink(LiveSettings s, string logFile, bool noTui, ILogger log)
    {
        var tty = !Console.IsOutputRedirected;
        var options = new LiveOptions(TimeSpan.FromSeconds(s.RefreshSeconds), s.Top, Tui: !noTui && tty, Batch: !noTui && !tty,
            logFile, s.LogMaxBytes, s.LogKeep);
        return new LiveSink(options, log, readKeys: !Console.IsInputRedirected);
    }
}
