using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace N3ttrace.Cli;

/// <summary>Diagnostics go to stderr, one line each; stdout is for the table and command output.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(b => b
        .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        }));
}
