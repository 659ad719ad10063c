using System.CommandLine;

namespace N3ttrace.Cli.Commands;

/// <summary>`run --fallback-proc [--interval SECONDS]`.</summary>
internal static class FallbackOptions
{
    public const double MinIntervalSeconds = 0.01;
    public const double MaxIntervalSeconds = 3600;

    public static (Option<bool> FallbackProc, Option<TimeSpan> Interval) Create()
    {
        var fallback = new Option<bool>("--fallback-proc")
        {
            Description = "Capture by polling /proc and the kernel socket table instead of eBPF (used automatically when eBPF " +
                "cannot load). Same records with source=proc, birth=polled and resolution_ms = the interval; connections that " +
                "open and close between two polls are missed.",
        };
        var interval = Numbers.Duration("--interval",
            "Polling interval for /proc capture. Every connection living two intervals or more is recorded",
            TimeSpan.FromSeconds(CaptureSelection.DefaultIntervalSeconds), TimeSpan.FromSeconds(MinIntervalSeconds), TimeSpan.FromSeconds(MaxIntervalSeconds));
        return (fallback, interval);
    }
}
