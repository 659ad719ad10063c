using System.CommandLine;

namespace N3ttrace.Cli.Commands;

/// <summary>`run --fallback-proc [--interval SECONDS]`.</summary>
internal static class FallbackOptions
{
    public const double MinIntervalSeconds = 0.01;
    public const double MaxIntervalSeconds = 3600;

    public static (Option<bool> FallbackProc, Option<double> Interval) Create()
    {
        var fallback = new Option<bool>("--fallback-proc")
        {
            Description = "Capture by polling /proc and the kernel socket table instead of eBPF (used automatically when eBPF " +
                "cannot load). Same records with source=proc, birth=polled and resolution_ms = the interval; connections that " +
                "open and close between two polls are missed.",
        };
        var interval = new Option<double>("--interval")
        {
            Description = $"Polling interval in seconds for /proc capture (default {CaptureSelection.DefaultIntervalSeconds}; " +
                $"{MinIntervalSeconds} to {MaxIntervalSeconds}). Every connection living two intervals or more is recorded.",
            DefaultValueFactory = _ => CaptureSelection.DefaultIntervalSeconds,
        };
        interval.Validators.Add(r =>
        {
            double v;
            try
            {
                v = r.GetValueOrDefault<double>();
            }
            catch (InvalidOperationException)
            {
                return; // not a number: the parser reports that itself
            }
            if (!(v >= MinIntervalSeconds && v <= MaxIntervalSeconds))
            {
                r.AddError($"--interval must be between {MinIntervalSeconds} and {MaxIntervalSeconds} seconds");
            }
        });
        return (fallback, interval);
    }
}
