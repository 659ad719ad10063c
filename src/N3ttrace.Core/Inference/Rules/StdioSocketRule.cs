namespace N3ttrace.Inference.Rules;

/// <summary>
/// A shell or interpreter whose stdin and stdout are sockets: the shape of a reverse shell.
/// Seen at exec (the kernel reports stdio sockets), or later by a /proc probe of live candidates
/// (bash's /dev/tcp and python's dup2 put the socket on stdio only after connect).
/// Both stdin and stdout are required: a service's stdout to journald alone is a socket too.
/// </summary>
public sealed class StdioSocketRule : IRiskRule
{
    public string Name => "stdio-socket";

    public string Description => "a shell or interpreter whose stdin and stdout are sockets (reverse shell)";

    public string Technique => "T1059.004";

    public RuleHit? Evaluate(Subject s)
    {
        var bits = s.Birth.StdioSockets | s.Current.StdioSockets | s.ProbedStdio;
        if ((bits & 3) != 3)
        {
            return null;
        }
        var exe = s.Current.Exe.Length > 0 ? s.Current.Exe : s.Exe;
        if (!s.Lists.Shells.Contains(exe) && !s.Lists.Interpreters.Contains(exe))
        {
            return null;
        }
        return new RuleHit(Name, s.Config.StdioSocketPoints, $"stdin and stdout of {Subject.Label(exe)} are sockets", Technique);
    }
}
