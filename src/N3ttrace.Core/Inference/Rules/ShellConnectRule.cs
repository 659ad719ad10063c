namespace N3ttrace.Inference.Rules;

/// <summary>A shell that owns a TCP connection itself: shells connect only through /dev/tcp redirections.</summary>
public sealed class ShellConnectRule : IRiskRule
{
    public string Name => "shell-connect";

    public string Description => "a shell opened the TCP connection itself (bash /dev/tcp)";

    public string Technique => "T1059.004";

    public RuleHit? Evaluate(Subject s) =>
        s.IsShell ? new RuleHit(Name, s.Config.ShellConnectPoints, $"{Subject.Label(s.Exe)} opened a TCP connection itself (/dev/tcp)", Technique) : null;
}
