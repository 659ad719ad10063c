namespace N3ttrace.Inference.Rules;

/// <summary>
/// Command-line knowledge (GTFOBins-like), supporting context with small weight: a living-off-the-land binary
/// whose arguments hand a program to the network (the rules file's shell_handoff_args: socat exec:, nc -e...),
/// or an interpreter's inline code that both opens a socket and spawns a shell (socket_markers, shell_spawn_markers),
/// awk /inet/tcp. Text, not behaviour: it never makes a THREAT alone.
/// </summary>
public sealed class LolbinShellRule : IRiskRule
{
    private static readonly string[] InlineCode = ["-c", "-e", "-E", "-r", "-R", "--eval"];

    public string Name => "lolbin-shell";

    public string Description => "socat exec:, nc -e, or interpreter inline code that opens a socket and spawns a shell";

    public string Technique => "T1059";

    public RuleHit? Evaluate(Subject s)
    {
        if (!s.IsLolbin)
        {
            return null;
        }
        var argv = Args(s.Birth.Argv);
        var name = NameSet.BaseName(s.Exe);
        var label = Subject.Label(s.Exe);
        // "tool arg-prefix" entries of the rules file (shell_handoff_args); busybox applets name themselves in argv[1].
        var tool = name == "busybox" && argv.Count > 1 ? argv[1] : name;
        foreach (var entry in s.Config.ShellHandoffArgs)
        {
            var sp = entry.IndexOf(' ', StringComparison.Ordinal);
            if (sp <= 0 || (entry[..sp] != tool && entry[..sp] != name))
            {
                continue;
            }
            var prefix = entry[(sp + 1)..];
            foreach (var a in argv.Skip(1))
            {
                if (a.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return Hit(s, $"{label} hands a program to the network ({Subject.Label(prefix.TrimEnd(':'))})");
                }
            }
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

    private RuleHit Hit(Subject s, string text) => new(Name, s.Config.LolbinShellPoints, text, Technique);

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
