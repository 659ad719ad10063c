using System.CommandLine;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> StateDir() => new("--state-dir")
    {
        Description = $"Directory of the trail (birth records, timeline, keys). Default: ./{StateDirectory.DefaultName}",
        DefaultValueFactory = _ => StateDirectory.DefaultName,
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Log debug detail (libbpf messages, per-source counters) to stderr.",
    };
}
