using N3ttrace.Lineage;

namespace N3ttrace.Inference;

/// <summary>
/// The program a multi-call binary (busybox, toybox) runs: argv[0]'s base name ("sh" for a link named sh), or argv[1]
/// when argv[0] is the binary itself (`busybox sh -i`). The executable is the kernel's fact; which of its programs
/// runs is chosen by argv the same way the binary chooses it, so this is no name match on comm.
/// </summary>
public static class MultiCallApplet
{
    /// <summary>Null when the executable is not a multi-call binary; "" when it names no program.</summary>
    public static string? Of(ProcessContext ctx, RuleLists lists)
    {
        if (ctx.Exe.Length == 0 || !lists.MultiCallBinaries.Contains(ctx.Exe))
        {
            return null;
        }
        var argv0 = NameSet.BaseName(ctx.Argv0).TrimStart('-');
        if (!lists.MultiCallBinaries.Contains(argv0) && argv0.Length > 0)
        {
            return argv0;
        }
        var args = Rules.LolbinShellRule.Args(ctx.Argv);
        return args.Count > 1 ? NameSet.BaseName(args[1]) : "";
    }

    /// <summary>Index of the first argument after the program's name: 2 for `busybox sh -i`, else 1.</summary>
    public static int FirstArg(ProcessContext ctx, RuleLists lists) =>
        Of(ctx, lists) is { Length: > 0 } && lists.MultiCallBinaries.Contains(NameSet.BaseName(ctx.Argv0).TrimStart('-')) ? 2 : 1;
}
