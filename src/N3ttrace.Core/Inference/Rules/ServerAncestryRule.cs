using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A shell or network tool descending from a web, database or other network server: the shape of a
/// web shell or an exploited service. Servers are known by executable name, or for interpreters by
/// their command line (python -m http.server, gunicorn...).
/// </summary>
public sealed class ServerAncestryRule : IRiskRule
{
    public string Name => "server-child";

    public string Description => "a shell or network tool whose ancestor is a web, database or network server";

    public string Technique => "T1190";

    public RuleHit? Evaluate(Subject s)
    {
        if (!s.IsShell && !s.IsLolbin)
        {
            return null;
        }
        foreach (var a in s.Ancestors)
        {
            if (IsServer(a.Context, s.Lists, out var what))
            {
                return new RuleHit(Name, s.Config.ServerChildPoints, $"{Subject.Label(s.Exe)} descends from network server {what}", Technique);
            }
        }
        return null;
    }

    public static bool IsServer(ProcessContext ctx, RuleLists lists, out string what)
    {
        what = Subject.Label(ctx.Exe);
        if (lists.Servers.Contains(ctx.Exe))
        {
            return true;
        }
        if (!lists.Interpreters.Contains(ctx.Exe))
        {
            return false;
        }
        var cmd = ctx.CommandLine;
        foreach (var m in lists.Config.ServerArgs)
        {
            if (cmd.Contains(m, StringComparison.Ordinal))
            {
                what = $"{what} ({Subject.Label(m)})";
                return true;
            }
        }
        return false;
    }
}
