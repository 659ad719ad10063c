using System.CommandLine;
using N3ttrace.Inference;

namespace N3ttrace.Cli.Commands;

/// <summary>`--rules FILE`: inference thresholds and lists (docs/inference.md); defaults when absent.</summary>
internal static class RulesOption
{
    public static Option<string?> Create() => new("--rules")
    {
        Description = "Rules file tuning purpose inference and risk scoring (key = value lines; see docs/inference.md). Without it: the built-in values.",
    };

    /// <summary>The configuration, or null after printing why the file cannot be used.</summary>
    public static RulesConfig? Load(string? path)
    {
        if (path is null)
        {
            return RulesConfig.Default;
        }
        try
        {
            return RulesConfigFile.Parse(File.ReadAllLines(path), path);
        }
        catch (Exception e) when (e is RulesConfigException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: --rules: {Text.TextEscaper.Escape(e.Message)}");
            return null;
        }
    }
}
