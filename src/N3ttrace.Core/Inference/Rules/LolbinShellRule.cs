namespace N3ttrace.Inference.Rules;

/// <summary>
/// A living-off-the-land binary whose command line hands a shell to the network: socat exec:/system:,
/// nc -e/-c/--sh-exec, an interpreter's inline code (-c/-e/-r) that both opens a socket and spawns a shell
/// or duplicates descriptors, awk /inet/tcp. The name alone never fires: the arguments must say it.
/// </summary>
public sealed class LolbinShellRule : IRiskRule
{
    private static readonly string[] NcExec = ["-e", "-c", "--exec", "--sh-exec", "--lua-exec"];
    private static readonly string[] InlineCode = ["-c", "-e", "-E", "-r", "-R", "--eval"];

    public string Name => "lolbin-shell";

    public string Description => "socat exec:, nc -e, or interpreter inline code that opens a socket and spawns a shell";

    public RuleHit? Evaluate(Subject s)
    {
        if (!s.IsLolbin)
        {
            return null;
        }
        var argv = Args(s.Birth.Argv);
        var name = NameSet.StripVersion(NameSet.BaseName(s.Exe));
        var label = Subject.Label(s.Exe);
        if (name == "socat")
        {
            foreach (var a in argv)
            {
                if (a.StartsWith("exec:", StringComparison.OrdinalIgnoreCase) || a.StartsWith("system:", StringComparison.OrdinalIgnoreCase))
                {
                    return Hit(s, $"{label} connects a program to the network ({a[..a.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant()}:)");
                }
            }
            return null;
        }
        if (name is "nc" or "ncat" or "netcat" or "nc.openbsd" or "nc.traditional" || (name == "busybox" && argv.Count > 1 && argv[1] == "nc"))
        {
            foreach (var a in argv)
            {
                if (Array.IndexOf(NcExec, a) >= 0 || (a.StartsWith("-e", StringComparison.Ordinal) && a.Length > 2 && a[2] == '/'))
                {
                    return Hit(s, $"{label} executes a program on the connection ({Subject.Label(a)})");
                }
            }
            return null;
        }
        if (!s.Lists.Interpreters.Contains(s.Exe))
        {
            return null;
        }
        for (var i = 1; i < argv.Count - 1; i++)
        {
            if (Array.IndexOf(InlineCode, argv[i]) < 0)
            {
                continue;
            }
            var code = argv[i + 1];
            if (code.Contains("/inet/tcp/", StringComparison.Ordinal))
            {
                return Hit(s, $"{label} inline code opens /inet/tcp");
            }
            if (ContainsAny(code, s.Config.SocketMarkers) && ContainsAny(code, s.Config.ShellSpawnMarkers))
            {
                return Hit(s, $"{label} inline code ({argv[i]}) opens a socket and spawns a shell or duplicates descriptors");
            }
        }
        return null;
    }

    private RuleHit Hit(Subject s, string text) => new(Name, s.Config.LolbinShellPoints, text);

    private static bool ContainsAny(string text, IReadOnlyList<string> markers)
    {
        foreach (var m in markers)
        {
            if (text.Contains(m, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    internal static List<string> Args(byte[] argv)
    {
        var list = new List<string>();
        var span = argv.AsSpan();
        while (!span.IsEmpty)
        {
            var nul = span.IndexOf((byte)0);
            var part = nul < 0 ? span : span[..nul];
            list.Add(Lineage.ArgvText.Decode(part));
            if (nul < 0)
            {
                break;
            }
            span = span[(nul + 1)..];
        }
        return list;
    }
}
