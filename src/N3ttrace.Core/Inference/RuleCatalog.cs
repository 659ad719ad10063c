using N3ttrace.Inference.Rules;

namespace N3ttrace.Inference;

/// <summary>Every risk rule, in the order `explain` lists them. Rules are stateless: what they learn lives in the engine.</summary>
public static class RuleCatalog
{
    public static readonly LongevityRule Longevity = new();
    public static readonly StdioSocketRule StdioSocket = new();
    public static readonly StdioWiringRule StdioWiring = new();
    public static readonly ShellSpawnRule ShellSpawn = new();
    /// <summary>Judged on listen records only.</summary>
    public static readonly BindShellRule BindShell = new();

    /// <summary>Rules judged at birth (and at a failed connect).</summary>
    public static readonly IReadOnlyList<IRiskRule> AtBirth =
    [
        StdioSocket,
        StdioWiring,
        ShellSpawn,
        new ShellConnectRule(),
        new LolbinShellRule(),
        new SshTunnelRule(),
        new RelayRule(),
        new LolbinContextRule(),
        new OrphanShellRule(),
        new ServerAncestryRule(),
        new BeaconRule(),
        new FirstSeenRule(),
        new TempExecutableRule(),
        new DeletedExecutableRule(),
        new MemfdExecutableRule(),
        new MasqueradeRule(),
    ];

    public static readonly IReadOnlyList<IRiskRule> All = [.. AtBirth, Longevity, BindShell];
}
