using System.CommandLine;
using N3ttrace.Cli.Reference;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace completions bash|zsh`: the shell's completion script, generated from the command definitions of this binary.</summary>
internal static class CompletionsCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var cmd = new Command("completions", "Print the shell completion script for bash or zsh, generated from this binary's commands and options.") { shell };
        cmd.SetAction(p =>
        {
            var root = (RootCommand)p.RootCommandResult.Command;
            p.InvocationConfiguration.Output.Write(p.GetValue(shell) == "zsh" ? ZshCompletion.Script(root) : BashCompletion.Script(root));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
