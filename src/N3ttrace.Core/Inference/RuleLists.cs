namespace N3ttrace.Inference;

/// <summary>The name lists of a <see cref="RulesConfig"/>, compiled once for fast lookups.</summary>
public sealed class RuleLists(RulesConfig c)
{
    public RulesConfig Config { get; } = c;
    public NameSet Shells { get; } = new(c.Shells);
    public NameSet Interpreters { get; } = new(c.Interpreters);
    public NameSet NetworkTools { get; } = new(c.NetworkTools);
    public NameSet MultiCallBinaries { get; } = new(c.MultiCallBinaries);
    public NameSet Servers { get; } = new(c.Servers);
    public NameSet Updaters { get; } = new(c.Updaters);
    public NameSet TelemetryAgents { get; } = new(c.TelemetryAgents);
    public NameSet Schedulers { get; } = new(c.Schedulers);
    public NameSet AutomationLaunchers { get; } = new(c.AutomationLaunchers);
    public NameSet WellKnownNames { get; } = new(c.WellKnownNames);

    public bool IsLolbin(string exe) => NetworkTools.Contains(exe) || Interpreters.Contains(exe);
}
