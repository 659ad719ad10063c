namespace N3ttrace.Lineage;

/// <summary>
/// Facts about a process that evasion leaves behind, stated in the record for rules to score:
/// a comm that is not the executable's name, an argv[0] that names another program, a deleted executable.
/// </summary>
public static class ProcessFacts
{
    public const string CommRenamed = "comm-mismatch";
    public const string Argv0Mismatch = "argv0-mismatch";
    public const string ExeDeleted = "exe-deleted";
    public const string ArgvOverwritten = "argv-overwritten";
    public const string StdioSocket = "stdio-socket";

    public static IReadOnlyList<string> Of(string comm, ProcessContext ctx)
    {
        if (ctx.Exe.Length == 0)
        {
            return [];
        }
        var facts = new List<string>(3);
        var exeName = Path.GetFileName(ctx.Exe);
        var argv0Name = Path.GetFileName(ctx.Argv0);
        // The kernel sets comm to the exec'd file's name (15 bytes); for a script that is the
        // script, which is argv[1] of its interpreter. Matching none of them means a rename.
        if (!Prefix15(exeName, comm) && !Prefix15(argv0Name, comm) && !Prefix15(Path.GetFileName(ArgvText.Nth(ctx.Argv, 1)), comm))
        {
            facts.Add(CommRenamed);
        }
        if (argv0Name.Length > 0 && argv0Name != exeName && !IsInterpreterOrLink(exeName, argv0Name))
        {
            facts.Add(Argv0Mismatch);
        }
        if (ctx.ExeDeleted)
        {
            facts.Add(ExeDeleted);
        }
        if (ctx.ArgvOverwritten)
        {
            facts.Add(ArgvOverwritten);
        }
        if (ctx.StdioSockets != 0)
        {
            facts.Add(StdioSocket);
        }
        return facts;
    }

    private static bool Prefix15(string name, string comm) =>
        name.Length > 0 && (name == comm || (comm.Length == 15 && name.StartsWith(comm, StringComparison.Ordinal)));

    // python3 -> python3.11, sh -> dash, login shells "-bash": ordinary differences, not masquerading.
    private static bool IsInterpreterOrLink(string exeName, string argv0Name)
    {
        var a = argv0Name.TrimStart('-');
        return exeName.StartsWith(a, StringComparison.Ordinal) || a.StartsWith(exeName, StringComparison.Ordinal)
            || (a is "sh" && exeName is "dash" or "bash" or "busybox")
            || exeName is "busybox";
    }
}
