using System.CommandLine;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Cli.Commands;

/// <summary>--since/--until, the same on every reading command: the window is [since, until), since inclusive, until exclusive.</summary>
internal static class WindowOptions
{
    public static (Option<string?> Since, Option<string?> Until) Create(string what) =>
        (new Option<string?>("--since") { Description = $"{what}: start, inclusive. {TimeExpression.Help}" },
         new Option<string?>("--until") { Description = $"{what}: end, exclusive (default: no end), same forms." });
}
