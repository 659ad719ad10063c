using System.CommandLine;
using System.CommandLine.Parsing;

namespace N3ttrace.Cli.Settings;

/// <summary>
/// Fills the options a command line left out from the environment, then from the config file:
/// flag &gt; environment &gt; file &gt; built-in default. Every `run` option can be set either way:
/// `--seal-interval` is N3TTRACE_SEAL_INTERVAL or `seal-interval = ...`. The other commands take only the
/// state directory from there (N3TTRACE_STATE_DIR, `state-dir`), so they read the trail `run` writes.
/// The values go through the same parser as typed flags: a bad value is the same usage error.
/// </summary>
internal static class ConfiguredDefaults
{
    public const string ConfigEnv = "N3TTRACE_CONFIG";
    public const string RunCommandName = "run";
    private const string SharedOption = "--state-dir";

    /// <summary>No response files: "@PATH" would make the parser read any file (a directory, /dev/zero) as arguments,
    /// which threw past every handler or read without bound. An argument starting with '@' is just text.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static string EnvName(string option) => "N3TTRACE_" + option.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>Parses args, re-parsing with the configured values of the options the command line did not give.</summary>
    /// <param name="file">The config file's settings (see <see cref="ConfigFile"/>).</param>
    public static ParseResult Parse(RootCommand root, string[] args, Func<string, string?> env, IReadOnlyDictionary<string, string> file)
    {
        var parse = root.Parse(args, Parsing);
        if (parse.Errors.Count > 0 || parse.CommandResult.Command is not { } command || command == root)
        {
            return parse;
        }
        var run = root.Subcommands.First(c => c.Name == RunCommandName);
        foreach (var key in file.Keys)
        {
            if (!run.Options.Any(o => o.Name == "--" + key))
            {
                throw new ConfigException($"config file: '{key}' is not an option of 'n3ttrace run' (see n3ttrace run --help)");
            }
        }
        var extra = new List<string>();
        foreach (var option in command.Options)
        {
            if (option.Name is "--help" or "--version" || !option.Name.StartsWith("--", StringComparison.Ordinal)
                || (command.Name != RunCommandName && option.Name != SharedOption))
            {
                continue;
            }
            if (parse.GetResult(option) is { Implicit: false })
            {
                continue; // flag wins
            }
            var value = env(EnvName(option.Name)) ?? (file.TryGetValue(option.Name[2..], out var v) ? v : null);
            if (value is not null)
            {
                // "--name=value" keeps a value like "-1h" from reading as an option; an empty value needs its own token.
                extra.AddRange(value.Length == 0 ? [option.Name, value] : [$"{option.Name}={value}"]);
            }
        }
        return extra.Count == 0 ? parse : root.Parse([.. args, .. extra], Parsing);
    }
}
