using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;

namespace N3ttrace.Cli.Reference;

/// <summary>
/// The command definitions as the completion scripts and the man page read them, so all three (and --help) come
/// from one tree: visible commands, their options with every alias, whether an option takes a value, and the values
/// it accepts when they are a fixed list.
/// </summary>
internal static class CommandTree
{
    public static IEnumerable<Command> Commands(RootCommand root) => root.Subcommands.Where(c => !c.Hidden);

    /// <summary>A command's own visible options, and --help (defined once on the root for every command).</summary>
    public static IEnumerable<Option> Options(Command command, RootCommand root) =>
        command.Options.Where(o => !o.Hidden)
            .Concat(command == root ? [] : root.Options.Where(o => o.Recursive && !o.Hidden && !command.Options.Contains(o)));

    /// <summary>The name and its aliases; not System.CommandLine's DOS-style "/?" and "/h", which a Unix shell would take for paths.</summary>
    public static IEnumerable<string> Names(Option option) =>
        new[] { option.Name }.Concat(option.Aliases.Where(a => a.StartsWith('-')).Order(StringComparer.Ordinal));

    public static bool TakesValue(Option option) =>
        option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool) && option is not HelpOption and not VersionOption;

    /// <summary>The values a value-taking option accepts, when they are a fixed list; empty otherwise (a path, a time ...).</summary>
    public static IReadOnlyList<string> Values(Option option) =>
        TakesValue(option)
            ? option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).Distinct(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The placeholder shown for an option's value: its help name, else its name in capitals.</summary>
    public static string ValueName(Option option) =>
        option.HelpName ?? option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>The first sentence of a description, for the one-line menus of the shells.</summary>
    public static string Summary(string? description)
    {
        var d = (description ?? "").ReplaceLineEndings(" ");
        var end = d.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? d[..end] : d.TrimEnd('.')).Trim();
    }
}
