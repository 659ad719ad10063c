using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// One attack: real processes against their own loopback listener. Judged on every connection to the scenario's
/// judged ports (the listener's, plus any the scenario adds, e.g. its sshd); the level is the highest any of them
/// reached, at birth or later.
/// </summary>
internal sealed record AttackScenario(string Id, string Name, string Tool, Wiring Wiring, AttackKind Kind, Mode Mode, Func<ScenarioEnv, Task> Run)
{
    /// <summary>The bar: THREAT for an interactive shell or a tunnel, ANOMALY for everything else.</summary>
    public string MinLevel => Kind is AttackKind.Shell or AttackKind.Tunnel ? "THREAT" : "ANOMALY";

    /// <summary>Shell scenarios are only valid if the shell really ran the listener's command.</summary>
    public bool MustAnswer => Kind == AttackKind.Shell;
}
