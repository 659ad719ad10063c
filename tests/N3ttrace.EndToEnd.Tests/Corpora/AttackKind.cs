namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>What an attack scenario is; shells and tunnels must reach THREAT, the rest at least ANOMALY.</summary>
internal enum AttackKind
{
    Shell,
    Tunnel,
    Beacon,
    Other,
}
