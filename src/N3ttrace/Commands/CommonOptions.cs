using System.CommandLine;
using N3ttrace.Cli.Settings;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> StateDir()
    {
        var option = new Option<string>("--state-dir")
        {
            // The default is printed once, by the help itself, as this user gets it (root's differs: docs/configuration.md).
            Description = $"Directory of the trail (birth records, timeline, keys); also ${ConfiguredDefaults.EnvName("--state-dir")} " +
                $"or state-dir in {SystemDefaults.ConfigFile}. '.' for the current directory.",
            DefaultValueFactory = _ => SystemDefaults.StateDir(Privileges.IsRoot, Environment.GetEnvironmentVariable),
        };
        // An empty path is no directory: a usage error here, not an ArgumentException in whichever command reads it.
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is "")
            {
                r.AddError("--state-dir must not be empty ('.' is the current directory)");
            }
            else if (r.GetValueOrDefault<string>()?.Contains('\0') == true)
            {
                // Not from argv, but a config file line can hold one.
                r.AddError("--state-dir must not contain a NUL byte");
            }
        });
        return option;
    }

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Log debug detail (libbpf messages, per-source counters) to stderr.",
    };
}
