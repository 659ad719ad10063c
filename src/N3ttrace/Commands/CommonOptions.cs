using System.CommandLine;
using N3ttrace.Cli.Settings;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> StateDir() => new("--state-dir")
    {
        // The default is printed once, by the help itself, as this user gets it (root's differs: docs/configuration.md).
        Description = $"Directory of the trail (birth records, timeline, keys); also ${ConfiguredDefaults.EnvName("--state-dir")} " +
            $"or state-dir in {SystemDefaults.ConfigFile}. '.' for the current directory.",
        DefaultValueFactory = _ => SystemDefaults.StateDir(Privileges.IsRoot, Environment.GetEnvironmentVariable),
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Log debug detail (libbpf messages, per-source counters) to stderr.",
    };
}
