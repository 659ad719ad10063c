using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Fuzz.Tests.Targets;

namespace N3ttrace.Fuzz.Tests;

public static class FuzzTargets
{
    public static readonly string[] Names = ["time", "cli", "trail", "rules", "verify-key", "hash-endpoint", "bundle"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "time" => new TimeTarget(),
        "cli" => new CliTarget(),
        "trail" => new TrailTarget(),
        "rules" => new RulesTarget(),
        "verify-key" => new VerifyKeyTarget(),
        "hash-endpoint" => new HashEndpointTarget(),
        "bundle" => new BundleTarget(),
        _ => throw new ArgumentException($"no fuzz target {name}", nameof(name)),
    };
}
