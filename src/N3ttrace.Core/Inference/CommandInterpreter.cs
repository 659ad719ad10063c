using N3ttrace.Lineage;

namespace N3ttrace.Inference;

/// <summary>
/// Is a process a command interpreter, and does it take its commands from stdin? Identity comes from the
/// executable the kernel ran (its path, or a copy of a known interpreter recognised by content), never from comm.
/// </summary>
public static class CommandInterpreter
{
    // Options after which an interpreter's program comes from argv, not from stdin.
    private static readonly string[] InlineCode = ["-c", "-e", "-E", "-r", "-R", "--eval", "--command", "-m"];

    /// <summary>A shell or scripting interpreter, by executable (a multi-call binary by the program it runs: `busybox sh`, `busybox awk`).</summary>
    public static bool Is(ProcessContext ctx, RuleLists lists, IExecutableIdentity? identity = null)
    {
        if (ctx.Exe.Length == 0)
        {
            return false;
        }
        if (MultiCallApplet.Of(ctx, lists) is { } applet)
        {
            return !lists.MultiCallBinaries.Contains(applet) && (lists.Shells.Contains(applet) || lists.Interpreters.Contains(applet));
        }
        return lists.Shells.Contains(ctx.Exe) || lists.Interpreters.Contains(ctx.Exe) || (identity?.IsKnownInterpreter(ctx.Exe) ?? false);
    }

    public static bool IsShell(ProcessContext ctx, RuleLists lists, IExecutableIdentity? identity = null) =>
        MultiCallApplet.Of(ctx, lists) is { } applet
            ? !lists.MultiCallBinaries.Contains(applet) && lists.Shells.Contains(applet)
            : lists.Shells.Contains(ctx.Exe) || (identity?.IsKnownShell(ctx.Exe) ?? false);

    /// <summary>
    /// The interpreter reads its commands from stdin: interactive (-i), -s, or no program given at all
    /// (`sh`, `bash -i`, `python3`, `perl`). `sh -c cmd`, `sh script.sh`, `python3 app.py` do not.
    /// </summary>
    public static bool ReadsCommandsFromStdin(ProcessContext ctx, RuleLists? lists = null)
    {
        var argv = Rules.LolbinShellRule.Args(ctx.Argv);
        // `busybox sh -i`: the program's own arguments start after its name.
        for (var i = lists is null ? 1 : MultiCallApplet.FirstArg(ctx, lists); i < argv.Count; i++)
        {
            var a = argv[i];
            if (a is "-i" or "-s" or "-" || (a.Length > 1 && a[0] == '-' && a[1] != '-' && IsFlagCluster(a) && (a.Contains('i') || a.Contains('s')) && !a.Contains('c')))
            {
                return true;
            }
            if (Array.IndexOf(InlineCode, a) >= 0 || (a.Length > 1 && a[0] == '-' && a[1] != '-' && IsFlagCluster(a) && a.Contains('c')))
            {
                return false;
            }
            if (a.Length > 0 && a[0] != '-' && a[0] != '+')
            {
                return false; // a script operand
            }
        }
        return true;
    }

    private static bool IsFlagCluster(string a)
    {
        for (var i = 1; i < a.Length; i++)
        {
            if (!char.IsAsciiLetter(a[i]))
            {
                return false;
            }
        }
        return true;
    }
}
