namespace N3ttrace.Inference.Rules;

/// <summary>
/// A listening socket opened by a shell or a command interpreter: a bind shell waits for its operator this way
/// (nc -l -e, python/perl one-liners). Judged on listen records only. Without a terminal and not run as automation
/// it is a THREAT; with one it is a user's own server more often than not (python -m http.server), an ANOMALY.
/// </summary>
public sealed class BindShellRule : IRiskRule
{
    public string Name => "bind-shell";

    public string Description => "a shell or interpreter opened a listening socket (bind shell)";

    public string Technique => "T1059";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Connection.Direction != Connections.FlowDirection.Listen || !(s.IsShell || s.IsInterpreter(s.Birth)))
        {
            return null;
        }
        var port = s.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (s.HasTty)
        {
            return new RuleHit(Name, s.Config.BindShellTtyPoints, $"{Subject.Label(s.Exe)} listens on port {port} from a terminal", Technique);
        }
        if (s.Connection.Process is { } node && s.IsAutomation(node, out var why))
        {
            return new RuleHit(Name, s.Config.BindShellTtyPoints, $"{Subject.Label(s.Exe)} listens on port {port} ({why})", Technique);
        }
        return new RuleHit(Name, s.Config.BindShellPoints, $"{Subject.Label(s.Exe)} listens on port {port} with no terminal: a bind shell", Technique);
    }
}
