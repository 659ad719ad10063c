using System.CommandLine;
using N3ttrace.Cli.Reference;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace man`: the manual page in roff, generated from the command definitions of this binary, so the page an
/// installed binary prints cannot disagree with it (`make publish` also writes it next to the binary as n3ttrace.1).
/// </summary>
internal static class ManCommand
{
    public static Command Create()
    {
        var cmd = new Command("man", "Print the manual page (roff), generated from this binary's commands and options: n3ttrace man | man -l -");
        cmd.SetAction(p =>
        {
            p.InvocationConfiguration.Output.Write(ManPage.Render((RootCommand)p.RootCommandResult.Command));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
