using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A disguise, not a process title: a user process named like a kernel thread ([kworker/0:1]), or wearing the name
/// of another well-known program (a node process calling itself sshd). nginx, postgres, npm and php-fpm rewrite
/// their titles all day; a title naming the program itself, or no well-known program, is not a disguise.
/// </summary>
public sealed class MasqueradeRule : IRiskRule
{
    public string Name => "masquerade";

    public string Description => "named like a kernel thread, or wearing another well-known program's name";

    public string Technique => "T1036.004";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Exe.Length == 0)
        {
            return null;
        }
        var comm = s.Connection.Facts.Contains(ProcessFacts.CommRenamed);
        var argv0 = s.Connection.Facts.Contains(ProcessFacts.Argv0Mismatch);
        if (comm && Disguise(s, s.Connection.Comm) is { } c)
        {
            return new RuleHit(Name, s.Config.MasqueradePoints, $"comm '{Subject.Label(s.Connection.Comm)}' {c}; executable {Subject.Label(s.Exe)}", Technique);
        }
        if ((argv0 || s.Birth.ArgvOverwritten) && Disguise(s, s.Birth.Argv0) is { } a)
        {
            return new RuleHit(Name, s.Config.MasqueradePoints, $"argv[0] '{Subject.Label(s.Birth.Argv0)}' {a}; executable {Subject.Label(s.Exe)}", Technique);
        }
        return null;
    }

    private static string? Disguise(Subject s, string shown)
    {
        var name = shown.Trim().TrimStart('[', '-').TrimEnd(']');
        foreach (var k in s.Config.KernelThreadPrefixes)
        {
            if (name.StartsWith(k, StringComparison.Ordinal))
            {
                return "is a kernel thread's name";
            }
        }
        // "nginx: worker process", "sshd: user@pts/0": the first word names the program.
        var end = name.AsSpan().IndexOfAny(':', ' ');
        var word = NameSet.BaseName(end < 0 ? name : name[..end]);
        var exe = NameSet.BaseName(s.Exe);
        if (word.Length == 0 || exe.StartsWith(word, StringComparison.Ordinal) || word.StartsWith(exe, StringComparison.Ordinal))
        {
            return null;
        }
        return s.Lists.WellKnownNames.Contains(word) ? $"names another program ({Subject.Label(word)})" : null;
    }
}
